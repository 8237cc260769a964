#include <boost/algorithm/string/predicate.hpp>

#include <algorithm>
#include <chrono>
#include <set>

#include "admin/model_fields.hpp"
#include "admin/resource_helpers.hpp"
#include "admin/routes.hpp"
#include "core/log.hpp"
#include "dataplane/snapshot.hpp"
#include "http/client/client_set.hpp"
#include "http/client/url.hpp"
#include "presets/apply.hpp"
#include "presets/provider_transfer.hpp"
#include "presets/sync.hpp"
#include "providers/catalog.hpp"
#include "providers/registry.hpp"
#include "providers/secret_config.hpp"
#include "store/sqlite/database.hpp"
#include "store/sqlite/provider_transfer_store.hpp"

namespace gw::admin {

namespace {

constexpr std::size_t kMaxNameLength = 100;
constexpr std::size_t kMaxImportModels = 1000;
/// Bound on a connection test or model-list call, whatever the provider does.
constexpr std::chrono::seconds kProbeTimeout{15};

using providers::Operation;

// ---- JSON views -----------------------------------------------------------------------------

/// "sk-...abcd" for keys long enough to hide most of them, "****" otherwise.
std::string maskKey(std::string_view key) {
  constexpr std::size_t kShowMinLength = 12;
  if (key.size() < kShowMinLength) {
    return "****";
  }
  return std::string(key.substr(0, 3)) + "..." + std::string(key.substr(key.size() - 4));
}

/// Config fields of `type` that hold credentials: write-only, sealed at rest.
std::vector<std::string> secretFields(std::string_view type) {
  return providers::secretConfigFields(type);
}

json::object providerJson(const store::ProviderRow& r) {
  json::object config = r.config;
  json::array secrets_set;
  for (const auto& key : secretFields(r.type)) {
    if (config.erase(key) > 0) {
      secrets_set.emplace_back(key);
    }
  }
  json::object o;
  o["id"] = r.id;
  o["name"] = r.name;
  o["type"] = r.type;
  o["base_url"] = r.base_url;
  o["api_key_masked"] = r.api_key_hint;
  o["has_api_key"] = !r.api_key_sealed.empty();
  o["config"] = std::move(config);
  o["config_secrets_set"] = std::move(secrets_set);
  o["enabled"] = r.enabled;
  o["model_count"] = r.model_count;
  o["created_at"] = r.created_at;
  o["updated_at"] = r.updated_at;
  return o;
}

// ---- validation -----------------------------------------------------------------------------

bool validBaseUrl(const std::string& url) {
  if (!boost::algorithm::istarts_with(url, "http://") &&
      !boost::algorithm::istarts_with(url, "https://")) {
    return false;
  }
  // `{key}` placeholders are filled from config at build time (Azure resource, AWS region).
  return url.find('{') != std::string::npos || http::parseUrl(url).has_value();
}

/// Checks the values of the template's known config fields against their declared types.
void checkConfigTypes(FieldReader& f, const store::ProviderRow& row) {
  const auto* tpl = providers::catalog().find(row.type);
  if (!tpl) {
    return;
  }
  for (const auto& field : tpl->config_fields) {
    const auto* v = row.config.if_contains(field.key);
    if (!v || v->is_null()) {
      continue;
    }
    const std::string path = "config." + field.key;
    if ((field.type == "string" || field.type == "secret") && !v->is_string()) {
      f.fail(path, "must be a string");
    } else if (field.type == "number" && !v->is_number()) {
      f.fail(path, "must be a number");
    } else if (field.type == "boolean" && !v->is_bool()) {
      f.fail(path, "must be true or false");
    } else if (field.type == "map") {
      const auto* m = v->if_object();
      if (!m) {
        f.fail(path, "must be an object of strings");
        continue;
      }
      for (const auto& [key, value] : *m) {
        if (!value.is_string()) {
          f.fail(path + "." + std::string(key), "must be a string");
        }
      }
    }
  }
}

/// Runs the request-path compilation on the would-be settings so that bad settings fail here,
/// not on the first request. A missing key is accepted for a disabled provider (imports create
/// keyless disabled providers; the key is added before enabling).
void checkBuildable(FieldReader& f, const store::ProviderRow& row, const std::string& key) {
  providers::ProviderSettings s;
  s.id = row.id;
  s.name = row.name;
  s.type = row.type;
  s.base_url = row.base_url;
  s.api_key = key;
  s.config = row.config;
  auto built = providers::buildProviderConfig(s);
  if (built || (built.error().param == "api_key" && !row.enabled)) {
    return;
  }
  auto fe = toFieldError(built.error());
  f.fail(fe.path.empty() ? "config" : fe.path, fe.message);
}

/// Reads the provider fields present in the body into `row` (create, update or an unsaved
/// fetch-models). `key` is set when the body has `api_key` ("" = clear).
void readProviderFields(FieldReader& f, store::ProviderRow& row, std::optional<std::string>& key,
                        bool creating) {
  readName(f, row.name, kMaxNameLength, creating);
  if (auto type = f.string("type", 64, creating)) {
    if (!providers::catalog().find(*type)) {
      f.fail("type",
             "unknown provider type \"" + *type + "\" (see GET /api/admin/provider-templates)");
    } else {
      row.type = std::move(*type);
    }
  } else if (!creating && f.isNull("type")) {
    f.fail("type", "is required");
  }
  if (f.isNull("base_url")) {
    row.base_url.clear();
  } else if (auto url = f.string("base_url", 2000)) {
    if (!url->empty() && !validBaseUrl(*url)) {
      f.fail("base_url", "must be an absolute http:// or https:// URL");
    } else {
      row.base_url = std::move(*url);
    }
  }
  if (f.isNull("api_key")) {
    key = std::string();
  } else if (auto k = f.string("api_key", 8192)) {
    key = std::move(*k);
  }
  if (f.isNull("config")) {
    row.config.clear();
  } else if (const auto* config = f.object("config")) {
    json::object next = *config;
    // Secret fields are never shown, so an edit form sends them back absent: keep them.
    for (const auto& secret : secretFields(row.type)) {
      if (!next.contains(secret) && row.config.contains(secret)) {
        next[secret] = row.config.at(secret);
      }
    }
    row.config = std::move(next);
  }
  if (auto enabled = f.boolean("enabled")) {
    row.enabled = *enabled;
  }
}

/// Reads and checks a create (`creating`) or update body into `row`, sealing a new key.
std::vector<http::FieldError> readProviderBody(const crypto::SecretBox& secrets,
                                               const json::object& body, store::ProviderRow& row,
                                               bool creating) {
  FieldReader f(body);
  std::optional<std::string> key;
  // Checks see plain values; secret config fields are sealed again before storage.
  row.config = providers::openConfigSecrets(std::move(row.config), secrets);
  readProviderFields(f, row, key, creating);
  if (f.ok()) {
    checkConfigTypes(f, row);
  }
  if (f.ok()) {
    // Only emptiness matters to the check; the stored key is not opened for it.
    const bool has_key = key ? !key->empty() : !row.api_key_sealed.empty();
    checkBuildable(f, row, has_key ? std::string("(set)") : std::string());
  }
  if (f.ok() && key) {
    row.api_key_sealed = key->empty() ? std::string() : secrets.seal(*key);
    row.api_key_hint = key->empty() ? std::string() : maskKey(*key);
  }
  row.config = providers::sealConfigSecrets(std::move(row.config), secretFields(row.type), secrets);
  return f.errors();
}

// ---- blocking helpers (run on the pool) -----------------------------------------------------

Result<json::value> saveProvider(AdminDeps& d, const store::ProviderRow& row, bool creating) {
  const Error taken{ErrorCode::Conflict, "a provider named \"" + row.name + "\" already exists"};
  if (auto other = d.store.providers().findByName(row.name); other && other->id != row.id) {
    return taken;
  }
  try {
    auto saved = creating ? d.store.providers().create(row) : d.store.providers().update(row);
    d.snapshots.rebuild();
    return json::value(providerJson(saved));
  } catch (const store::sqlite::StoreError& e) {
    if (e.constraint()) {
      return taken;
    }
    throw;
  }
}

bool removeProvider(AdminDeps& d, std::int64_t id) {
  const bool removed = d.store.providers().remove(id);  // models cascade
  if (removed) {
    d.snapshots.rebuild();
  }
  return removed;
}

std::vector<store::ModelRow> modelsOf(AdminDeps& d, std::int64_t provider_id) {
  std::vector<store::ModelRow> out;
  for (auto& m : d.store.models().all()) {
    if (m.provider_id == provider_id) {
      out.push_back(std::move(m));
    }
  }
  return out;
}

/// A provider ready for an upstream call: its request-path config and its models.
struct ProbeTarget {
  providers::ProviderConfig config;
  std::vector<store::ModelRow> models;
};

/// Loads a stored provider with its decrypted key. NotFound when absent; InvalidRequest (with
/// the field) when its settings cannot be compiled.
Result<ProbeTarget> loadTarget(AdminDeps& d, std::int64_t id) {
  auto row = d.store.providers().get(id);
  if (!row) {
    return Error::notFound("no provider with id " + std::to_string(id));
  }
  providers::ProviderSettings s;
  s.id = row->id;
  s.name = row->name;
  s.type = row->type;
  s.base_url = row->base_url;
  s.config = providers::openConfigSecrets(row->config, d.secrets);
  if (!row->api_key_sealed.empty()) {
    auto key = d.secrets.open(row->api_key_sealed);
    if (!key) {
      return Error::invalid("the stored API key cannot be decrypted (was SECRET_KEY changed?)",
                            "api_key");
    }
    s.api_key = std::move(*key);
  }
  auto config = providers::buildProviderConfig(s);
  if (!config) {
    return config.error();
  }
  return ProbeTarget{std::move(*config), modelsOf(d, id)};
}

/// An unsaved provider from {"type","base_url","api_key","config"}.
Result<ProbeTarget> unsavedTarget(const json::object& body) {
  FieldReader f(body);
  store::ProviderRow row;
  std::optional<std::string> key;
  readProviderFields(f, row, key, false);
  if (f.ok() && row.type.empty()) {
    f.fail("type", "is required");
  }
  if (f.ok()) {
    checkConfigTypes(f, row);
  }
  if (!f.ok()) {
    const auto& e = f.errors().front();
    return fieldError(e.path, e.message);
  }
  providers::ProviderSettings s;
  s.name = "unsaved";
  s.type = row.type;
  s.base_url = row.base_url;
  s.api_key = key.value_or("");
  s.config = row.config;
  auto config = providers::buildProviderConfig(s);
  if (!config) {
    return config.error();
  }
  return ProbeTarget{std::move(*config), {}};
}

struct ModelsImport {
  std::int64_t imported = 0;
  std::int64_t skipped = 0;
  std::int64_t priced = 0;  ///< imported models filled from a LiteLLM preset
};

/// Creates a model per upstream id (name = id), skipping ids the provider already has, and
/// prices each from the closest LiteLLM preset when one matches well enough.
Result<json::value> importProviderModels(AdminDeps& d, std::int64_t provider_id,
                                         const std::vector<std::string>& ids) {
  auto provider = d.store.providers().get(provider_id);
  if (!provider) {
    return Error::notFound("no provider with id " + std::to_string(provider_id));
  }
  std::set<std::string> existing;
  for (const auto& m : modelsOf(d, provider_id)) {
    existing.insert(m.name);
    existing.insert(m.model_id);
  }
  const auto index = d.presets.index();
  ModelsImport out;
  std::vector<store::ModelRow> rows;
  std::set<std::string> requested;
  for (const auto& id : ids) {
    if (existing.count(id) > 0 || !requested.insert(id).second) {
      ++out.skipped;
      continue;
    }
    store::ModelRow row;
    row.provider_id = provider_id;
    row.name = id;
    row.model_id = id;
    if (id.find("embed") != std::string::npos) {
      row.mode = "embedding";
    }
    if (auto hit = index->bestMatch(id, provider->type)) {
      json::object patch;
      presets::applyPreset(*hit->preset, patch);
      std::vector<http::FieldError> ignored;  // presets hold valid values
      readModelFields(patch, row, ignored, false);
      ++out.priced;
    }
    rows.push_back(std::move(row));
  }
  const int created = d.store.models().createMany(rows);
  out.imported = created;
  out.skipped += static_cast<std::int64_t>(rows.size()) - created;
  if (created > 0) {
    d.snapshots.rebuild();
  }
  json::object answer;
  answer["imported"] = out.imported;
  answer["skipped"] = out.skipped;
  answer["priced"] = out.priced;
  return answer;
}

Result<json::value> exportProviders(AdminDeps& d, bool enabled_only) {
  auto list = store::sqlite::loadProvidersForExport(d.db, enabled_only);
  if (!list) {
    return list.error();
  }
  return json::value(presets::buildExport(*list, d.clock.now(), enabled_only));
}

/// Validates the whole document, then writes it; a bad document changes nothing.
Result<json::value> importProviders(AdminDeps& d, const json::object& doc,
                                    std::vector<http::FieldError>& errors) {
  auto check = presets::checkImport(
      doc, [](std::string_view type) { return providers::catalog().find(type) != nullptr; });
  if (!check.plan) {
    for (const auto& issue : check.issues) {
      errors.push_back({issue.path, issue.message});
    }
    return invalidFields();
  }
  auto report = store::sqlite::applyImportPlan(d.db, *check.plan, d.clock.now());
  if (!report) {
    return report.error();
  }
  if (report->imported > 0) {
    d.snapshots.rebuild();
  }
  return json::value(presets::reportToJson(*report, check.plan->warnings));
}

// ---- upstream probes (event loop) -----------------------------------------------------------

struct ProbeOutcome {
  bool ok = false;
  bool unsupported = false;  ///< the adapter cannot express the operation for this provider
  int status = 0;            ///< upstream HTTP status; 0 when none arrived
  std::int64_t latency_ms = 0;
  std::string message;
  json::object body;  ///< the OpenAI-format answer when ok
};

/// One bounded upstream call through the calling loop's client. Never fails: the outcome says
/// what happened, with credentials redacted from every message.
net::awaitable<ProbeOutcome> probe(AdminDeps& d, const providers::ProviderConfig& cfg, Operation op,
                                   const json::object& body) {
  ProbeOutcome out;
  const auto* adapter = providers::adapterFor(cfg.family);
  if (!adapter) {
    out.message = "this build has no adapter for the " + cfg.family + " API";
    co_return out;
  }
  providers::RequestOptions options;
  options.unix_time = unixSeconds(d.clock.now());
  auto request = adapter->buildRequest(op, body, cfg, options);
  if (!request) {
    out.unsupported = request.error().code == ErrorCode::Unsupported;
    out.message = providers::redactCredentials(request.error(), cfg).message;
    co_return out;
  }
  const auto started = d.clock.steadyNow();
  auto response = co_await d.clients.current().send(*request, http::Deadline::after(kProbeTimeout));
  out.latency_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(d.clock.steadyNow() - started).count();
  if (!response) {
    out.message = providers::redactCredentials(response.error(), cfg).message;
    co_return out;
  }
  out.status = response->status;
  if (response->status < 200 || response->status >= 300) {
    out.message = providers::redactCredentials(adapter->mapError(*response), cfg).message;
    co_return out;
  }
  auto parsed = adapter->parseResponse(op, *response, options);
  if (!parsed) {
    out.message = providers::redactCredentials(parsed.error(), cfg).message;
    co_return out;
  }
  out.ok = true;
  out.body = std::move(parsed->body);
  co_return out;
}

/// The connection test's request: the model list where the provider has one, else a 1-token
/// chat completion to its first model (or the catalog's first default model).
Operation testRequest(const ProbeTarget& target, json::object& body) {
  if (target.config.flags.list_models) {
    return Operation::ListModels;
  }
  std::string model = "test";
  if (!target.models.empty()) {
    model = target.models.front().model_id;
  } else if (const auto* tpl = providers::catalog().find(target.config.type);
             tpl && !tpl->default_models.empty()) {
    model = tpl->default_models.front();
  }
  json::object message;
  message["role"] = "user";
  message["content"] = "ping";
  body["model"] = model;
  body["messages"] = json::array{message};
  body["max_tokens"] = 1;
  return Operation::ChatCompletions;
}

json::object testAnswer(const ProbeOutcome& o, Operation op) {
  json::object out;
  out["success"] = o.ok;
  out["latency_ms"] = o.latency_ms;
  out["status"] = o.status;
  if (o.ok && op == Operation::ListModels) {
    const auto* data = getArray(o.body, "data");
    out["message"] =
        "connected: the provider lists " + std::to_string(data ? data->size() : 0) + " models";
  } else if (o.ok) {
    out["message"] = "connected: the model answered";
  } else {
    out["message"] = o.message;
  }
  return out;
}

json::object failedTestAnswer(const Error& e) {
  json::object out;
  out["success"] = false;
  out["latency_ms"] = 0;
  out["status"] = 0;
  out["message"] = e.message;
  return out;
}

/// {"data":[{"id","owned_by","imported"}],"source"} from a model list or the catalog.
json::object fetchAnswer(const ProbeTarget& target, const ProbeOutcome& o) {
  std::set<std::string> have;
  for (const auto& m : target.models) {
    have.insert(m.model_id);
  }
  std::vector<std::pair<std::string, std::string>> ids;  // id, owned_by
  const bool from_provider = o.ok;
  if (from_provider) {
    if (const auto* data = getArray(o.body, "data")) {
      for (const auto& entry : *data) {
        const auto* m = entry.if_object();
        const auto id = m ? getStringView(*m, "id") : std::nullopt;
        if (id && !id->empty()) {
          ids.emplace_back(*id, getStringView(*m, "owned_by").value_or(""));
        }
      }
    }
    std::sort(ids.begin(), ids.end());
  } else if (const auto* tpl = providers::catalog().find(target.config.type)) {
    for (const auto& id : tpl->default_models) {
      ids.emplace_back(id, target.config.type);
    }
  }
  json::array data;
  for (const auto& [id, owner] : ids) {
    json::object m;
    m["id"] = id;
    m["owned_by"] = owner;
    m["imported"] = have.count(id) > 0;
    data.push_back(std::move(m));
  }
  json::object out;
  out["data"] = std::move(data);
  out["source"] = from_provider ? "provider" : "catalog";
  if (!from_provider && !o.unsupported) {
    out["warning"] = "the provider has no model list (" + o.message + "); showing the catalog";
  }
  return out;
}

/// Whether a failed model list should fall back to the catalog rather than fail: the provider
/// cannot list (no endpoint: 404/405, or the adapter has no list operation).
bool listUnavailable(const ProbeOutcome& o) {
  return o.unsupported || o.status == 404 || o.status == 405;
}

Error listFailed(const ProbeOutcome& o) {
  // No upstream_status: the provider's 401 must not read as the admin's own 401.
  return Error{ErrorCode::UpstreamError, "the provider's model list failed: " + o.message};
}

/// Reads {"models":["id",...]}.
std::vector<std::string> readModelIds(FieldReader& f) {
  std::vector<std::string> ids;
  const auto* list = f.array("models");
  if (!list) {
    if (f.ok()) {
      f.fail("models", "is required");
    }
    return ids;
  }
  if (list->empty() || list->size() > kMaxImportModels) {
    f.fail("models", "must hold 1 to " + std::to_string(kMaxImportModels) + " model ids");
    return ids;
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto* s = (*list)[i].if_string();
    if (!s || s->empty() || s->size() > 200) {
      f.fail("models[" + std::to_string(i) + "]", "must be a model id (1-200 characters)");
    } else {
      ids.emplace_back(*s);
    }
  }
  return ids;
}

json::object templatesAnswer() {
  json::object out;
  out["data"] = providers::catalogJson();
  return out;
}

json::object providerPage(AdminDeps& d, const store::ListQuery& q) {
  auto page = d.store.providers().list(q);
  json::array data;
  for (const auto& p : page.rows) {
    data.push_back(providerJson(p));
  }
  return pageJson(std::move(data), page.total);
}

std::optional<json::object> providerById(AdminDeps& d, std::int64_t id) {
  auto row = d.store.providers().get(id);
  return row ? std::optional(providerJson(*row)) : std::nullopt;
}

Result<json::value> createFromBody(AdminDeps& d, const json::object& body,
                                   std::vector<http::FieldError>& errors) {
  store::ProviderRow row;
  errors = readProviderBody(d.secrets, body, row, true);
  if (!errors.empty()) {
    return invalidFields();
  }
  return saveProvider(d, row, true);
}

Result<json::value> updateFromBody(AdminDeps& d, std::int64_t id, const json::object& body,
                                   std::vector<http::FieldError>& errors) {
  auto row = d.store.providers().get(id);
  if (!row) {
    return Error::notFound("no such provider");
  }
  errors = readProviderBody(d.secrets, body, *row, false);
  if (!errors.empty()) {
    return invalidFields();
  }
  return saveProvider(d, *row, false);
}

Result<json::value> importModelsFromBody(AdminDeps& d, std::int64_t id, const json::object& body,
                                         std::vector<http::FieldError>& errors) {
  FieldReader f(body);
  const auto ids = readModelIds(f);
  if (!f.ok()) {
    errors = f.errors();
    return invalidFields();
  }
  return importProviderModels(d, id, ids);
}

store::ListQuery providerQuery(const RequestContext& rc) {
  return listQuery(rc, {"type", "enabled"});
}

bool enabledOnly(const RequestContext& rc) {
  const auto v = rc.queryParam("enabled_only");
  return v == "true" || v == "1";
}

std::optional<std::int64_t> bodyProviderId(const json::object& body) {
  if (!body.contains("provider_id")) {
    return std::nullopt;
  }
  return getInt(body, "provider_id").value_or(0);
}

/// The provider a fetch-models body names: {"provider_id"} (stored) or an unsaved one.
net::awaitable<Result<ProbeTarget>> fetchTarget(AdminDeps& d, const json::object& body) {
  const auto pid = bodyProviderId(body);
  if (!pid) {
    co_return unsavedTarget(body);
  }
  auto target = co_await d.pool.run([&] { return loadTarget(d, *pid); });
  if (!target && target.error().code == ErrorCode::NotFound) {
    co_return fieldError("provider_id", target.error().message);
  }
  co_return target;
}

}  // namespace

void registerProviderRoutes(http::Router& r, AdminDeps& d) {
  r.add(
      "GET", "/api/admin/provider-templates",
      guarded(d.jwt, d.clock, [](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
        co_await rc.sendJson(200, templatesAnswer());
      }));
  r.add("GET", "/api/admin/providers", listRoute(d, providerQuery, [&d](const store::ListQuery& q) {
          return providerPage(d, q);
        }));
  r.add("GET", "/api/admin/providers/:id",
        getRoute(
            d, [&d](std::int64_t id) { return providerById(d, id); }, "no such provider"));
  r.add("DELETE", "/api/admin/providers/:id",
        deleteRoute(
            d, [&d](std::int64_t id) { return removeProvider(d, id); }, "no such provider"));

  r.add("POST", "/api/admin/providers",
        bodyRoute(
            d,
            [&d](const json::object& body, std::vector<http::FieldError>& errors) {
              return createFromBody(d, body, errors);
            },
            201));
  r.add("PUT", "/api/admin/providers/:id",
        recordBodyRoute(d, [&d](std::int64_t id, const json::object& body,
                                std::vector<http::FieldError>& errors) {
          return updateFromBody(d, id, body, errors);
        }));
  r.add("POST", "/api/admin/providers/:id/import-models",
        recordBodyRoute(d, [&d](std::int64_t id, const json::object& body,
                                std::vector<http::FieldError>& errors) {
          return importModelsFromBody(d, id, body, errors);
        }));
  r.add("POST", "/api/admin/providers/batch-import",
        bodyRoute(d, [&d](const json::object& doc, std::vector<http::FieldError>& errors) {
          return importProviders(d, doc, errors);
        }));

  r.add("POST", "/api/admin/providers/:id/test",
        guarded(d.jwt, d.clock,
                [&d](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                  auto id = co_await pathId(rc);
                  if (!id) {
                    co_return;
                  }
                  auto target = co_await d.pool.run([&] { return loadTarget(d, *id); });
                  if (!target && target.error().code == ErrorCode::NotFound) {
                    co_await sendError(rc, target.error());
                    co_return;
                  }
                  if (!target) {
                    co_await rc.sendJson(200, failedTestAnswer(target.error()));
                    co_return;
                  }
                  json::object request;
                  const Operation op = testRequest(*target, request);
                  const auto outcome = co_await probe(d, target->config, op, request);
                  co_await rc.sendJson(200, testAnswer(outcome, op));
                }));

  r.add("POST", "/api/admin/providers/fetch-models",
        guarded(
            d.jwt, d.clock, [&d](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
              auto body = co_await readJsonBody(rc);
              if (!body) {
                co_return;
              }
              auto target = co_await fetchTarget(d, *body);
              if (!target) {
                co_await sendFailure(rc, target.error());
                co_return;
              }
              const json::object none;
              const auto outcome = co_await probe(d, target->config, Operation::ListModels, none);
              if (!outcome.ok && !listUnavailable(outcome)) {
                co_await sendError(rc, listFailed(outcome));
                co_return;
              }
              co_await rc.sendJson(200, fetchAnswer(*target, outcome));
            }));

  r.add("GET", "/api/admin/providers/export",
        guarded(d.jwt, d.clock,
                [&d](RequestContext& rc, const auth::Claims&) -> net::awaitable<void> {
                  const bool only = enabledOnly(rc);
                  const PoolWork work = [&] { return exportProviders(d, only); };
                  co_await respond(rc, d.pool, work);
                }));
}

}  // namespace gw::admin
