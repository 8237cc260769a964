#include "admin/routes.hpp"

#include <functional>
#include <limits>
#include <map>

#include "admin/resource_helpers.hpp"
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

/// Creates (no `id`) or updates a config: field problems -> 400, clashes -> 409, compile
/// errors -> 400 (one entry per problem), else stores it, rebuilds the snapshot and answers
/// the stored object.
Result<json::value> saveConfig(AdminDeps& d, std::optional<std::int64_t> id,
                               const json::object& body, std::vector<http::FieldError>& errors) {
  errors = validateConfigBody(body, !id);
  if (!errors.empty()) {
    return invalidFields();
  }
  auto configs = d.store.routingConfigs().all();
  store::RoutingConfigRow row;
  if (id) {
    auto it = std::find_if(configs.begin(), configs.end(),
                           [&](const store::RoutingConfigRow& c) { return c.id == *id; });
    if (it == configs.end()) {
      return Error::notFound("no such routing config: " + std::to_string(*id));
    }
    row = *it;
  }
  applyConfigFields(body, row);
  if (auto clash = findClash(d.store, row, configs)) {
    return *clash;
  }
  // A PUT that only disables (or renames) a config that went bad since is allowed.
  if (!id || body.contains("config") || row.enabled) {
    errors = toFieldErrors(compileErrors(d, row.config, std::move(configs), id));
    if (!errors.empty()) {
      return invalidFields();
    }
  }
  const auto saved =
      id ? d.store.routingConfigs().update(row) : d.store.routingConfigs().create(row);
  d.snapshots.rebuild();
  return json::value(configJson(saved));
}

bool removeConfig(AdminDeps& d, std::int64_t id) {
  if (!d.store.routingConfigs().remove(id)) {
    return false;
  }
  d.snapshots.rebuild();
  return true;
}

/// POST /validate: {"config","id"?} -> {"valid","errors":[{"path","message"}]}.
Result<json::value> validateOnly(AdminDeps& d, const json::object& body,
                                 std::vector<http::FieldError>& errors) {
  FieldReader f(body);
  const auto self_id = f.integer("id", 1, std::numeric_limits<std::int64_t>::max());
  if (!f.has("config") || f.isNull("config")) {
    f.fail("config", "is required");
  } else if (!body.at("config").is_object()) {
    f.fail("config", "must be a JSON object (a Portkey config)");
  }
  if (!f.ok()) {
    errors = f.errors();
    return invalidFields();
  }
  const auto problems =
      compileErrors(d, body.at("config"), d.store.routingConfigs().all(), self_id);
  json::array arr;
  for (const auto& e : problems) {
    arr.push_back(json::object{{"path", e.path}, {"message", e.message}});
  }
  json::object out;
  out["valid"] = problems.empty();
  out["errors"] = std::move(arr);
  return json::value(std::move(out));
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
    json::object o = configJson(c);
    o.erase("created_at");
    o.erase("updated_at");
    o["config"] = toPortkey(c.config, cx, 0);
    arr.push_back(std::move(o));
  }
  json::object out;
  out["format"] = "portkey";
  out["configs"] = std::move(arr);
  return out;
}

json::object listConfigs(AdminDeps& d, const store::ListQuery& q) {
  auto page = d.store.routingConfigs().list(q);
  json::array arr;
  for (const auto& c : page.rows) {
    arr.push_back(configJson(c));
  }
  return pageJson(std::move(arr), page.total);
}

std::optional<json::object> getConfig(AdminDeps& d, std::int64_t id) {
  auto row = d.store.routingConfigs().get(id);
  return row ? std::optional(configJson(*row)) : std::nullopt;
}

/// A guarded GET without parameters answering `render()`, computed on the blocking pool.
http::Handler documentRoute(AdminDeps& d, std::function<json::object()> render) {
  return guarded(d.jwt, d.clock,
                 [&d, render = std::move(render)](RequestContext& rc,
                                                  const auth::Claims&) -> net::awaitable<void> {
                   auto answer = co_await d.pool.run([&] { return render(); });
                   co_await rc.sendJson(200, answer);
                 });
}

json::object targetHealth(AdminDeps& d) {
  json::object out;
  out["data"] = d.breakers.toJson();
  return out;
}

}  // namespace

void registerRoutingConfigRoutes(http::Router& r, AdminDeps& d) {
  constexpr const char* kMissing = "no such routing config";
  using Errors = std::vector<http::FieldError>;
  r.add("GET", "/api/admin/routing-configs",
        listRoute(
            d, [](const RequestContext& rc) { return listQuery(rc, {}); },
            [&d](const store::ListQuery& q) { return listConfigs(d, q); }));
  r.add("POST", "/api/admin/routing-configs",
        bodyRoute(
            d,
            [&d](const json::object& body, Errors& errors) {
              return saveConfig(d, std::nullopt, body, errors);
            },
            201));
  r.add("POST", "/api/admin/routing-configs/validate",
        bodyRoute(d, [&d](const json::object& body, Errors& errors) {
          return validateOnly(d, body, errors);
        }));
  r.add("GET", "/api/admin/routing-configs/export",
        documentRoute(d, [&d] { return exportConfigs(d); }));
  r.add("GET", "/api/admin/routing-configs/:id",
        getRoute(d, [&d](std::int64_t id) { return getConfig(d, id); }, kMissing));
  r.add("PUT", "/api/admin/routing-configs/:id",
        recordBodyRoute(d, [&d](std::int64_t id, const json::object& body, Errors& errors) {
          return saveConfig(d, id, body, errors);
        }));
  r.add("DELETE", "/api/admin/routing-configs/:id",
        deleteRoute(d, [&d](std::int64_t id) { return removeConfig(d, id); }, kMissing));
  r.add("GET", "/api/admin/health/targets", documentRoute(d, [&d] { return targetHealth(d); }));
}

}  // namespace gw::admin
