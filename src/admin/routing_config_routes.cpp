#include "admin/routes.hpp"

#include <map>

#include "dataplane/snapshot.hpp"
#include "routing/compiler.hpp"
#include "routing/health.hpp"

// Routing configs (docs/api.md "Routing configs"): Portkey-format configs, validated by the
// routing compiler against the current snapshot before they are stored.

namespace gw::admin {

namespace {

constexpr std::size_t kMaxName = 100;
constexpr std::size_t kMaxDescription = 2000;
constexpr int kMaxExportDepth = 8;  ///< nesting of inlined `config_id` references
constexpr std::size_t kMessageErrors = 3;  ///< errors spelled out in a 400's message

json::object configJson(const store::RoutingConfigRow& c) {
  json::object o;
  o["id"] = c.id;
  o["name"] = c.name;
  o["description"] = c.description;
  o["virtual_model"] = c.virtual_model ? json::value(*c.virtual_model) : json::value(nullptr);
  o["enabled"] = c.enabled;
  o["config"] = c.config;
  o["created_at"] = c.created_at;
  o["updated_at"] = c.updated_at;
  return o;
}

/// Checks the types of a create (`create`) or update body; every problem found.
std::vector<http::FieldError> validateConfigBody(const json::object& body, bool create) {
  FieldReader f(body);
  if (create || f.has("name")) {
    f.string("name", kMaxName, true);
  }
  f.string("description", kMaxDescription);
  f.string("virtual_model", kMaxName);
  f.boolean("enabled");
  if (create && (!f.has("config") || f.isNull("config"))) {
    f.fail("config", "is required");
  } else if (f.has("config") && !body.at("config").is_object()) {
    f.fail("config", "must be a JSON object (a Portkey config)");
  }
  return f.errors();
}

/// Copies the fields present in a validated body onto `row`.
void applyConfigFields(const json::object& body, store::RoutingConfigRow& row) {
  if (const auto* name = getString(body, "name")) {
    row.name = std::string(*name);
  }
  if (const auto* v = body.if_contains("description")) {
    row.description = v->is_string() ? std::string(v->get_string()) : std::string();
  }
  if (const auto* v = body.if_contains("virtual_model")) {
    // An empty name means "not published as a model", like null.
    row.virtual_model = v->is_string() && !v->get_string().empty()
                            ? std::optional(std::string(v->get_string()))
                            : std::nullopt;
  }
  if (auto enabled = getBool(body, "enabled")) {
    row.enabled = *enabled;
  }
  if (const auto* config = getObject(body, "config")) {
    row.config = *config;
  }
}

std::vector<http::FieldError> toFieldErrors(const routing::ValidationErrors& errors) {
  std::vector<http::FieldError> out;
  out.reserve(errors.size());
  for (const auto& e : errors) {
    out.push_back({e.path, e.message});
  }
  return out;
}

/// Compiles `config` against the current snapshot's providers and the stored configs, with
/// `self` (when given) standing for the config being saved.
routing::ValidationErrors compileErrors(AdminDeps& d, const json::value& config,
                                        std::vector<store::RoutingConfigRow> configs,
                                        std::optional<std::int64_t> self_id) {
  if (self_id) {
    for (auto& c : configs) {
      if (c.id == *self_id) {
        c.config = config;  // nested references back to us see the new version
      }
    }
  }
  const auto snapshot = d.snapshots.current();
  const auto directory = dataplane::makeDirectory(*snapshot, configs);
  return routing::compileConfig(config, directory, self_id).errors;
}

/// The result of a blocking save: the row, or a 400 with details, or another error.
struct ConfigOutcome {
  std::optional<store::RoutingConfigRow> row;
  std::vector<http::FieldError> invalid;
  std::optional<Error> error;
};

Error conflict(std::string message, std::string param) {
  Error e{ErrorCode::Conflict, std::move(message)};
  e.param = std::move(param);
  return e;
}

/// Name and virtual-model clashes with other configs and with model names.
std::optional<Error> findClash(store::Store& s, const store::RoutingConfigRow& row,
                               const std::vector<store::RoutingConfigRow>& configs) {
  for (const auto& c : configs) {
    if (c.id == row.id) {
      continue;
    }
    if (c.name == row.name) {
      return conflict("a routing config named '" + row.name + "' exists", "name");
    }
    if (row.virtual_model && c.virtual_model == row.virtual_model) {
      return conflict("the routing config '" + c.name + "' already publishes the model '" +
                          *row.virtual_model + "'",
                      "virtual_model");
    }
  }
  if (row.virtual_model) {
    for (const auto& m : s.models().all()) {
      if (m.name == *row.virtual_model) {
        return conflict("'" + *row.virtual_model + "' is already the name of a model of " +
                            m.provider_name,
                        "virtual_model");
      }
    }
  }
  return std::nullopt;
}

/// Creates (no `id`) or updates a config: clashes -> 409, compile errors -> 400, else stores
/// it and rebuilds the snapshot.
ConfigOutcome saveConfig(AdminDeps& d, std::optional<std::int64_t> id, const json::object& body) {
  ConfigOutcome out;
  auto configs = d.store.routingConfigs().all();
  store::RoutingConfigRow row;
  if (id) {
    auto it = std::find_if(configs.begin(), configs.end(),
                           [&](const store::RoutingConfigRow& c) { return c.id == *id; });
    if (it == configs.end()) {
      out.error = Error::notFound("no such routing config: " + std::to_string(*id));
      return out;
    }
    row = *it;
  }
  applyConfigFields(body, row);
  if (auto clash = findClash(d.store, row, configs)) {
    out.error = std::move(clash);
    return out;
  }
  // A PUT that only disables (or renames) a config that went bad since is allowed.
  if (!id || body.contains("config") || row.enabled) {
    auto errors = compileErrors(d, row.config, std::move(configs), id);
    if (!errors.empty()) {
      out.invalid = toFieldErrors(errors);
      return out;
    }
  }
  out.row = id ? d.store.routingConfigs().update(row) : d.store.routingConfigs().create(row);
  d.snapshots.rebuild();
  return out;
}

bool removeConfig(AdminDeps& d, std::int64_t id) {
  if (!d.store.routingConfigs().remove(id)) {
    return false;
  }
  d.snapshots.rebuild();
  return true;
}

json::object validateOnly(AdminDeps& d, const json::value& config,
                          std::optional<std::int64_t> self_id) {
  const auto errors = compileErrors(d, config, d.store.routingConfigs().all(), self_id);
  json::array arr;
  for (const auto& e : errors) {
    arr.push_back(json::object{{"path", e.path}, {"message", e.message}});
  }
  json::object out;
  out["valid"] = errors.empty();
  out["errors"] = std::move(arr);
  return out;
}

// --- export -------------------------------------------------------------------------------

/// What the export needs to rewrite targets: stored provider names and stored configs.
struct ExportContext {
  std::map<std::int64_t, std::string> provider_names;
  std::map<std::string, std::int64_t, std::less<>> provider_ids;
  std::map<std::int64_t, json::value> configs;
};

const json::value* field(const json::object& o, std::string_view snake, std::string_view camel) {
  if (const auto* v = o.if_contains(snake)) {
    return v;
  }
  return o.if_contains(camel);
}

void eraseBoth(json::object& o, std::string_view snake, std::string_view camel) {
  o.erase(snake);
  o.erase(camel);
}

json::value toPortkey(const json::value& node, const ExportContext& cx, int depth);

/// One node in Portkey's form: stored providers become `virtual_key` = provider name, inline
/// secrets are dropped, `config_id` references are inlined.
json::object nodeToPortkey(const json::object& in, const ExportContext& cx, int depth) {
  json::object out;
  if (const auto* ref = field(in, "config_id", "configId"); ref && depth < kMaxExportDepth) {
    const auto id = asNumber(*ref);
    auto it = id ? cx.configs.find(static_cast<std::int64_t>(*id)) : cx.configs.end();
    if (it != cx.configs.end() && it->second.is_object()) {
      out = toPortkey(it->second, cx, depth + 1).as_object();
    }
  }
  for (const auto& [k, v] : in) {
    if (k == "config_id" || k == "configId") {
      if (out.empty()) {
        out[k] = v;  // unresolvable: keep the reference as written
      }
      continue;
    }
    out[k] = v;  // the node's own settings win over the embedded config's
  }
  if (const auto* pid = field(in, "provider_id", "providerId")) {
    const auto id = asNumber(*pid);
    auto it = id ? cx.provider_names.find(static_cast<std::int64_t>(*id))
                 : cx.provider_names.end();
    if (it != cx.provider_names.end()) {
      eraseBoth(out, "provider_id", "providerId");
      out["virtual_key"] = it->second;
    }
  }
  if (const auto* p = getString(in, "provider")) {
    std::string_view name = *p;
    if (!name.empty() && name.front() == '@') {
      name.remove_prefix(1);
    }
    if (cx.provider_ids.contains(name)) {
      out.erase("provider");
      out["virtual_key"] = std::string(name);
    }
  }
  eraseBoth(out, "api_key", "apiKey");
  if (const auto* targets = getArray(out, "targets")) {
    json::array converted;
    for (const auto& t : *targets) {
      converted.push_back(toPortkey(t, cx, depth));
    }
    out["targets"] = std::move(converted);
  }
  return out;
}

json::value toPortkey(const json::value& node, const ExportContext& cx, int depth) {
  if (!node.is_object()) {
    return node;
  }
  return nodeToPortkey(node.get_object(), cx, depth);
}

json::object exportConfigs(AdminDeps& d) {
  ExportContext cx;
  for (const auto& p : d.store.providers().all()) {
    cx.provider_names[p.id] = p.name;
    cx.provider_ids[p.name] = p.id;
  }
  const auto configs = d.store.routingConfigs().all();
  for (const auto& c : configs) {
    cx.configs[c.id] = c.config;
  }
  json::array arr;
  for (const auto& c : configs) {
    json::object o;
    o["id"] = c.id;
    o["name"] = c.name;
    o["description"] = c.description;
    o["virtual_model"] = c.virtual_model ? json::value(*c.virtual_model) : json::value(nullptr);
    o["enabled"] = c.enabled;
    o["config"] = toPortkey(c.config, cx, 0);
    arr.push_back(std::move(o));
  }
  json::object out;
  out["format"] = "portkey";
  out["configs"] = std::move(arr);
  return out;
}

// --- handlers -----------------------------------------------------------------------------

net::awaitable<bool> sendFailure(RequestContext& rc, const ConfigOutcome& o) {
  if (!o.invalid.empty()) {
    std::string message = "invalid routing config: ";
    for (std::size_t i = 0; i < o.invalid.size() && i < kMessageErrors; ++i) {
      const auto& e = o.invalid[i];
      message += (i ? "; " : "") + (e.path.empty() ? e.message : e.path + ": " + e.message);
    }
    if (o.invalid.size() > kMessageErrors) {
      message += " (and " + std::to_string(o.invalid.size() - kMessageErrors) + " more)";
    }
    co_await sendError(rc, Error::invalid(message), o.invalid);
    co_return true;
  }
  if (o.error) {
    co_await sendError(rc, *o.error);
    co_return true;
  }
  co_return false;
}

net::awaitable<void> listConfigs(AdminDeps& d, RequestContext& rc) {
  const auto q = listQuery(rc, {});
  auto page = co_await d.pool.run([&] { return d.store.routingConfigs().list(q); });
  json::array arr;
  for (const auto& c : page.rows) {
    arr.push_back(configJson(c));
  }
  co_await rc.sendJson(200, pageJson(std::move(arr), page.total));
}

net::awaitable<void> getConfig(AdminDeps& d, RequestContext& rc) {
  auto id = co_await pathId(rc);
  if (!id) {
    co_return;
  }
  auto row = co_await d.pool.run([&] { return d.store.routingConfigs().get(*id); });
  if (!row) {
    co_await sendError(rc, Error::notFound("no such routing config: " + std::to_string(*id)));
    co_return;
  }
  co_await rc.sendJson(200, configJson(*row));
}

net::awaitable<void> saveHandler(AdminDeps& d, RequestContext& rc, bool create) {
  std::optional<std::int64_t> id;
  if (!create) {
    id = co_await pathId(rc);
    if (!id) {
      co_return;
    }
  }
  auto body = co_await readJsonBody(rc);
  if (!body) {
    co_return;
  }
  auto invalid = validateConfigBody(*body, create);
  if (!invalid.empty()) {
    co_await sendInvalid(rc, invalid);
    co_return;
  }
  auto outcome = co_await d.pool.run([&] { return saveConfig(d, id, *body); });
  if (co_await sendFailure(rc, outcome)) {
    co_return;
  }
  co_await rc.sendJson(create ? 201 : 200, configJson(*outcome.row));
}

net::awaitable<void> postConfig(AdminDeps& d, RequestContext& rc) {
  co_await saveHandler(d, rc, true);
}

net::awaitable<void> putConfig(AdminDeps& d, RequestContext& rc) {
  co_await saveHandler(d, rc, false);
}

net::awaitable<void> deleteConfig(AdminDeps& d, RequestContext& rc) {
  auto id = co_await pathId(rc);
  if (!id) {
    co_return;
  }
  const bool removed = co_await d.pool.run([&] { return removeConfig(d, *id); });
  if (!removed) {
    co_await sendError(rc, Error::notFound("no such routing config: " + std::to_string(*id)));
    co_return;
  }
  co_await rc.sendNoContent();
}

net::awaitable<void> postValidate(AdminDeps& d, RequestContext& rc) {
  auto body = co_await readJsonBody(rc);
  if (!body) {
    co_return;
  }
  FieldReader f(*body);
  const auto self_id = f.integer("id", 1, std::numeric_limits<std::int64_t>::max());
  if (!f.has("config") || f.isNull("config")) {
    f.fail("config", "is required");
  } else if (!body->at("config").is_object()) {
    f.fail("config", "must be a JSON object (a Portkey config)");
  }
  if (!f.ok()) {
    co_await sendInvalid(rc, f.errors());
    co_return;
  }
  const json::value& config = body->at("config");
  auto answer = co_await d.pool.run([&] { return validateOnly(d, config, self_id); });
  co_await rc.sendJson(200, answer);
}

net::awaitable<void> getExport(AdminDeps& d, RequestContext& rc) {
  auto answer = co_await d.pool.run([&] { return exportConfigs(d); });
  co_await rc.sendJson(200, answer);
}

net::awaitable<void> getTargetHealth(AdminDeps& d, RequestContext& rc) {
  json::object answer;
  answer["data"] = d.breakers.toJson();
  co_await rc.sendJson(200, answer);
}

using ConfigHandler = net::awaitable<void> (*)(AdminDeps&, RequestContext&);

http::Handler wrap(AdminDeps& d, ConfigHandler h) {
  return guarded(d.jwt, d.clock, [&d, h](RequestContext& rc, const auth::Claims&) {
    return h(d, rc);
  });
}

}  // namespace

void registerRoutingConfigRoutes(http::Router& r, AdminDeps& d) {
  r.add("GET", "/api/admin/routing-configs", wrap(d, listConfigs));
  r.add("POST", "/api/admin/routing-configs", wrap(d, postConfig));
  r.add("POST", "/api/admin/routing-configs/validate", wrap(d, postValidate));
  r.add("GET", "/api/admin/routing-configs/export", wrap(d, getExport));
  r.add("GET", "/api/admin/routing-configs/:id", wrap(d, getConfig));
  r.add("PUT", "/api/admin/routing-configs/:id", wrap(d, putConfig));
  r.add("DELETE", "/api/admin/routing-configs/:id", wrap(d, deleteConfig));
  r.add("GET", "/api/admin/health/targets", wrap(d, getTargetHealth));
}

}  // namespace gw::admin
