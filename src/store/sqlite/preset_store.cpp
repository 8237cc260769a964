#include "store/sqlite/preset_store.hpp"

#include "core/clock.hpp"

namespace gw::store::sqlite {

namespace {

constexpr std::string_view kDeleteAll = "DELETE FROM presets";
constexpr std::string_view kInsert =
    "INSERT INTO presets (name, provider, mode, max_input_tokens, max_output_tokens, "
    "input_price, output_price, cached_input_price, supports_tools, supports_vision, "
    "supports_json_mode, supports_reasoning) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(name) DO NOTHING";
constexpr std::string_view kSelectAll =
    "SELECT name, provider, mode, max_input_tokens, max_output_tokens, input_price, "
    "output_price, cached_input_price, supports_tools, supports_vision, supports_json_mode, "
    "supports_reasoning FROM presets ORDER BY name";
constexpr std::string_view kRecordUpdated =
    "UPDATE preset_sync SET source = ?, etag = ?, last_modified = ?, last_sync_at = ?, "
    "last_success_at = ?, updated_at = ?, last_result = 'updated', last_error = '' WHERE id = 1";
constexpr std::string_view kRecordNotModified =
    "UPDATE preset_sync SET last_sync_at = ?, last_success_at = ?, "
    "last_result = 'not_modified', last_error = '' WHERE id = 1";
constexpr std::string_view kRecordFailure =
    "UPDATE preset_sync SET last_sync_at = ?, last_result = 'failed', last_error = ?, "
    "source = CASE WHEN source = '' THEN ? ELSE source END WHERE id = 1";
constexpr std::string_view kSelectStatus =
    "SELECT (SELECT COUNT(*) FROM presets), last_sync_at, last_success_at, updated_at, "
    "last_result, last_error, source, etag, last_modified FROM preset_sync WHERE id = 1";

Error storeFailure(const StoreError& e) {
  Error err;
  err.code = ErrorCode::ServiceUnavailable;
  err.message = std::string("preset store: ") + e.what();
  return err;
}

}  // namespace

Result<void> SqlitePresetStore::replaceAll(const std::vector<presets::Preset>& presets,
                                           const PresetSyncMeta& meta,
                                           std::chrono::system_clock::time_point now) {
  try {
    auto guard = db_.lock();
    Transaction tx(db_);
    db_.prepare(kDeleteAll).run();
    auto ins = db_.prepare(kInsert);
    for (const auto& p : presets) {
      ins.bind(1, p.name)
          .bind(2, p.provider)
          .bind(3, p.mode)
          .bind(4, p.max_input_tokens)
          .bind(5, p.max_output_tokens)
          .bind(6, p.input_price)
          .bind(7, p.output_price)
          .bind(8, p.cached_input_price)
          .bind(9, p.capabilities.tools)
          .bind(10, p.capabilities.vision)
          .bind(11, p.capabilities.json_mode)
          .bind(12, p.capabilities.reasoning);
      ins.run();
      ins.reset();
    }
    const std::string at = formatRfc3339(now);
    db_.prepare(kRecordUpdated)
        .bind(1, meta.source)
        .bind(2, meta.etag)
        .bind(3, meta.last_modified)
        .bind(4, at)
        .bind(5, at)
        .bind(6, at)
        .run();
    tx.commit();
    return {};
  } catch (const StoreError& e) {
    return storeFailure(e);
  }
}

Result<std::vector<presets::Preset>> SqlitePresetStore::loadAll() {
  try {
    auto guard = db_.lock();
    auto st = db_.prepare(kSelectAll);
    std::vector<presets::Preset> out;
    while (st.step()) {
      presets::Preset p;
      p.name = st.text(0);
      p.provider = st.text(1);
      p.mode = st.text(2);
      p.max_input_tokens = st.optInt64(3);
      p.max_output_tokens = st.optInt64(4);
      p.input_price = st.optReal(5);
      p.output_price = st.optReal(6);
      p.cached_input_price = st.optReal(7);
      p.capabilities.tools = st.int64(8) != 0;
      p.capabilities.vision = st.int64(9) != 0;
      p.capabilities.json_mode = st.int64(10) != 0;
      p.capabilities.reasoning = st.int64(11) != 0;
      out.push_back(std::move(p));
    }
    return out;
  } catch (const StoreError& e) {
    return storeFailure(e);
  }
}

Result<PresetStatus> SqlitePresetStore::status() {
  try {
    auto guard = db_.lock();
    auto st = db_.prepare(kSelectStatus);
    PresetStatus s;
    if (st.step()) {
      s.count = st.int64(0);
      s.last_sync_at = st.optText(1);
      s.last_success_at = st.optText(2);
      s.updated_at = st.optText(3);
      s.last_result = st.text(4);
      s.last_error = st.text(5);
      s.source = st.text(6);
      s.etag = st.text(7);
      s.last_modified = st.text(8);
    }
    return s;
  } catch (const StoreError& e) {
    return storeFailure(e);
  }
}

Result<void> SqlitePresetStore::recordNotModified(std::chrono::system_clock::time_point now) {
  try {
    auto guard = db_.lock();
    const std::string at = formatRfc3339(now);
    db_.prepare(kRecordNotModified).bind(1, at).bind(2, at).run();
    return {};
  } catch (const StoreError& e) {
    return storeFailure(e);
  }
}

Result<void> SqlitePresetStore::recordFailure(std::string_view source, std::string_view error,
                                              std::chrono::system_clock::time_point now) {
  try {
    auto guard = db_.lock();
    db_.prepare(kRecordFailure).bind(1, formatRfc3339(now)).bind(2, error).bind(3, source).run();
    return {};
  } catch (const StoreError& e) {
    return storeFailure(e);
  }
}

}  // namespace gw::store::sqlite
