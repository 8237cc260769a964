#include "admin/routes.hpp"

#include <limits>

#include "admin/resource_helpers.hpp"
#include "core/random.hpp"
#include "dataplane/snapshot.hpp"
#include "governance/key_guard.hpp"
#include "governance/key_limits.hpp"
#include "store/sqlite/request_log_store.hpp"

// Virtual keys (docs/api.md "Virtual keys"). Only the SHA-256 of a key is stored, with a
// display prefix; the full key is in the 201 answer of its creation and nowhere else.

namespace gw::admin {

namespace {

constexpr std::size_t kGeneratedKeyBytes = 32;  ///< entropy of a generated key
constexpr std::size_t kMinCustomKey = 20;
constexpr std::size_t kMaxCustomKey = 128;
constexpr std::size_t kMaxName = 100;
constexpr std::int64_t kMaxId = std::numeric_limits<std::int64_t>::max();

/// Why a custom key is unacceptable as text, or nullopt when it is fine.
std::optional<std::string> customKeyProblem(std::string_view key) {
  if (key.size() < kMinCustomKey || key.size() > kMaxCustomKey) {
    return "must be " + std::to_string(kMinCustomKey) + "-" + std::to_string(kMaxCustomKey) +
           " characters";
  }
  for (const char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) {
      return std::string("may contain only letters, digits, '_' and '-'");
    }
  }
  return std::nullopt;
}

/// "sk-abcde...wxyz": enough to recognise a key, useless to call with.
std::string displayPrefix(const std::string& key) {
  if (key.size() <= 12) {
    return key.substr(0, std::min<std::size_t>(key.size(), 3)) + "...";
  }
  return key.substr(0, 8) + "..." + key.substr(key.size() - 4);
}

template <class T>
json::value optJson(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

/// Spend of the key in its budget's current period (0 without a budget).
double spentUsd(AdminDeps& d, const store::VirtualKeyRow& k) {
  if (!k.budget_usd) {
    return 0;
  }
  // Same default as the snapshot builder: a budget without a period is monthly.
  const auto period = governance::parseBudgetPeriod(k.budget_period.value_or("monthly"))
                          .value_or(governance::BudgetPeriod::Monthly);
  return d.guard.budgets().spent(k.id, period);
}

json::object keyJson(AdminDeps& d, const store::VirtualKeyRow& k) {
  json::object o;
  o["id"] = k.id;
  o["name"] = k.name;
  o["key_prefix"] = k.key_prefix;
  o["enabled"] = k.enabled;
  o["allowed_models"] = k.allowed_models;
  o["provider_id"] = optJson(k.provider_id);
  o["routing_config_id"] = optJson(k.routing_config_id);
  o["rpm_limit"] = optJson(k.rpm_limit);
  o["tpm_limit"] = optJson(k.tpm_limit);
  o["max_concurrency"] = optJson(k.max_concurrency);
  o["budget_usd"] = optJson(k.budget_usd);
  o["budget_period"] = optJson(k.budget_period);
  o["spent_usd"] = spentUsd(d, k);
  o["expires_at"] = optJson(k.expires_at);
  o["allowed_ips"] = k.allowed_ips;
  o["allow_config_header"] = k.allow_config_header;
  o["created_at"] = k.created_at;
  o["updated_at"] = k.updated_at;
  // From the request log (written a moment after each request; null beyond its retention).
  o["last_used_at"] = nullptr;
  if (auto last = d.logs.lastUsedAt(k.id); last && *last) {
    o["last_used_at"] = **last;
  }
  return o;
}

/// Checks the types and limits of a create (`create`) or update body; every problem found.
std::vector<http::FieldError> validateKeyBody(const json::object& body, const Clock& clock,
                                              bool create) {
  FieldReader f(body);
  if (create || f.has("name")) {
    f.string("name", kMaxName, true);
  }
  if (create) {
    if (auto key = f.string("key", 4096)) {
      if (auto problem = customKeyProblem(*key)) {
        f.fail("key", *problem);
      }
    }
  } else if (f.has("key")) {
    f.fail("key", "cannot be changed; create a new key instead");
  }
  f.boolean("enabled");
  f.boolean("allow_config_header");
  f.integer("provider_id", 1, kMaxId);
  f.integer("routing_config_id", 1, kMaxId);
  std::vector<http::FieldError> out = f.errors();
  for (auto& e : governance::validateKeyLimits(body, clock)) {
    out.push_back({std::move(e.path), std::move(e.message)});
  }
  return out;
}

/// Copies the fields present in a validated body onto `row` (null clears an optional).
void applyKeyFields(const json::object& body, store::VirtualKeyRow& row) {
  auto optInt = [&body](std::string_view k, std::optional<std::int64_t>& dst) {
    if (const auto* v = body.if_contains(k)) {
      dst = v->is_null() ? std::nullopt : getInt(body, k);
    }
  };
  if (auto name = getString(body, "name")) {
    row.name = std::string(*name);
  }
  if (auto enabled = getBool(body, "enabled")) {
    row.enabled = *enabled;
  }
  if (auto allow = getBool(body, "allow_config_header")) {
    row.allow_config_header = *allow;
  }
  optInt("provider_id", row.provider_id);
  optInt("routing_config_id", row.routing_config_id);
  optInt("rpm_limit", row.rpm_limit);
  optInt("tpm_limit", row.tpm_limit);
  optInt("max_concurrency", row.max_concurrency);
  if (const auto* v = body.if_contains("budget_usd")) {
    row.budget_usd = v->is_null() ? std::nullopt : asNumber(*v);
  }
  if (const auto* v = body.if_contains("budget_period")) {
    row.budget_period = v->is_string() ? std::optional(std::string(v->get_string()))
                                       : std::nullopt;
  }
  if (const auto* v = body.if_contains("expires_at")) {
    std::chrono::system_clock::time_point t;
    if (v->is_string() && parseRfc3339(v->get_string(), t)) {
      row.expires_at = formatRfc3339(t);
    } else {
      row.expires_at = std::nullopt;
    }
  }
  if (const auto* v = body.if_contains("allowed_models")) {
    row.allowed_models = v->is_array() ? v->get_array() : json::array{};
  }
  if (const auto* v = body.if_contains("allowed_ips")) {
    row.allowed_ips = v->is_array() ? v->get_array() : json::array{};
  }
}

/// Checks that the bound provider / routing config exist and that at most one is set.
std::vector<http::FieldError> checkBindings(store::Store& s, const store::VirtualKeyRow& row) {
  std::vector<http::FieldError> out;
  if (row.provider_id && !s.providers().get(*row.provider_id)) {
    out.push_back({"provider_id", "no provider with id " + std::to_string(*row.provider_id)});
  }
  if (row.routing_config_id && !s.routingConfigs().get(*row.routing_config_id)) {
    out.push_back({"routing_config_id",
                   "no routing config with id " + std::to_string(*row.routing_config_id)});
  }
  if (row.provider_id && row.routing_config_id) {
    out.push_back({"routing_config_id",
                   "a key is bound to a provider or to a routing config, not both"});
  }
  return out;
}

// Blocking work of the routes (run on the pool by the resource helpers).

json::object listKeys(AdminDeps& d, const store::ListQuery& q) {
  auto page = d.store.keys().list(q);
  json::array arr;
  for (const auto& k : page.rows) {
    arr.push_back(keyJson(d, k));
  }
  return pageJson(std::move(arr), page.total);
}

std::optional<json::object> getKey(AdminDeps& d, std::int64_t id) {
  auto row = d.store.keys().get(id);
  return row ? std::optional(keyJson(d, *row)) : std::nullopt;
}

/// 201 answer: the key's object plus the full `key`, the only time it is ever shown.
Result<json::value> createKey(AdminDeps& d, const json::object& body,
                              std::vector<http::FieldError>& errors) {
  errors = validateKeyBody(body, d.clock, true);
  if (!errors.empty()) {
    return invalidFields();
  }
  const auto* custom = getString(body, "key");
  const std::string key =
      custom ? std::string(*custom) : "sk-" + secureBase62(kGeneratedKeyBytes);
  store::VirtualKeyRow row;
  applyKeyFields(body, row);
  row.key_hash = crypto::sha256Hex(key);
  row.key_prefix = displayPrefix(key);
  errors = checkBindings(d.store, row);
  if (!errors.empty()) {
    return invalidFields();
  }
  if (d.store.keys().hashExists(row.key_hash)) {
    Error taken{ErrorCode::Conflict, "this key is already in use"};
    taken.param = "key";
    return taken;
  }
  auto answer = keyJson(d, d.store.keys().create(row));
  answer["key"] = key;
  d.snapshots.rebuild();
  return json::value(std::move(answer));
}

Result<json::value> updateKey(AdminDeps& d, std::int64_t id, const json::object& body,
                              std::vector<http::FieldError>& errors) {
  errors = validateKeyBody(body, d.clock, false);
  if (!errors.empty()) {
    return invalidFields();
  }
  auto row = d.store.keys().get(id);
  if (!row) {
    return Error::notFound("no such virtual key: " + std::to_string(id));
  }
  applyKeyFields(body, *row);
  errors = checkBindings(d.store, *row);
  if (!errors.empty()) {
    return invalidFields();
  }
  auto answer = keyJson(d, d.store.keys().update(*row));
  d.snapshots.rebuild();
  return json::value(std::move(answer));
}

bool removeKey(AdminDeps& d, std::int64_t id) {
  if (!d.store.keys().remove(id)) {
    return false;
  }
  d.snapshots.rebuild();
  return true;
}

/// {"valid":bool,"reason"?} for a candidate custom key.
Result<json::value> validateCustomKey(AdminDeps& d, const json::object& body,
                                      std::vector<http::FieldError>& errors) {
  FieldReader f(body);
  auto key = f.string("key", 4096, true);
  if (!f.ok()) {
    errors = f.errors();
    return invalidFields();
  }
  auto problem = customKeyProblem(*key);
  if (!problem && d.store.keys().hashExists(crypto::sha256Hex(*key))) {
    problem = "is already in use";
  }
  json::object out;
  out["valid"] = !problem;
  if (problem) {
    out["reason"] = "key " + *problem;
  }
  return json::value(std::move(out));
}

}  // namespace

void registerVirtualKeyRoutes(http::Router& r, AdminDeps& d) {
  constexpr const char* kMissing = "no such virtual key";
  r.add("GET", "/api/admin/virtual-keys",
        listRoute(
            d, [](const RequestContext& rc) { return listQuery(rc, {}); },
            [&d](const store::ListQuery& q) { return listKeys(d, q); }));
  r.add("POST", "/api/admin/virtual-keys",
        bodyRoute(
            d,
            [&d](const json::object& body, std::vector<http::FieldError>& errors) {
              return createKey(d, body, errors);
            },
            201));
  r.add("POST", "/api/admin/virtual-keys/validate",
        bodyRoute(d, [&d](const json::object& body, std::vector<http::FieldError>& errors) {
          return validateCustomKey(d, body, errors);
        }));
  r.add("GET", "/api/admin/virtual-keys/:id",
        getRoute(d, [&d](std::int64_t id) { return getKey(d, id); }, kMissing));
  r.add("PUT", "/api/admin/virtual-keys/:id",
        recordBodyRoute(d, [&d](std::int64_t id, const json::object& body,
                                std::vector<http::FieldError>& errors) {
          return updateKey(d, id, body, errors);
        }));
  r.add("DELETE", "/api/admin/virtual-keys/:id",
        deleteRoute(d, [&d](std::int64_t id) { return removeKey(d, id); }, kMissing));
}

}  // namespace gw::admin
