#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/rows.hpp"

namespace gw::store {

/// Persistent state of the control plane. One interface per resource; SQL for each lives in
/// one file of the back end (store/sqlite/<resource>_store.cpp).
/// @par Thread Safety
/// Implementations are thread-safe but blocking: call them only from the blocking pool.
/// Failures throw sqlite::StoreError (constraint violations flagged), caught at the admin
/// handler boundary.

class UserStore {
public:
  virtual ~UserStore() = default;
  virtual std::int64_t count() = 0;
  /// Inserts only while the table is empty (atomic check); nullopt when a user exists.
  virtual std::optional<UserRow> createFirst(const UserRow& row) = 0;
  virtual UserRow create(const UserRow& row) = 0;
  virtual std::optional<UserRow> findByName(const std::string& username) = 0;
  virtual std::optional<UserRow> findById(std::int64_t id) = 0;
  virtual std::vector<UserRow> list() = 0;
  virtual void setPassword(std::int64_t id, const std::string& hash) = 0;
  /// Deletes unless it is the last admin. Returns false when refused; throws when absent.
  virtual bool removeUnlessLastAdmin(std::int64_t id) = 0;
};

class ProviderStore {
public:
  virtual ~ProviderStore() = default;
  virtual Page<ProviderRow> list(const ListQuery& q) = 0;
  virtual std::vector<ProviderRow> all() = 0;
  virtual std::optional<ProviderRow> get(std::int64_t id) = 0;
  virtual std::optional<ProviderRow> findByName(const std::string& name) = 0;
  virtual ProviderRow create(const ProviderRow& row) = 0;
  virtual ProviderRow update(const ProviderRow& row) = 0;
  virtual bool remove(std::int64_t id) = 0;
};

class ModelStore {
public:
  virtual ~ModelStore() = default;
  virtual Page<ModelRow> list(const ListQuery& q) = 0;
  virtual std::vector<ModelRow> all() = 0;
  virtual std::optional<ModelRow> get(std::int64_t id) = 0;
  virtual ModelRow create(const ModelRow& row) = 0;
  virtual ModelRow update(const ModelRow& row) = 0;
  virtual bool remove(std::int64_t id) = 0;
  /// Creates many in one transaction; rows whose (provider, name) exists are skipped.
  /// Returns the number created.
  virtual int createMany(const std::vector<ModelRow>& rows) = 0;
};

class VirtualKeyStore {
public:
  virtual ~VirtualKeyStore() = default;
  virtual Page<VirtualKeyRow> list(const ListQuery& q) = 0;
  virtual std::vector<VirtualKeyRow> all() = 0;
  virtual std::optional<VirtualKeyRow> get(std::int64_t id) = 0;
  virtual bool hashExists(const std::string& key_hash) = 0;
  virtual VirtualKeyRow create(const VirtualKeyRow& row) = 0;
  virtual VirtualKeyRow update(const VirtualKeyRow& row) = 0;
  virtual bool remove(std::int64_t id) = 0;
};

class RoutingConfigStore {
public:
  virtual ~RoutingConfigStore() = default;
  virtual Page<RoutingConfigRow> list(const ListQuery& q) = 0;
  virtual std::vector<RoutingConfigRow> all() = 0;
  virtual std::optional<RoutingConfigRow> get(std::int64_t id) = 0;
  virtual RoutingConfigRow create(const RoutingConfigRow& row) = 0;
  virtual RoutingConfigRow update(const RoutingConfigRow& row) = 0;
  virtual bool remove(std::int64_t id) = 0;
};

/// Remote agents. list() filters: "enabled" ("true"/"false"), "region" (exact); `q` matches
/// name, region and description.
class AgentStore {
public:
  virtual ~AgentStore() = default;
  virtual Page<AgentRow> list(const ListQuery& q) = 0;
  virtual std::vector<AgentRow> all() = 0;
  virtual std::optional<AgentRow> get(std::int64_t id) = 0;
  virtual std::optional<AgentRow> findByKeyHash(const std::string& key_hash) = 0;
  /// Inserts the admin fields and the key; heartbeat fields start null.
  virtual AgentRow create(const AgentRow& row) = 0;
  /// Writes the admin fields and the key (a regenerated key replaces the old one at once);
  /// leaves the heartbeat fields alone.
  virtual AgentRow update(const AgentRow& row) = 0;
  virtual bool remove(std::int64_t id) = 0;
  /// Records a heartbeat; false when the agent is gone.
  virtual bool recordHeartbeat(std::int64_t id, const AgentHeartbeat& beat) = 0;
  /// Records a successful probe by the control plane: latency and last_seen_at.
  virtual bool recordProbe(std::int64_t id, double latency_ms, const std::string& seen_at) = 0;
};

class SettingsStore {
public:
  virtual ~SettingsStore() = default;
  virtual std::optional<std::string> get(const std::string& key) = 0;
  virtual void set(const std::string& key, const std::string& value) = 0;
};

/// All stores of one back end, plus its health.
class Store {
public:
  virtual ~Store() = default;
  virtual UserStore& users() = 0;
  virtual ProviderStore& providers() = 0;
  virtual ModelStore& models() = 0;
  virtual VirtualKeyStore& keys() = 0;
  virtual RoutingConfigStore& routingConfigs() = 0;
  virtual SettingsStore& settings() = 0;
  virtual AgentStore& agents() = 0;
  /// True when the database answers and all migrations are applied.
  virtual bool ready() = 0;
  /// Size of the database on disk in bytes (0 when unknown).
  virtual std::int64_t sizeBytes() = 0;
};

using StorePtr = std::unique_ptr<Store>;

}  // namespace gw::store
