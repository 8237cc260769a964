#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
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
  /// The one-target route to this model (compiled with the snapshot, not per request).
  routing::RouteNodePtr route;
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

/// Which requests an agent takes. An empty list matches everything on its axis.
struct AgentRules {
  std::vector<std::string> models;     ///< globs (`*`, `?`) over the public model name
  std::vector<std::string> providers;  ///< provider names
  std::vector<std::string> regions;    ///< values of the `x-gateway-region` request header
};

/// A remote agent (DESIGN 5) as the forwarding step sees it. Liveness is not part of the
/// snapshot: it changes with every heartbeat.
struct AgentEntry {
  std::int64_t id = 0;
  std::string name;
  std::string region;
  std::string kind = "gateway";  ///< "gateway" | "portkey"
  std::string endpoint;          ///< base URL; empty when the control plane cannot reach it
  bool enabled = true;
  std::int64_t priority = 0;  ///< lower first
  AgentRules rules;
  /// Its synthetic provider (agentProvider() in agent_forward.hpp) when requests can be
  /// forwarded to it: a `gateway` agent with an endpoint. Null otherwise.
  ProviderPtr target;
};

/// The compiled, immutable configuration the data plane reads. Compiled from a config document
/// (compileConfigDocument) and published by SnapshotService; shared read-only by every event
/// loop.
struct Snapshot {
  std::uint64_t version = 0;  ///< assigned by SnapshotService::publish
  std::string hash;           ///< SHA-256 of the config document (its "hash" member)
  /// The config document this snapshot was compiled from, serialised (contains decrypted
  /// credentials: send it only to authenticated agents, never log it).
  std::shared_ptr<const std::string> document;
  std::chrono::system_clock::time_point built_at;
  std::map<std::int64_t, ProviderPtr> providers;                    ///< enabled providers by id
  std::unordered_map<std::string, KeyEntry> keys;                   ///< by SHA-256 hex of the key
  std::unordered_map<std::string, std::vector<ModelEntry>> models;  ///< by public name
  /// Models by provider id and upstream id ("<provider_id>\n<model_id>"), for prices.
  std::unordered_map<std::string, ModelEntry> by_upstream;
  std::map<std::int64_t, RouteEntry> routes;                     ///< enabled, valid configs by id
  std::unordered_map<std::string, std::int64_t> virtual_models;  ///< name -> config id
  std::vector<AgentEntry> agents;  ///< every agent, enabled or not, by (priority, id)
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

/// The config document (DESIGN 5) of the store's current state: everything the data plane
/// needs, serialisable, so agents compile the same snapshot as the control plane:
/// ```
/// { "providers": [{id, name, type, base_url, api_key (decrypted; "" when disabled), config
///                  (secret fields opened), enabled}],
///   "models": [{id, provider_id, name, model_id, enabled, mode, input_price, output_price,
///               cached_input_price}],
///   "keys": [{id, name, hash, enabled, allowed_models, provider_id, routing_config_id,
///             rpm_limit, tpm_limit, max_concurrency, budget_usd, budget_period, expires_at,
///             allowed_ips, allow_config_header}],
///   "routing_configs": [{id, name, virtual_model, enabled, config}],
///   "agents": [{id, name, region, kind, endpoint, enabled, priority,
///               rules: {models, providers, regions}}],
///   "hash": SHA-256 hex of the document without "hash" }
/// ```
/// Blocking (reads the store): call it on the blocking pool. A provider key that cannot be
/// decrypted is logged and sent empty. Throws what the store throws.
json::object loadConfigDocument(store::Store& store, const crypto::SecretBox& secrets);

/// SHA-256 hex of a document without its "hash" member (what loadConfigDocument stores there).
std::string documentHash(const json::object& document);

/// Compiles a config document into an unpublished snapshot (version 0). Pure. A document of
/// the wrong shape (missing arrays, wrong member types) is an InvalidRequest error whose
/// message names every bad path, e.g. "providers[2].id: must be an integer"; `param` holds the
/// first. Well-formed entries that do not compile (a provider whose settings its type refuses,
/// a routing config naming a deleted provider) are skipped with a warning, as the control plane
/// always did: one bad record must not take the whole configuration down.
Result<std::shared_ptr<Snapshot>> compileConfigDocument(const json::object& document);

/// Publishes snapshots atomically: compiled from the store (control plane) or from documents
/// received from elsewhere (an agent, which has no store).
/// @par Thread Safety
/// current() is lock-free-ish (std::atomic<shared_ptr>) and safe from any thread. publish(),
/// publishDocument() and rebuild() are serialised by a mutex; rebuild() is blocking (reads the
/// store): call it on the blocking pool.
class SnapshotService {
 public:
  /// A service that rebuilds from `store`. Versions start at the wall clock in milliseconds,
  /// so they keep increasing across restarts: an agent holding version V from before a restart
  /// never mistakes a newer document for the one it has.
  SnapshotService(store::Store& store, const crypto::SecretBox& secrets);
  /// A service without a store (agent mode): only publish()/publishDocument(). Versions start
  /// at 1.
  SnapshotService();

  /// Called with each new snapshot after it is published (e.g. to seed budgets). Set before
  /// the first publication.
  void onPublish(std::function<void(const Snapshot&)> hook) { on_publish_ = std::move(hook); }

  SnapshotPtr current() const { return current_.load(std::memory_order_acquire); }
  /// The version of current(), readable without touching the snapshot (for long polls).
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

  /// Stamps `snapshot` with the next version and the build time, publishes it, runs the hook.
  SnapshotPtr publish(std::shared_ptr<Snapshot> snapshot);
  /// compileConfigDocument + publish; on a compile error nothing is published.
  Result<SnapshotPtr> publishDocument(const json::object& document);
  /// Control plane only: loadConfigDocument + compile + publish; returns the new snapshot.
  /// Throws (std::logic_error) on a service without a store, and what the store throws.
  SnapshotPtr rebuild();

 private:
  SnapshotPtr publishLocked(std::shared_ptr<Snapshot> snapshot);

  store::Store* store_ = nullptr;
  const crypto::SecretBox* secrets_ = nullptr;
  std::atomic<SnapshotPtr> current_;
  std::atomic<std::uint64_t> version_{0};
  std::mutex publish_mutex_;
  std::function<void(const Snapshot&)> on_publish_;
  std::uint64_t next_version_ = 1;
};

}  // namespace gw::dataplane
