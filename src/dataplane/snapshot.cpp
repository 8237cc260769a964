#include "dataplane/snapshot.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"

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
    auto cfg = std::make_shared<providers::ProviderConfig>();
    cfg->id = p.id;
    cfg->name = p.name;
    cfg->type = p.type;
    cfg->family = "openai";
    cfg->base_url = p.base_url;
    while (!cfg->base_url.empty() && cfg->base_url.back() == '/') {
      cfg->base_url.pop_back();
    }
    if (!p.api_key_sealed.empty()) {
      if (auto key = secrets_.open(p.api_key_sealed)) {
        cfg->api_key = std::move(*key);
      } else {
        GW_LOG_ERROR("provider key cannot be decrypted (SECRET_KEY changed?){}",
                     log::kv("provider", p.name));
      }
    }
    cfg->config = p.config;
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
    snap->models[m.name].push_back(std::move(e));
    ++snap->counts.models;
  }
  for (const auto& k : store_.keys().all()) {
    doc_keys.push_back(json::object{{"id", k.id}, {"hash", k.key_hash}, {"enabled", k.enabled},
                                    {"updated_at", k.updated_at}});
    KeyEntry e;
    e.id = k.id;
    e.name = k.name;
    e.enabled = k.enabled;
    for (const auto& m : k.allowed_models) {
      if (m.is_string()) {
        e.allowed_models.insert(std::string(m.get_string()));
      }
    }
    e.provider_id = k.provider_id;
    e.routing_config_id = k.routing_config_id;
    e.rpm_limit = k.rpm_limit;
    e.tpm_limit = k.tpm_limit;
    e.max_concurrency = k.max_concurrency;
    e.budget_usd = k.budget_usd;
    e.budget_period = k.budget_period.value_or("");
    if (k.expires_at) {
      std::chrono::system_clock::time_point t;
      if (parseRfc3339(*k.expires_at, t)) {
        e.expires_at = t;
      }
    }
    for (const auto& ip : k.allowed_ips) {
      if (ip.is_string()) {
        e.allowed_ips.emplace_back(ip.get_string());
      }
    }
    e.allow_config_header = k.allow_config_header;
    if (e.enabled) {
      ++snap->counts.virtual_keys;
    }
    snap->keys.emplace(k.key_hash, std::move(e));
  }
  for (const auto& r : store_.routingConfigs().all()) {
    doc_routes.push_back(json::object{{"id", r.id}, {"name", r.name}, {"config", r.config},
                                      {"enabled", r.enabled}});
    if (!r.enabled) {
      continue;
    }
    snap->routing_configs[r.id] = r.config;
    if (r.virtual_model && !r.virtual_model->empty()) {
      snap->virtual_models[*r.virtual_model] = r.id;
    }
  }
  snap->counts.providers = static_cast<std::int64_t>(snap->providers.size());
  snap->counts.routing_configs = static_cast<std::int64_t>(snap->routing_configs.size());
  doc["providers"] = std::move(doc_providers);
  doc["models"] = std::move(doc_models);
  doc["keys"] = std::move(doc_keys);
  doc["routing_configs"] = std::move(doc_routes);
  snap->hash = crypto::sha256Hex(json::serialize(doc));

  SnapshotPtr published = std::move(snap);
  current_.store(published, std::memory_order_release);
  return published;
}

}  // namespace gw::dataplane
