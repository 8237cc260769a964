#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

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

/// Steps `st` to the end, reading each row with `read(st)`.
template <class Reader>
auto readRows(Statement& st, Reader read) -> std::vector<decltype(read(st))> {
  std::vector<decltype(read(st))> out;
  while (st.step()) {
    out.push_back(read(st));
  }
  return out;
}

/// Runs `sql` with `id` bound to ?1 and reads the row, if any. The caller holds the lock.
template <class Reader>
auto readById(Database& db, std::string_view sql, std::int64_t id, Reader read)
    -> std::optional<decltype(read(std::declval<Statement&>()))> {
  auto st = db.prepare(sql);
  st.bind(1, id);
  if (!st.step()) {
    return std::nullopt;
  }
  return read(st);
}

/// Reads back the row an insert or update just wrote (by `id`, with `get_sql`); throws a
/// StoreError naming `what` when it is gone, e.g. deleted meanwhile. The caller holds the lock.
template <class Reader>
auto readBack(Database& db, std::string_view get_sql, std::int64_t id, Reader read,
              std::string_view what) -> decltype(read(std::declval<Statement&>())) {
  auto row = readById(db, get_sql, id, read);
  if (!row) {
    throw StoreError(std::string(what) + " " + std::to_string(id) + " not found", false);
  }
  return std::move(*row);
}

/// Locks, runs a `DELETE ... WHERE id = ?`, and says whether a row went.
bool deleteById(Database& db, std::string_view sql, std::int64_t id);

/// A page of a name search. `list_sql` binds ?1 the query, ?2 its LIKE pattern, ?3 LIMIT and
/// ?4 OFFSET; `count_sql` binds ?1 and ?2. Locks.
template <class Reader>
auto searchPage(Database& db, std::string_view list_sql, std::string_view count_sql,
                const ListQuery& q, Reader read)
    -> Page<decltype(read(std::declval<Statement&>()))> {
  auto lock = db.lock();
  const auto [limit, offset] = limitOffset(q);
  Page<decltype(read(std::declval<Statement&>()))> page;
  auto st = db.prepare(list_sql);
  st.bind(1, q.q).bind(2, likePattern(q.q)).bind(3, limit).bind(4, offset);
  page.rows = readRows(st, read);
  auto c = db.prepare(count_sql);
  c.bind(1, q.q).bind(2, likePattern(q.q));
  c.step();
  page.total = c.int64(0);
  return page;
}

std::unique_ptr<UserStore> makeUserStore(Database& db);
std::unique_ptr<ProviderStore> makeProviderStore(Database& db);
std::unique_ptr<ModelStore> makeModelStore(Database& db);
std::unique_ptr<VirtualKeyStore> makeVirtualKeyStore(Database& db);
std::unique_ptr<RoutingConfigStore> makeRoutingConfigStore(Database& db);
std::unique_ptr<SettingsStore> makeSettingsStore(Database& db);
std::unique_ptr<AgentStore> makeAgentStore(Database& db);

}  // namespace gw::store::sqlite
