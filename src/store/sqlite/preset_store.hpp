#pragma once

#include "store/preset_store.hpp"
#include "store/sqlite/database.hpp"

namespace gw::store::sqlite {

/// PresetStore on SQLite (tables `presets` and `preset_sync`, migration 0003).
/// Borrows `db`, which must outlive the store.
/// @par Thread Safety
/// Each call takes Database::lock(); blocking, for the blocking pool only.
class SqlitePresetStore final : public PresetStore {
public:
  explicit SqlitePresetStore(Database& db) : db_(db) {}

  Result<void> replaceAll(const std::vector<presets::Preset>& presets, const PresetSyncMeta& meta,
                          std::chrono::system_clock::time_point now) override;
  Result<std::vector<presets::Preset>> loadAll() override;
  Result<PresetStatus> status() override;
  Result<void> recordNotModified(std::chrono::system_clock::time_point now) override;
  Result<void> recordFailure(std::string_view source, std::string_view error,
                             std::chrono::system_clock::time_point now) override;

private:
  Database& db_;
};

}  // namespace gw::store::sqlite
