#include "admin/agent_routes.hpp"

#include <limits>

#include "agents/install_script.hpp"
#include "admin/resource_helpers.hpp"
#include "core/crypto.hpp"
#include "core/random.hpp"
#include "dataplane/agent_forward.hpp"
#include "dataplane/snapshot.hpp"
#include "http/client/client_set.hpp"
#include "http/client/upstream_client.hpp"

// Agents (docs/api.md "Agents", docs/agents.md). An agent key is generated here, shown once in
// the answer of its creation or regeneration, and stored only as its SHA-256 plus a display
// prefix. Every change rebuilds the snapshot: the config document carries the agents' rules.

namespace gw::admin {

namespace {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kMaxName = 100;
constexpr std::size_t kMaxRegion = 64;
constexpr std::size_t kMaxDescription = 1000;
constexpr std::size_t kMaxEndpoint = 2048;
constexpr std::size_t kMaxRuleEntries = 100;
constexpr std::size_t kMaxRuleEntry = 200;
constexpr std::int64_t kMaxPriority = 1'000'000;
constexpr std::chrono::seconds kCheckTimeout{5};
constexpr const char* kMissing = "no such agent";

template <class T>
json::value optJson(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

bool regionChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

/// Why `url` is not an acceptable endpoint, or nullopt.
std::optional<std::string> endpointProblem(std::string_view url) {
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    return "must be an http:// or https:// URL";
  }
  const auto rest = url.substr(url.find("://") + 3);
  if (rest.empty() || rest.front() == '/' || rest.front() == ':') {
    return "must name a host";
  }
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return "must not contain spaces or control characters";
    }
  }
  return std::nullopt;
}

/// Checks a rules object: optional arrays of non-empty strings, at most kMaxRuleEntries each.
void checkRules(FieldReader& f, const json::object& rules) {
  for (const auto& [key, value] : rules) {
    const std::string path = "rules." + std::string(key);
    if (key != "models" && key != "providers" && key != "regions") {
      f.fail(path, "unknown rule (expected models, providers or regions)");
      continue;
    }
    if (value.is_null()) {
      continue;
    }
    if (!value.is_array()) {
      f.fail(path, "must be an array of strings");
      continue;
    }
    const auto& arr = value.get_array();
    if (arr.size() > kMaxRuleEntries) {
      f.fail(path, "at most " + std::to_string(kMaxRuleEntries) + " entries");
      continue;
    }
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const auto item = path + "[" + std::to_string(i) + "]";
      if (!arr[i].is_string() || arr[i].get_string().empty()) {
        f.fail(item, "must be a non-empty string");
      } else if (arr[i].get_string().size() > kMaxRuleEntry) {
        f.fail(item, "at most " + std::to_string(kMaxRuleEntry) + " characters");
      }
    }
  }
}

/// Checks the types and limits of a create (`create`) or update body; every problem found.
std::vector<http::FieldError> validateAgentBody(const json::object& body, bool create) {
  FieldReader f(body);
  if (create || f.has("name")) {
    if (auto name = f.string("name", kMaxName, true); name && name->empty()) {
      f.fail("name", "must not be empty");
    }
  }
  if (create || f.has("region")) {
    if (auto region = f.string("region", kMaxRegion, true)) {
      if (region->empty() || !std::all_of(region->begin(), region->end(), regionChar)) {
        f.fail("region", "must be 1-64 characters of letters, digits, '_', '.' and '-'");
      }
    }
  }
  f.string("description", kMaxDescription);
  if (auto kind = f.string("kind", 20); kind && *kind != "gateway" && *kind != "portkey") {
    f.fail("kind", "must be gateway or portkey");
  }
  if (f.has("endpoint") && !f.isNull("endpoint")) {
    if (auto endpoint = f.string("endpoint", kMaxEndpoint)) {
      if (auto problem = endpointProblem(*endpoint)) {
        f.fail("endpoint", *problem);
      }
    }
  }
  f.boolean("enabled");
  f.integer("priority", -kMaxPriority, kMaxPriority);
  if (f.has("rules") && !f.isNull("rules")) {
    if (const auto* rules = f.object("rules")) {
      checkRules(f, *rules);
    }
  }
  for (const char* key : {"key", "key_hash", "key_prefix"}) {
    if (f.has(key)) {
      f.fail(key, "is generated; use regenerate-key for a new one");
    }
  }
  return f.errors();
}

/// Copies the fields present in a validated body onto `row` (null clears the endpoint/rules).
void applyAgentFields(const json::object& body, store::AgentRow& row) {
  if (auto v = getString(body, "name")) {
    row.name = std::string(*v);
  }
  if (auto v = getString(body, "region")) {
    row.region = std::string(*v);
  }
  if (auto v = getString(body, "description")) {
    row.description = std::string(*v);
  }
  if (auto v = getString(body, "kind")) {
    row.kind = std::string(*v);
  }
  if (const auto* v = body.if_contains("endpoint")) {
    row.endpoint = v->is_string() ? std::optional(std::string(v->get_string())) : std::nullopt;
    // "https://eu.example.com/" and "https://eu.example.com" are the same endpoint.
    while (row.endpoint && !row.endpoint->empty() && row.endpoint->back() == '/') {
      row.endpoint->pop_back();
    }
  }
  if (auto v = getBool(body, "enabled")) {
    row.enabled = *v;
  }
  if (auto v = getInt(body, "priority")) {
    row.priority = *v;
  }
  if (const auto* v = body.if_contains("rules")) {
    row.rules = v->is_object() ? v->get_object() : json::object{};
  }
}

json::object agentJson(const store::AgentRow& a, std::chrono::system_clock::time_point now) {
  json::object o;
  o["id"] = a.id;
  o["name"] = a.name;
  o["region"] = a.region;
  o["description"] = a.description;
  o["kind"] = a.kind;
  o["endpoint"] = optJson(a.endpoint);
  o["enabled"] = a.enabled;
  json::object rules;
  for (const char* axis : {"models", "providers", "regions"}) {
    const auto* list = getArray(a.rules, axis);
    rules[axis] = list ? *list : json::array{};
  }
  o["rules"] = std::move(rules);
  o["priority"] = a.priority;
  o["key_prefix"] = a.key_prefix;
  o["status"] = agentStatusName(agentStatus(a.enabled, a.last_seen_at, now));
  o["last_seen_at"] = optJson(a.last_seen_at);
  o["latency_ms"] = optJson(a.latency_ms);
  o["agent_version"] = optJson(a.agent_version);
  o["config_version"] = optJson(a.config_version);
  o["remote_addr"] = optJson(a.remote_addr);
  o["stats"] = a.stats ? json::value(*a.stats) : json::value(nullptr);
  o["created_at"] = a.created_at;
  o["updated_at"] = a.updated_at;
  return o;
}

/// "agk-AbCd...wxyz": enough to recognise a key, useless to call with.
std::string keyPrefix(const std::string& key) {
  return key.substr(0, 8) + "..." + key.substr(key.size() - 4);
}

/// A fresh key for `row`: sets its hash and prefix, returns the key (shown once).
std::string issueKey(store::AgentRow& row) {
  std::string key = std::string(kAgentKeyPrefix) + secureBase62(kKeyBytes);
  row.key_hash = crypto::sha256Hex(key);
  row.key_prefix = keyPrefix(key);
  return key;
}

std::string scriptFor(const store::AgentRow& row, const std::string& cp_url,
                      std::optional<std::string> key) {
  agents::InstallScriptParams p;
  p.kind = row.kind;
  p.name = row.name;
  p.region = row.region;
  p.control_plane_url = cp_url;
  p.key = std::move(key);
  p.endpoint = row.endpoint;
  return agents::installScript(p);
}

/// {"agent","key","install_script"}: the only answer that ever holds the key.
json::value keyAnswer(AdminDeps& d, const store::AgentRow& row, const std::string& key,
                      const std::string& cp_url) {
  json::object out;
  out["agent"] = agentJson(row, d.clock.now());
  out["key"] = key;
  out["install_script"] = scriptFor(row, cp_url, key);
  return out;
}

// Blocking work of the routes (run on the pool).

json::object listAgents(AdminDeps& d, const store::ListQuery& q) {
  auto page = d.store.agents().list(q);
  json::array arr;
  const auto now = d.clock.now();
  for (const auto& a : page.rows) {
    arr.push_back(agentJson(a, now));
  }
  return pageJson(std::move(arr), page.total);
}

std::optional<json::object> getAgent(AdminDeps& d, std::int64_t id) {
  auto row = d.store.agents().get(id);
  return row ? std::optional(agentJson(*row, d.clock.now())) : std::nullopt;
}

Result<json::value> createAgent(AdminDeps& d, const json::object& body, const std::string& cp_url,
                                std::vector<http::FieldError>& errors) {
  errors = validateAgentBody(body, true);
  if (!errors.empty()) {
    return invalidFields();
  }
  store::AgentRow row;
  applyAgentFields(body, row);
  const std::string key = issueKey(row);
  const auto created = d.store.agents().create(row);  // a taken name throws: 409
  d.snapshots.rebuild();
  return keyAnswer(d, created, key, cp_url);
}

Result<json::value> updateAgent(AdminDeps& d, std::int64_t id, const json::object& body,
                                std::vector<http::FieldError>& errors) {
  errors = validateAgentBody(body, false);
  if (!errors.empty()) {
    return invalidFields();
  }
  auto row = d.store.agents().get(id);
  if (!row) {
    return Error::notFound(kMissing);
  }
  applyAgentFields(body, *row);
  auto answer = agentJson(d.store.agents().update(*row), d.clock.now());
  d.snapshots.rebuild();
  return json::value(std::move(answer));
}

Result<json::value> regenerateKey(AdminDeps& d, std::int64_t id, const std::string& cp_url) {
  auto row = d.store.agents().get(id);
  if (!row) {
    return Error::notFound(kMissing);
  }
  const std::string key = issueKey(*row);
  const auto updated = d.store.agents().update(*row);
  d.agent_liveness.forget(id);  // the running agent holds the old key: no forwards to it
  return keyAnswer(d, updated, key, cp_url);
}

Result<json::value> installScriptOf(AdminDeps& d, std::int64_t id, const std::string& cp_url) {
  auto row = d.store.agents().get(id);
  if (!row) {
    return Error::notFound(kMissing);
  }
  return json::value(scriptFor(*row, cp_url, std::nullopt));
}

bool removeAgent(AdminDeps& d, std::int64_t id) {
  if (!d.store.agents().remove(id)) {
    return false;
  }
  d.snapshots.rebuild();
  return true;
}

std::optional<store::AgentRow> loadAgent(AdminDeps& d, std::int64_t id) {
  return d.store.agents().get(id);
}

void recordProbe(AdminDeps& d, std::int64_t id, double latency_ms) {
  d.store.agents().recordProbe(id, latency_ms, formatRfc3339(d.clock.now()));
}

/// The URL the probe of `row` asks: /healthz of a gateway agent, / of a Portkey Gateway.
std::string probeUrl(const store::AgentRow& row) {
  return *row.endpoint + (row.kind == "portkey" ? "/" : "/healthz");
}

/// GET the agent's endpoint within kCheckTimeout through the calling loop's client.
net::awaitable<void> checkAgent(AdminDeps& d, RequestContext& rc, std::int64_t id) {
  auto row = co_await d.pool.run([&] { return loadAgent(d, id); });
  if (!row) {
    co_await sendError(rc, Error::notFound(kMissing));
    co_return;
  }
  json::object out;
  out["ok"] = false;
  out["latency_ms"] = nullptr;
  out["status"] = nullptr;
  out["error"] = nullptr;
  if (!row->endpoint || row->endpoint->empty()) {
    out["error"] = "the agent has no endpoint to probe";
    co_await rc.sendJson(200, out);
    co_return;
  }
  providers::UpstreamRequest request;
  request.method = "GET";
  request.url = probeUrl(*row);
  const auto started = d.clock.steadyNow();
  auto response = co_await d.clients.current().send(request, http::Deadline::after(kCheckTimeout));
  const double latency =
      std::chrono::duration<double, std::milli>(d.clock.steadyNow() - started).count();
  if (!response) {
    out["error"] = response.error().message;
    co_await rc.sendJson(200, out);
    co_return;
  }
  out["status"] = response->status;
  out["latency_ms"] = latency;
  if (response->status < 200 || response->status >= 300) {
    out["error"] = "the endpoint answered HTTP " + std::to_string(response->status);
    co_await rc.sendJson(200, out);
    co_return;
  }
  out["ok"] = true;
  co_await d.pool.run([&] { recordProbe(d, id, latency); });
  d.agent_liveness.seen(id, row->key_hash);
  co_await rc.sendJson(200, out);
}

std::string requestControlPlaneUrl(const RequestContext& rc, const std::string& public_url) {
  const auto forwarded_host = rc.header("x-forwarded-host");
  return agents::controlPlaneUrl(public_url, rc.header("x-forwarded-proto"),
                         forwarded_host.empty() ? rc.header("host") : forwarded_host);
}

net::awaitable<void> createRoute(AdminDeps& d, RequestContext& rc, const std::string& public_url) {
  const std::string cp_url = requestControlPlaneUrl(rc, public_url);
  const BodyWork work = [&d, &cp_url](const json::object& body,
                                      std::vector<http::FieldError>& errors) {
    return createAgent(d, body, cp_url, errors);
  };
  co_await runBodyWork(rc, d, work, 201);
}

net::awaitable<void> regenerateRoute(AdminDeps& d, RequestContext& rc,
                                     const std::string& public_url) {
  auto id = co_await pathId(rc);
  if (!id) {
    co_return;
  }
  const std::string cp_url = requestControlPlaneUrl(rc, public_url);
  co_await respond(rc, d.pool, [&] { return regenerateKey(d, *id, cp_url); });
}

net::awaitable<void> installScriptRoute(AdminDeps& d, RequestContext& rc,
                                        const std::string& public_url) {
  auto id = co_await pathId(rc);
  if (!id) {
    co_return;
  }
  const std::string cp_url = requestControlPlaneUrl(rc, public_url);
  auto script = co_await d.pool.run([&] { return installScriptOf(d, *id, cp_url); });
  if (!script) {
    co_await sendFailure(rc, script.error());
    co_return;
  }
  std::string text(script->as_string());
  co_await rc.send(200, std::move(text), "text/plain; charset=utf-8");
}

store::ListQuery agentListQuery(const RequestContext& rc) {
  return listQuery(rc, {"enabled", "region"});
}

}  // namespace

AgentStatus agentStatus(bool enabled, const std::optional<std::string>& last_seen_at,
                        std::chrono::system_clock::time_point now) {
  if (!enabled) {
    return AgentStatus::Disabled;
  }
  std::chrono::system_clock::time_point seen;
  if (!last_seen_at || !parseRfc3339(*last_seen_at, seen)) {
    return AgentStatus::Unknown;
  }
  return now - seen <= kAgentOnlineWindow ? AgentStatus::Online : AgentStatus::Offline;
}

std::string_view agentStatusName(AgentStatus status) {
  switch (status) {
    case AgentStatus::Online:
      return "online";
    case AgentStatus::Offline:
      return "offline";
    case AgentStatus::Unknown:
      return "unknown";
    case AgentStatus::Disabled:
      return "disabled";
  }
  return "unknown";
}

void registerAgentRoutes(http::Router& r, AdminDeps& d, std::string public_url) {
  auto url = std::make_shared<const std::string>(std::move(public_url));
  r.add("GET", "/api/admin/agents",
        listRoute(d, agentListQuery, [&d](const store::ListQuery& q) { return listAgents(d, q); }));
  r.add("POST", "/api/admin/agents",
        guarded(d.jwt, d.clock,
                [&d, url](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                  co_await createRoute(d, rc, *url);
                }));
  r.add("GET", "/api/admin/agents/:id",
        getRoute(
            d, [&d](std::int64_t id) { return getAgent(d, id); }, kMissing));
  r.add("PUT", "/api/admin/agents/:id",
        recordBodyRoute(d, [&d](std::int64_t id, const json::object& body,
                                std::vector<http::FieldError>& errors) {
          return updateAgent(d, id, body, errors);
        }));
  r.add("DELETE", "/api/admin/agents/:id",
        deleteRoute(
            d, [&d](std::int64_t id) { return removeAgent(d, id); }, kMissing));
  r.add("POST", "/api/admin/agents/:id/regenerate-key",
        guarded(d.jwt, d.clock,
                [&d, url](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                  co_await regenerateRoute(d, rc, *url);
                }));
  r.add("POST", "/api/admin/agents/:id/check",
        guarded(d.jwt, d.clock,
                [&d](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                  auto id = co_await pathId(rc);
                  if (id) {
                    co_await checkAgent(d, rc, *id);
                  }
                }));
  r.add("GET", "/api/admin/agents/:id/install-script",
        guarded(d.jwt, d.clock,
                [&d, url](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                  co_await installScriptRoute(d, rc, *url);
                }));
}

}  // namespace gw::admin
