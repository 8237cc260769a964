#include "dataplane/snapshot.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "dataplane/agent_forward.hpp"
#include "providers/catalog.hpp"
#include "providers/registry.hpp"
#include "providers/secret_config.hpp"
#include "routing/compiler.hpp"

namespace gw::dataplane {

namespace {

template <class T>
json::value optJson(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

// ---- loading: store rows -> document entries -------------------------------------------------

json::object providerDoc(const store::ProviderRow& p, const crypto::SecretBox& secrets) {
  std::string api_key;
  json::object config = p.config;
  // Only enabled providers are compiled, so only they need their secrets in the clear.
  if (p.enabled) {
    config = providers::openConfigSecrets(p.config, secrets);
    if (!p.api_key_sealed.empty()) {
      if (auto key = secrets.open(p.api_key_sealed)) {
        api_key = std::move(*key);
      } else {
        GW_LOG_ERROR("provider key cannot be decrypted (SECRET_KEY changed?){}",
                     log::kv("provider", p.name));
      }
    }
  }
  json::object o;
  o["id"] = p.id;
  o["name"] = p.name;
  o["type"] = p.type;
  o["base_url"] = p.base_url;
  o["api_key"] = api_key;
  o["config"] = std::move(config);
  o["enabled"] = p.enabled;
  return o;
}

json::object modelDoc(const store::ModelRow& m) {
  json::object o;
  o["id"] = m.id;
  o["provider_id"] = m.provider_id;
  o["name"] = m.name;
  o["model_id"] = m.model_id;
  o["enabled"] = m.enabled;
  o["mode"] = m.mode;
  o["input_price"] = optJson(m.input_price);
  o["output_price"] = optJson(m.output_price);
  o["cached_input_price"] = optJson(m.cached_input_price);
  return o;
}

json::object keyDoc(const store::VirtualKeyRow& k) {
  json::object o;
  o["id"] = k.id;
  o["name"] = k.name;
  o["hash"] = k.key_hash;
  o["enabled"] = k.enabled;
  o["allowed_models"] = k.allowed_models;
  o["provider_id"] = optJson(k.provider_id);
  o["routing_config_id"] = optJson(k.routing_config_id);
  o["rpm_limit"] = optJson(k.rpm_limit);
  o["tpm_limit"] = optJson(k.tpm_limit);
  o["max_concurrency"] = optJson(k.max_concurrency);
  o["budget_usd"] = optJson(k.budget_usd);
  o["budget_period"] = optJson(k.budget_period);
  o["expires_at"] = optJson(k.expires_at);
  o["allowed_ips"] = k.allowed_ips;
  o["allow_config_header"] = k.allow_config_header;
  return o;
}

json::object routeDoc(const store::RoutingConfigRow& r) {
  json::object o;
  o["id"] = r.id;
  o["name"] = r.name;
  o["virtual_model"] = optJson(r.virtual_model);
  o["enabled"] = r.enabled;
  o["config"] = r.config;
  return o;
}

json::object agentDoc(const store::AgentRow& a) {
  json::object o;
  o["id"] = a.id;
  o["name"] = a.name;
  o["region"] = a.region;
  o["kind"] = a.kind;
  o["endpoint"] = optJson(a.endpoint);
  o["enabled"] = a.enabled;
  o["priority"] = a.priority;
  o["rules"] = a.rules;
  return o;
}

// ---- compiling: document entries with their paths -----------------------------------------

/// Typed reads of one document entry; a wrong or missing member records "<path>.<key>: ...".
class EntryReader {
 public:
  EntryReader(const json::value& v, std::string path, std::vector<std::string>& errors)
      : path_(std::move(path)), errors_(errors) {
    if (v.is_object()) {
      obj_ = &v.as_object();
    } else {
      errors_.push_back(path_ + ": must be an object");
    }
  }
  bool valid() const { return obj_ != nullptr; }

  std::int64_t integer(std::string_view key) {
    const auto* v = find(key);
    if (v && v->is_int64()) {
      return v->as_int64();
    }
    if (v && v->is_uint64() && v->as_uint64() <= INT64_MAX) {
      return static_cast<std::int64_t>(v->as_uint64());
    }
    fail(key, "must be an integer");
    return 0;
  }
  std::string string(std::string_view key) {
    const auto* v = find(key);
    if (v && v->is_string()) {
      return std::string(v->as_string());
    }
    fail(key, "must be a string");
    return {};
  }
  bool boolean(std::string_view key) {
    const auto* v = find(key);
    if (v && v->is_bool()) {
      return v->as_bool();
    }
    fail(key, "must be a boolean");
    return false;
  }
  /// Absent or null -> nullopt.
  std::optional<std::int64_t> optInteger(std::string_view key) {
    return isNull(key) ? std::nullopt : std::optional(integer(key));
  }
  std::optional<std::string> optString(std::string_view key) {
    return isNull(key) ? std::nullopt : std::optional(string(key));
  }
  std::optional<double> optNumber(std::string_view key) {
    if (isNull(key)) {
      return std::nullopt;
    }
    if (auto n = asNumber(*find(key))) {
      return n;
    }
    fail(key, "must be a number");
    return std::nullopt;
  }
  /// Absent -> `fallback`.
  bool optBoolean(std::string_view key, bool fallback) {
    return isNull(key) ? fallback : boolean(key);
  }
  json::object object(std::string_view key) {
    const auto* v = find(key);
    if (v && v->is_object()) {
      return v->as_object();
    }
    fail(key, "must be an object");
    return {};
  }
  /// Absent or null -> empty.
  json::array optArray(std::string_view key) {
    if (isNull(key)) {
      return {};
    }
    const auto* v = find(key);
    if (v->is_array()) {
      return v->as_array();
    }
    fail(key, "must be an array");
    return {};
  }
  /// An array of strings (absent or null -> empty).
  std::vector<std::string> strings(std::string_view key) {
    std::vector<std::string> out;
    const auto arr = optArray(key);
    for (std::size_t i = 0; i < arr.size(); ++i) {
      if (arr[i].is_string()) {
        out.emplace_back(arr[i].as_string());
      } else {
        errors_.push_back(path_ + "." + std::string(key) + "[" + std::to_string(i) +
                          "]: must be a string");
      }
    }
    return out;
  }
  const json::value* raw(std::string_view key) { return find(key); }
  const std::string& path() const { return path_; }

 private:
  const json::value* find(std::string_view key) const {
    return obj_ ? obj_->if_contains(key) : nullptr;
  }
  bool isNull(std::string_view key) const {
    const auto* v = find(key);
    return !v || v->is_null();
  }
  void fail(std::string_view key, std::string_view message) {
    if (obj_) {
      errors_.push_back(path_ + "." + std::string(key) + ": " + std::string(message));
    }
  }

  const json::object* obj_ = nullptr;
  std::string path_;
  std::vector<std::string>& errors_;
};

/// The array `key` of the document, or an empty one after recording an error.
const json::array& section(const json::object& doc, std::string_view key,
                           std::vector<std::string>& errors) {
  static const json::array kEmpty;
  const auto* v = doc.if_contains(key);
  if (!v) {
    // "agents" came later than the rest: a document without it has none.
    if (key != "agents") {
      errors.push_back(std::string(key) + ": missing");
    }
    return kEmpty;
  }
  if (!v->is_array()) {
    errors.push_back(std::string(key) + ": must be an array");
    return kEmpty;
  }
  return v->as_array();
}

std::string itemPath(std::string_view sect, std::size_t i) {
  return std::string(sect) + "[" + std::to_string(i) + "]";
}

void compileProviders(const json::object& doc, Snapshot& snap, std::vector<std::string>& errors) {
  const auto& arr = section(doc, "providers", errors);
  for (std::size_t i = 0; i < arr.size(); ++i) {
    EntryReader e(arr[i], itemPath("providers", i), errors);
    if (!e.valid()) {
      continue;
    }
    providers::ProviderSettings settings;
    settings.id = e.integer("id");
    settings.name = e.string("name");
    settings.type = e.string("type");
    settings.base_url = e.optString("base_url").value_or("");
    settings.api_key = e.optString("api_key").value_or("");
    settings.config =
        e.raw("config") && !e.raw("config")->is_null() ? e.object("config") : json::object{};
    const bool enabled = e.optBoolean("enabled", true);
    if (!enabled || !errors.empty()) {
      continue;
    }
    auto built = providers::buildProviderConfig(settings);
    if (!built) {
      GW_LOG_WARN("provider skipped: invalid settings{}{}", log::kv("provider", settings.name),
                  log::kv("error", built.error().message));
      continue;
    }
    snap.providers[settings.id] =
        std::make_shared<const providers::ProviderConfig>(std::move(*built));
  }
}

void compileModels(const json::object& doc, Snapshot& snap, std::vector<std::string>& errors) {
  const auto& arr = section(doc, "models", errors);
  for (std::size_t i = 0; i < arr.size(); ++i) {
    EntryReader e(arr[i], itemPath("models", i), errors);
    if (!e.valid()) {
      continue;
    }
    ModelEntry m;
    m.id = e.integer("id");
    const auto provider_id = e.integer("provider_id");
    m.name = e.string("name");
    m.model_id = e.optString("model_id").value_or("");
    m.mode = e.optString("mode").value_or("chat");
    m.input_price = e.optNumber("input_price");
    m.output_price = e.optNumber("output_price");
    m.cached_input_price = e.optNumber("cached_input_price");
    const bool enabled = e.optBoolean("enabled", true);
    auto prov = snap.providers.find(provider_id);
    if (!enabled || prov == snap.providers.end() || !errors.empty()) {
      continue;
    }
    if (m.model_id.empty()) {
      m.model_id = m.name;
    }
    m.provider = prov->second;
    m.route = routing::compileSingle(m.provider, m.model_id);
    snap.by_upstream.emplace(upstreamKey(provider_id, m.model_id), m);
    snap.models[m.name].push_back(std::move(m));
    ++snap.counts.models;
  }
}

void compileKeys(const json::object& doc, Snapshot& snap, std::vector<std::string>& errors) {
  const auto& arr = section(doc, "keys", errors);
  for (std::size_t i = 0; i < arr.size(); ++i) {
    EntryReader e(arr[i], itemPath("keys", i), errors);
    if (!e.valid()) {
      continue;
    }
    KeyEntry k;
    k.id = e.integer("id");
    k.name = e.optString("name").value_or("");
    const std::string hash = e.string("hash");
    k.limits.enabled = e.optBoolean("enabled", true);
    k.limits.allowed_models = e.strings("allowed_models");
    k.limits.rpm_limit = e.optInteger("rpm_limit");
    k.limits.tpm_limit = e.optInteger("tpm_limit");
    k.limits.max_concurrency = e.optInteger("max_concurrency");
    k.limits.budget_usd = e.optNumber("budget_usd");
    if (auto period = e.optString("budget_period")) {
      k.limits.budget_period =
          governance::parseBudgetPeriod(*period).value_or(governance::BudgetPeriod::Monthly);
    }
    if (auto expires = e.optString("expires_at")) {
      std::chrono::system_clock::time_point t;
      if (parseRfc3339(*expires, t)) {
        k.limits.expires_at = t;
      }
    }
    const auto ips = e.strings("allowed_ips");
    k.provider_id = e.optInteger("provider_id");
    k.routing_config_id = e.optInteger("routing_config_id");
    k.allow_config_header = e.optBoolean("allow_config_header", false);
    if (!errors.empty()) {
      continue;
    }
    if (auto list = governance::IpAllowlist::parse(ips)) {
      k.limits.allowed_ips = std::move(*list);
    } else {
      // Saved lists are validated; an unparsable one must not open the key to everyone.
      k.limits.enabled = false;
      GW_LOG_ERROR("virtual key disabled: bad allowed_ips{}", log::kv("key_id", k.id));
    }
    if (k.limits.enabled) {
      ++snap.counts.virtual_keys;
    }
    snap.keys.emplace(hash, std::move(k));
  }
}

void compileRoutes(const json::object& doc, Snapshot& snap, std::vector<std::string>& errors) {
  const auto& arr = section(doc, "routing_configs", errors);
  std::vector<store::RoutingConfigRow> configs;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    EntryReader e(arr[i], itemPath("routing_configs", i), errors);
    if (!e.valid()) {
      continue;
    }
    store::RoutingConfigRow r;
    r.id = e.integer("id");
    r.name = e.string("name");
    r.virtual_model = e.optString("virtual_model");
    r.enabled = e.optBoolean("enabled", true);
    if (const auto* c = e.raw("config")) {
      r.config = *c;
    } else {
      errors.push_back(e.path() + ".config: missing");
    }
    configs.push_back(std::move(r));
  }
  if (!errors.empty()) {
    return;
  }
  const auto directory = makeDirectory(snap, configs);
  for (const auto& r : configs) {
    if (!r.enabled) {
      continue;
    }
    auto compiled = routing::compileConfig(r.config, directory, r.id);
    if (!compiled.ok()) {
      // Configs are validated when saved; this one went bad later (a provider was disabled
      // or deleted). It stays out of the snapshot and its requests answer 503.
      GW_LOG_WARN("routing config skipped{}{}", log::kv("config", r.name),
                  log::kv("error", compiled.errors.front().toString()));
      continue;
    }
    snap.routes[r.id] = RouteEntry{r.id, r.name, compiled.root};
    if (r.virtual_model && !r.virtual_model->empty()) {
      snap.virtual_models[*r.virtual_model] = r.id;
    }
  }
}

void compileAgents(const json::object& doc, Snapshot& snap, std::vector<std::string>& errors) {
  const auto& arr = section(doc, "agents", errors);
  for (std::size_t i = 0; i < arr.size(); ++i) {
    EntryReader e(arr[i], itemPath("agents", i), errors);
    if (!e.valid()) {
      continue;
    }
    AgentEntry a;
    a.id = e.integer("id");
    a.name = e.string("name");
    a.region = e.optString("region").value_or("");
    a.kind = e.optString("kind").value_or("gateway");
    a.endpoint = e.optString("endpoint").value_or("");
    a.enabled = e.optBoolean("enabled", true);
    a.priority = e.optInteger("priority").value_or(0);
    if (const auto* rules = e.raw("rules"); rules && !rules->is_null()) {
      EntryReader r(*rules, e.path() + ".rules", errors);
      if (r.valid()) {
        a.rules.models = r.strings("models");
        a.rules.providers = r.strings("providers");
        a.rules.regions = r.strings("regions");
      }
    }
    snap.agents.push_back(std::move(a));
  }
  std::stable_sort(snap.agents.begin(), snap.agents.end(),
                   [](const AgentEntry& a, const AgentEntry& b) {
                     return a.priority != b.priority ? a.priority < b.priority : a.id < b.id;
                   });
}

}  // namespace

std::string documentHash(const json::object& document) {
  if (!document.contains("hash")) {
    return crypto::sha256Hex(json::serialize(document));
  }
  json::object copy = document;
  copy.erase("hash");
  return crypto::sha256Hex(json::serialize(copy));
}

json::object loadConfigDocument(store::Store& store, const crypto::SecretBox& secrets) {
  json::array doc_providers, doc_models, doc_keys, doc_routes, doc_agents;
  for (const auto& p : store.providers().all()) {
    doc_providers.push_back(providerDoc(p, secrets));
  }
  for (const auto& m : store.models().all()) {
    doc_models.push_back(modelDoc(m));
  }
  for (const auto& k : store.keys().all()) {
    doc_keys.push_back(keyDoc(k));
  }
  for (const auto& r : store.routingConfigs().all()) {
    doc_routes.push_back(routeDoc(r));
  }
  for (const auto& a : store.agents().all()) {
    doc_agents.push_back(agentDoc(a));
  }
  json::object doc;
  doc["providers"] = std::move(doc_providers);
  doc["models"] = std::move(doc_models);
  doc["keys"] = std::move(doc_keys);
  doc["routing_configs"] = std::move(doc_routes);
  doc["agents"] = std::move(doc_agents);
  doc["hash"] = documentHash(doc);
  return doc;
}

Result<std::shared_ptr<Snapshot>> compileConfigDocument(const json::object& document) {
  auto snap = std::make_shared<Snapshot>();
  std::vector<std::string> errors;
  // Each step reads its section in full (so every bad path is reported) but compiles only
  // while the document is well-formed so far.
  compileProviders(document, *snap, errors);
  compileModels(document, *snap, errors);
  compileKeys(document, *snap, errors);
  compileRoutes(document, *snap, errors);
  compileAgents(document, *snap, errors);
  attachAgentTargets(*snap);
  if (const auto* h = document.if_contains("hash"); h && !h->is_string()) {
    errors.push_back("hash: must be a string");
  }
  if (!errors.empty()) {
    std::string message;
    for (const auto& e : errors) {
      message += message.empty() ? "" : "; ";
      message += e;
    }
    return Error::invalid("config document: " + message,
                          errors.front().substr(0, errors.front().find(':')));
  }
  const auto* h = getString(document, "hash");
  snap->hash = h ? std::string(*h) : documentHash(document);
  snap->document = std::make_shared<const std::string>(json::serialize(document));
  snap->counts.providers = static_cast<std::int64_t>(snap->providers.size());
  snap->counts.routing_configs = static_cast<std::int64_t>(snap->routes.size());
  return snap;
}

SnapshotService::SnapshotService(store::Store& store, const crypto::SecretBox& secrets)
    : store_(&store), secrets_(&secrets), current_(std::make_shared<const Snapshot>()) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  next_version_ = static_cast<std::uint64_t>(std::max<std::int64_t>(now.count(), 1));
}

SnapshotService::SnapshotService() : current_(std::make_shared<const Snapshot>()) {}

SnapshotPtr SnapshotService::publish(std::shared_ptr<Snapshot> snapshot) {
  std::lock_guard lock(publish_mutex_);
  return publishLocked(std::move(snapshot));
}

SnapshotPtr SnapshotService::publishLocked(std::shared_ptr<Snapshot> snapshot) {
  snapshot->version = next_version_++;
  snapshot->built_at = std::chrono::system_clock::now();
  SnapshotPtr published = std::move(snapshot);
  current_.store(published, std::memory_order_release);
  version_.store(published->version, std::memory_order_release);
  if (on_publish_) {
    on_publish_(*published);
  }
  return published;
}

Result<SnapshotPtr> SnapshotService::publishDocument(const json::object& document) {
  auto compiled = compileConfigDocument(document);
  if (!compiled) {
    return compiled.error();
  }
  return publish(std::move(*compiled));
}

SnapshotPtr SnapshotService::rebuild() {
  if (!store_) {
    throw std::logic_error("SnapshotService::rebuild without a store");
  }
  // Load under the lock too: two concurrent rebuilds must not publish the older state last.
  std::lock_guard lock(publish_mutex_);
  auto compiled = compileConfigDocument(loadConfigDocument(*store_, *secrets_));
  if (!compiled) {
    // The store's rows always have the document's shape; this is a bug, keep serving.
    GW_LOG_ERROR("config document from the store does not compile{}",
                 log::kv("error", compiled.error().message));
    return current();
  }
  return publishLocked(std::move(*compiled));
}

routing::MapProviderDirectory makeDirectory(const Snapshot& snapshot,
                                            const std::vector<store::RoutingConfigRow>& configs) {
  routing::MapProviderDirectory dir;
  for (const auto& [id, p] : snapshot.providers) {
    dir.addProvider(*p);
  }
  for (const auto& t : providers::catalog().templates()) {
    dir.addType(t.id, routing::ProviderTypeInfo{t.family, t.base_url});
  }
  for (const auto& c : configs) {
    dir.addConfig(c.id, c.config);
  }
  return dir;
}

}  // namespace gw::dataplane
