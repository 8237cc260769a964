#include "store/sqlite/provider_transfer_store.hpp"

#include <map>

#include "core/clock.hpp"
#include "core/json.hpp"

namespace gw::store::sqlite {

namespace {

constexpr std::string_view kSelectProviders =
    "SELECT id, name, type, base_url, config, enabled FROM providers "
    "WHERE (? = 0 OR enabled = 1) ORDER BY name";
constexpr std::string_view kSelectModels =
    "SELECT m.provider_id, m.name, m.model_id, m.enabled, m.mode, m.context_window, "
    "m.max_output_tokens, m.input_price, m.output_price, m.cached_input_price, m.capabilities "
    "FROM models m JOIN providers p ON p.id = m.provider_id "
    "WHERE (? = 0 OR p.enabled = 1) ORDER BY m.provider_id, m.name";
constexpr std::string_view kNameExists = "SELECT 1 FROM providers WHERE name = ?";
constexpr std::string_view kInsertProvider =
    "INSERT INTO providers (name, type, base_url, api_key_sealed, api_key_hint, config, "
    "enabled, created_at, updated_at) VALUES (?, ?, ?, '', '', ?, 0, ?, ?)";
constexpr std::string_view kInsertModel =
    "INSERT INTO models (provider_id, name, model_id, enabled, mode, context_window, "
    "max_output_tokens, input_price, output_price, cached_input_price, capabilities, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

json::object parseObjectOrEmpty(const std::string& text) {
  auto v = parseJsonObject(text);
  return v ? std::move(*v) : json::object{};
}

Error storeFailure(const StoreError& e) {
  Error err;
  err.code = ErrorCode::ServiceUnavailable;
  err.message = std::string("provider transfer: ") + e.what();
  return err;
}

std::size_t insertProvider(Database& db, const presets::TransferProvider& p,
                           const std::string& at) {
  db.prepare(kInsertProvider)
      .bind(1, p.name)
      .bind(2, p.type)
      .bind(3, p.base_url)
      .bind(4, json::serialize(p.config))
      .bind(5, at)
      .bind(6, at)
      .run();
  const std::int64_t provider_id = db.lastInsertId();
  auto ins = db.prepare(kInsertModel);
  for (const auto& m : p.models) {
    ins.bind(1, provider_id)
        .bind(2, m.name)
        .bind(3, m.model_id)
        .bind(4, m.enabled)
        .bind(5, m.mode)
        .bind(6, m.context_window)
        .bind(7, m.max_output_tokens)
        .bind(8, m.input_price)
        .bind(9, m.output_price)
        .bind(10, m.cached_input_price)
        .bind(11, json::serialize(m.capabilities))
        .bind(12, at)
        .bind(13, at);
    ins.run();
    ins.reset();
  }
  return p.models.size();
}

}  // namespace

Result<std::vector<presets::TransferProvider>> loadProvidersForExport(Database& db,
                                                                      bool enabled_only) {
  try {
    auto guard = db.lock();
    std::vector<presets::TransferProvider> out;
    std::map<std::int64_t, std::size_t> by_id;
    auto ps = db.prepare(kSelectProviders);
    ps.bind(1, enabled_only);
    while (ps.step()) {
      presets::TransferProvider p;
      p.name = ps.text(1);
      p.type = ps.text(2);
      p.base_url = ps.text(3);
      p.config = parseObjectOrEmpty(ps.text(4));
      p.enabled = ps.int64(5) != 0;
      by_id[ps.int64(0)] = out.size();
      out.push_back(std::move(p));
    }
    auto ms = db.prepare(kSelectModels);
    ms.bind(1, enabled_only);
    while (ms.step()) {
      const auto it = by_id.find(ms.int64(0));
      if (it == by_id.end()) {
        continue;
      }
      presets::TransferModel m;
      m.name = ms.text(1);
      m.model_id = ms.text(2);
      m.enabled = ms.int64(3) != 0;
      m.mode = ms.text(4);
      m.context_window = ms.optInt64(5);
      m.max_output_tokens = ms.optInt64(6);
      m.input_price = ms.optReal(7);
      m.output_price = ms.optReal(8);
      m.cached_input_price = ms.optReal(9);
      m.capabilities = parseObjectOrEmpty(ms.text(10));
      out[it->second].models.push_back(std::move(m));
    }
    return out;
  } catch (const StoreError& e) {
    return storeFailure(e);
  }
}

Result<presets::ImportReport> applyImportPlan(Database& db, const presets::ImportPlan& plan,
                                              std::chrono::system_clock::time_point now) {
  try {
    auto guard = db.lock();
    Transaction tx(db);
    const std::string at = formatRfc3339(now);
    presets::ImportReport report;
    for (const auto& p : plan.providers) {
      auto exists = db.prepare(kNameExists);
      exists.bind(1, p.name);
      if (exists.step()) {
        ++report.skipped;
        report.details.push_back({p.name, "skipped", "a provider with this name exists", 0});
        continue;
      }
      db.exec("SAVEPOINT import_provider");
      try {
        const std::size_t models = insertProvider(db, p, at);
        db.exec("RELEASE import_provider");
        ++report.imported;
        report.details.push_back({p.name, "imported", "created disabled, without an API key",
                                  models});
      } catch (const StoreError& e) {
        db.exec("ROLLBACK TO import_provider");
        db.exec("RELEASE import_provider");
        ++report.failed;
        report.details.push_back({p.name, "failed", e.what(), 0});
      }
    }
    tx.commit();
    return report;
  } catch (const StoreError& e) {
    return storeFailure(e);
  }
}

}  // namespace gw::store::sqlite
