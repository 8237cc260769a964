#include "dataplane/snapshot.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "providers/catalog.hpp"
#include "providers/registry.hpp"
#include "providers/secret_config.hpp"
#include "routing/compiler.hpp"

namespace gw::dataplane {

SnapshotPtr SnapshotService::rebuild() {
  std::lock_guard lock(rebuild_mutex_);
  auto snap = std::make_shared<Snapshot>();
  snap->version = next_version_++;
  snap->built_at = std::chrono::system_clock::now();

  // The config document: everything the data plane needs, serialisable for agents.
  json::object doc;
  json::array doc_providers, doc_models, doc_keys, doc_routes;

  for (const auto& p : store_.providers().all()) {
    doc_providers.push_back(json::object{{"id", p.id}, {"name", p.name}, {"type", p.type},
                                         {"base_url", p.base_url}, {"config", p.config},
                                         {"enabled", p.enabled},
                                         {"key", crypto::sha256Hex(p.api_key_sealed)}});
    if (!p.enabled) {
      continue;
    }
    providers::ProviderSettings settings;
    settings.id = p.id;
    settings.name = p.name;
    settings.type = p.type;
    settings.base_url = p.base_url;
    settings.config = providers::openConfigSecrets(p.config, secrets_);
    if (!p.api_key_sealed.empty()) {
      if (auto key = secrets_.open(p.api_key_sealed)) {
        settings.api_key = std::move(*key);
      } else {
        GW_LOG_ERROR("provider key cannot be decrypted (SECRET_KEY changed?){}",
                     log::kv("provider", p.name));
      }
    }
    auto built = providers::buildProviderConfig(settings);
    if (!built) {
      GW_LOG_WARN("provider skipped: invalid settings{}{}", log::kv("provider", p.name),
                  log::kv("error", built.error().message));
      continue;
    }
    auto cfg = std::make_shared<const providers::ProviderConfig>(std::move(*built));
    snap->providers[p.id] = std::move(cfg);
  }
  for (const auto& m : store_.models().all()) {
    doc_models.push_back(json::object{{"id", m.id}, {"provider_id", m.provider_id},
                                      {"name", m.name}, {"model_id", m.model_id},
                                      {"enabled", m.enabled}});
    auto prov = snap->providers.find(m.provider_id);
    if (!m.enabled || prov == snap->providers.end()) {
      continue;
    }
    ModelEntry e;
    e.id = m.id;
    e.name = m.name;
    e.model_id = m.model_id.empty() ? m.name : m.model_id;
    e.mode = m.mode;
    e.provider = prov->second;
    e.input_price = m.input_price;
    e.output_price = m.output_price;
    e.cached_input_price = m.cached_input_price;
    snap->by_upstream.emplace(upstreamKey(m.provider_id, e.model_id), e);
    snap->models[m.name].push_back(std::move(e));
    ++snap->counts.models;
  }
  for (const auto& k : store_.keys().all()) {
    doc_keys.push_back(json::object{{"id", k.id}, {"hash", k.key_hash}, {"enabled", k.enabled},
                                    {"updated_at", k.updated_at}});
    KeyEntry e;
    e.id = k.id;
    e.name = k.name;
    e.limits.enabled = k.enabled;
    for (const auto& m : k.allowed_models) {
      if (m.is_string()) {
        e.limits.allowed_models.emplace_back(m.get_string());
      }
    }
    e.limits.rpm_limit = k.rpm_limit;
    e.limits.tpm_limit = k.tpm_limit;
    e.limits.max_concurrency = k.max_concurrency;
    e.limits.budget_usd = k.budget_usd;
    if (k.budget_period) {
      e.limits.budget_period =
          governance::parseBudgetPeriod(*k.budget_period).value_or(governance::BudgetPeriod::Monthly);
    }
    if (k.expires_at) {
      std::chrono::system_clock::time_point t;
      if (parseRfc3339(*k.expires_at, t)) {
        e.limits.expires_at = t;
      }
    }
    std::vector<std::string> ips;
    for (const auto& ip : k.allowed_ips) {
      if (ip.is_string()) {
        ips.emplace_back(ip.get_string());
      }
    }
    if (auto list = governance::IpAllowlist::parse(ips)) {
      e.limits.allowed_ips = std::move(*list);
    } else {
      // Saved lists are validated; an unparsable one must not open the key to everyone.
      e.limits.enabled = false;
      GW_LOG_ERROR("virtual key disabled: bad allowed_ips{}", log::kv("key_id", k.id));
    }
    e.provider_id = k.provider_id;
    e.routing_config_id = k.routing_config_id;
    e.allow_config_header = k.allow_config_header;
    if (e.limits.enabled) {
      ++snap->counts.virtual_keys;
    }
    snap->keys.emplace(k.key_hash, std::move(e));
  }
  const auto configs = store_.routingConfigs().all();
  const auto directory = makeDirectory(*snap, configs);
  for (const auto& r : configs) {
    doc_routes.push_back(json::object{{"id", r.id}, {"name", r.name}, {"config", r.config},
                                      {"enabled", r.enabled}});
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
    snap->routes[r.id] = RouteEntry{r.id, r.name, compiled.root};
    if (r.virtual_model && !r.virtual_model->empty()) {
      snap->virtual_models[*r.virtual_model] = r.id;
    }
  }
  snap->counts.providers = static_cast<std::int64_t>(snap->providers.size());
  snap->counts.routing_configs = static_cast<std::int64_t>(snap->routes.size());
  doc["providers"] = std::move(doc_providers);
  doc["models"] = std::move(doc_models);
  doc["keys"] = std::move(doc_keys);
  doc["routing_configs"] = std::move(doc_routes);
  snap->hash = crypto::sha256Hex(json::serialize(doc));

  SnapshotPtr published = std::move(snap);
  current_.store(published, std::memory_order_release);
  if (on_publish_) {
    on_publish_(*published);
  }
  return published;
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
