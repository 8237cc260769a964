#pragma once

#include <memory>
#include <string>

#include "store/sqlite/database.hpp"
#include "store/store.hpp"

namespace gw::store::sqlite {

/// The SQLite back end of Store. Owns the Database.
std::unique_ptr<Store> openSqliteStore(const std::string& path);

/// The Database under a Store made by openSqliteStore (for the SQLite-only stores: request
/// logs, presets, provider transfer). Throws std::bad_cast for another back end.
Database& databaseOf(Store& store);

/// Shared helpers for the per-resource files.
std::string nowText();
json::object parseObjectColumn(const std::string& text);
json::array parseArrayColumn(const std::string& text);
/// Clamps paging; returns LIMIT and OFFSET.
std::pair<int, int> limitOffset(const ListQuery& q);
/// "%q%" for LIKE with escapes for % and _.
std::string likePattern(const std::string& q);

std::unique_ptr<UserStore> makeUserStore(Database& db);
std::unique_ptr<ProviderStore> makeProviderStore(Database& db);
std::unique_ptr<ModelStore> makeModelStore(Database& db);
std::unique_ptr<VirtualKeyStore> makeVirtualKeyStore(Database& db);
std::unique_ptr<RoutingConfigStore> makeRoutingConfigStore(Database& db);
std::unique_ptr<SettingsStore> makeSettingsStore(Database& db);

}  // namespace gw::store::sqlite
