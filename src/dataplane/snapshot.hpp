#pragma once

#include <atomic>
#include <functional>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/crypto.hpp"
#include "core/json.hpp"
#include "governance/key_limits.hpp"
#include "providers/provider.hpp"
#include "routing/config_schema.hpp"
#include "routing/route_node.hpp"
#include "store/store.hpp"

namespace gw::dataplane {

using ProviderPtr = std::shared_ptr<const providers::ProviderConfig>;

/// A model as the request path sees it.
struct ModelEntry {
  std::int64_t id = 0;
  std::string name;      ///< public name
  std::string model_id;  ///< upstream id
  std::string mode;
  ProviderPtr provider;
  std::optional<double> input_price;  ///< USD per million tokens
  std::optional<double> output_price;
  std::optional<double> cached_input_price;
};

/// A virtual key as the request path sees it.
struct KeyEntry {
  std::int64_t id = 0;
  std::string name;
  governance::KeyLimits limits;  ///< enabled, expiry, addresses, models, rate and budget
  std::optional<std::int64_t> provider_id;
  std::optional<std::int64_t> routing_config_id;
  bool allow_config_header = false;
};

/// A routing config compiled for the request path.
struct RouteEntry {
  std::int64_t id = 0;
  std::string name;
  routing::RouteNodePtr root;
};

/// The compiled, immutable configuration the data plane reads. Built from the store by
/// SnapshotService; shared read-only by every event loop.
struct Snapshot {
  std::uint64_t version = 0;
  std::string hash;  ///< SHA-256 of the config document
  std::chrono::system_clock::time_point built_at;
  std::map<std::int64_t, ProviderPtr> providers;        ///< enabled providers by id
  std::unordered_map<std::string, KeyEntry> keys;       ///< by SHA-256 hex of the key
  std::unordered_map<std::string, std::vector<ModelEntry>> models;  ///< by public name
  /// Models by provider id and upstream id ("<provider_id>\n<model_id>"), for prices.
  std::unordered_map<std::string, ModelEntry> by_upstream;
  std::map<std::int64_t, RouteEntry> routes;            ///< enabled, valid configs by id
  std::unordered_map<std::string, std::int64_t> virtual_models;  ///< name -> config id
  struct Counts {
    std::int64_t providers = 0, models = 0, virtual_keys = 0, routing_configs = 0;
  } counts;
};
using SnapshotPtr = std::shared_ptr<const Snapshot>;

/// A routing directory over a snapshot's providers, the catalog's types and the given stored
/// configs (for `config_id` references). Used to compile and to validate configs.
routing::MapProviderDirectory makeDirectory(const Snapshot& snapshot,
                                            const std::vector<store::RoutingConfigRow>& configs);

/// The by_upstream key of a model.
inline std::string upstreamKey(std::int64_t provider_id, std::string_view model_id) {
  std::string k = std::to_string(provider_id);
  k.push_back('\n');
  k.append(model_id);
  return k;
}

/// Builds snapshots from the store and publishes them atomically.
/// @par Thread Safety
/// current() is lock-free-ish (std::atomic<shared_ptr>) and safe from any thread; rebuild() is
/// blocking (reads the store) and serialised by a mutex: call it on the blocking pool.
class SnapshotService {
public:
  SnapshotService(store::Store& store, const crypto::SecretBox& secrets)
      : store_(store), secrets_(secrets), current_(std::make_shared<const Snapshot>()) {}

  /// Called with each new snapshot after it is published (e.g. to seed budgets). Set before
  /// the first rebuild.
  void onPublish(std::function<void(const Snapshot&)> hook) { on_publish_ = std::move(hook); }

  SnapshotPtr current() const { return current_.load(std::memory_order_acquire); }
  /// Reads the store, compiles, publishes; returns the new snapshot.
  SnapshotPtr rebuild();

private:
  store::Store& store_;
  const crypto::SecretBox& secrets_;
  std::atomic<SnapshotPtr> current_;
  std::mutex rebuild_mutex_;
  std::function<void(const Snapshot&)> on_publish_;
  std::uint64_t next_version_ = 1;
};

}  // namespace gw::dataplane
