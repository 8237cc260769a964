#include "admin/routes.hpp"

#include "dataplane/snapshot.hpp"
#include "observe/usage_log_writer.hpp"

// System (docs/api.md "System"): the published snapshot, the built-in engine's status (the
// original product drove a Docker container; here the engine is this process) and settings.

namespace gw::admin {

namespace {

constexpr const char* kRetentionKey = "log_retention_days";
constexpr const char* kPromptsKey = "log_prompts";
constexpr std::int64_t kDefaultRetentionDays = 30;  ///< LOG_RETENTION_DAYS' default
constexpr std::int64_t kMaxRetentionDays = 3650;

std::int64_t uptimeSeconds(const AdminDeps& d) {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                          d.started_at)
      .count();
}

json::object countsJson(const dataplane::Snapshot& s) {
  json::object o;
  o["providers"] = s.counts.providers;
  o["models"] = s.counts.models;
  o["virtual_keys"] = s.counts.virtual_keys;
  o["routing_configs"] = s.counts.routing_configs;
  return o;
}

json::object snapshotJson(const dataplane::Snapshot& s) {
  json::object o;
  o["version"] = s.version;
  o["hash"] = s.hash;
  o["built_at"] = formatRfc3339(s.built_at);
  return o;
}

json::object engineJson(const AdminDeps& d) {
  json::object o;
  o["running"] = true;
  o["engine"] = "built-in";
  o["version"] = d.version;
  o["uptime_seconds"] = uptimeSeconds(d);
  return o;
}

// --- settings -------------------------------------------------------------------------------

struct Settings {
  std::int64_t log_retention_days = kDefaultRetentionDays;
  bool log_prompts = false;
};

json::object settingsJson(const Settings& s) {
  json::object o;
  o["log_retention_days"] = s.log_retention_days;
  o["log_prompts"] = s.log_prompts;
  return o;
}

Settings loadSettings(store::Store& store) {
  Settings s;
  if (auto v = store.settings().get(kRetentionKey)) {
    try {
      s.log_retention_days = std::stoll(*v);
    } catch (const std::exception&) {
      // a hand-edited bad value: keep the default
    }
  }
  if (auto v = store.settings().get(kPromptsKey)) {
    s.log_prompts = *v == "true";
  }
  return s;
}

/// Stores the fields present in a validated body; returns the settings now in force.
Settings saveSettings(AdminDeps& d, std::optional<std::int64_t> retention,
                      std::optional<bool> prompts) {
  if (retention) {
    d.store.settings().set(kRetentionKey, std::to_string(*retention));
  }
  if (prompts) {
    d.store.settings().set(kPromptsKey, *prompts ? "true" : "false");
  }
  return loadSettings(d.store);
}

json::object systemStatus(AdminDeps& d) {
  const auto snap = d.snapshots.current();
  json::object queue;
  queue["written"] = d.log_writer.written();
  queue["dropped"] = d.log_writer.dropped();
  queue["failed"] = d.log_writer.failed();
  json::object o;
  o["version"] = d.version;
  o["uptime_seconds"] = uptimeSeconds(d);
  o["snapshot_version"] = snap->version;
  o["db_size_bytes"] = d.store.sizeBytes();
  o["counts"] = countsJson(*snap);
  o["log_queue"] = std::move(queue);
  return o;
}

// --- handlers -------------------------------------------------------------------------------

net::awaitable<void> postRegenerate(AdminDeps& d, RequestContext& rc) {
  auto snap = co_await d.pool.run([&] { return d.snapshots.rebuild(); });
  co_await rc.sendJson(200, snapshotJson(*snap));
}

net::awaitable<void> getConfigStatus(AdminDeps& d, RequestContext& rc) {
  const auto snap = d.snapshots.current();
  json::object answer = snapshotJson(*snap);
  answer["counts"] = countsJson(*snap);
  co_await rc.sendJson(200, answer);
}

net::awaitable<void> getEngineStatus(AdminDeps& d, RequestContext& rc) {
  co_await rc.sendJson(200, engineJson(d));
}

net::awaitable<void> postEngineStop(AdminDeps&, RequestContext& rc) {
  co_await sendError(rc, Error{ErrorCode::Conflict,
                               "the gateway engine is built into this service and cannot be "
                               "stopped from here; stop the service instead"});
}

net::awaitable<void> getSystemStatus(AdminDeps& d, RequestContext& rc) {
  auto answer = co_await d.pool.run([&] { return systemStatus(d); });
  co_await rc.sendJson(200, answer);
}

net::awaitable<void> getSettings(AdminDeps& d, RequestContext& rc) {
  auto s = co_await d.pool.run([&] { return loadSettings(d.store); });
  co_await rc.sendJson(200, settingsJson(s));
}

net::awaitable<void> putSettings(AdminDeps& d, RequestContext& rc) {
  auto body = co_await readJsonBody(rc);
  if (!body) {
    co_return;
  }
  FieldReader f(*body);
  const auto retention = f.integer(kRetentionKey, 1, kMaxRetentionDays);
  const auto prompts = f.boolean(kPromptsKey);
  // null is not "clear" here: both settings always have a value.
  if (f.isNull(kRetentionKey)) {
    f.fail(kRetentionKey, "must not be null");
  }
  if (f.isNull(kPromptsKey)) {
    f.fail(kPromptsKey, "must not be null");
  }
  if (!f.ok()) {
    co_await sendInvalid(rc, f.errors());
    co_return;
  }
  auto s = co_await d.pool.run([&] { return saveSettings(d, retention, prompts); });
  d.log_writer.setRetentionDays(static_cast<int>(s.log_retention_days));
  d.log_prompts.store(s.log_prompts, std::memory_order_relaxed);
  co_await rc.sendJson(200, settingsJson(s));
}

using SystemHandler = net::awaitable<void> (*)(AdminDeps&, RequestContext&);

http::Handler wrap(AdminDeps& d, SystemHandler h) {
  return guarded(d.jwt, d.clock, [&d, h](RequestContext& rc, const auth::Claims&) {
    return h(d, rc);
  });
}

}  // namespace

void registerSystemRoutes(http::Router& r, AdminDeps& d) {
  r.add("POST", "/api/admin/config/regenerate", wrap(d, postRegenerate));
  r.add("GET", "/api/admin/config/status", wrap(d, getConfigStatus));
  r.add("GET", "/api/admin/docker/status", wrap(d, getEngineStatus));
  r.add("POST", "/api/admin/docker/start", wrap(d, getEngineStatus));
  r.add("POST", "/api/admin/docker/stop", wrap(d, postEngineStop));
  r.add("GET", "/api/admin/system/status", wrap(d, getSystemStatus));
  r.add("GET", "/api/admin/settings", wrap(d, getSettings));
  r.add("PUT", "/api/admin/settings", wrap(d, putSettings));
}

}  // namespace gw::admin
