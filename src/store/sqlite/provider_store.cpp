#include "store/sqlite/sqlite_store.hpp"

namespace gw::store::sqlite {

namespace {

#define GW_PROVIDER_COLUMNS                                                                  \
  "p.id, p.name, p.type, p.base_url, p.api_key_sealed, p.api_key_hint, p.config, p.enabled, " \
  "p.created_at, p.updated_at, (SELECT COUNT(*) FROM models m WHERE m.provider_id = p.id)"

constexpr std::string_view kList =
    "SELECT " GW_PROVIDER_COLUMNS " FROM providers p "
    "WHERE (?1 = '' OR p.name LIKE ?2 ESCAPE '\\' OR p.type LIKE ?2 ESCAPE '\\') "
    "AND (?3 = '' OR p.type = ?3) AND (?4 = '' OR p.enabled = CAST(?4 AS INTEGER)) "
    "ORDER BY p.id LIMIT ?5 OFFSET ?6";
constexpr std::string_view kCount =
    "SELECT COUNT(*) FROM providers p "
    "WHERE (?1 = '' OR p.name LIKE ?2 ESCAPE '\\' OR p.type LIKE ?2 ESCAPE '\\') "
    "AND (?3 = '' OR p.type = ?3) AND (?4 = '' OR p.enabled = CAST(?4 AS INTEGER))";
constexpr std::string_view kAll = "SELECT " GW_PROVIDER_COLUMNS " FROM providers p ORDER BY p.id";
constexpr std::string_view kGet = "SELECT " GW_PROVIDER_COLUMNS " FROM providers p WHERE p.id = ?";
constexpr std::string_view kByName =
    "SELECT " GW_PROVIDER_COLUMNS " FROM providers p WHERE p.name = ?";
constexpr std::string_view kInsert =
    "INSERT INTO providers (name, type, base_url, api_key_sealed, api_key_hint, config, enabled, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kUpdate =
    "UPDATE providers SET name = ?, type = ?, base_url = ?, api_key_sealed = ?, api_key_hint = ?, "
    "config = ?, enabled = ?, updated_at = ? WHERE id = ?";
constexpr std::string_view kDelete = "DELETE FROM providers WHERE id = ?";

#undef GW_PROVIDER_COLUMNS

ProviderRow readRow(const Statement& st) {
  ProviderRow r;
  r.id = st.int64(0);
  r.name = st.text(1);
  r.type = st.text(2);
  r.base_url = st.text(3);
  r.api_key_sealed = st.text(4);
  r.api_key_hint = st.text(5);
  r.config = parseObjectColumn(st.text(6));
  r.enabled = st.int64(7) != 0;
  r.created_at = st.text(8);
  r.updated_at = st.text(9);
  r.model_count = st.int64(10);
  return r;
}

std::string filter(const ListQuery& q, const char* name) {
  auto it = q.filters.find(name);
  return it == q.filters.end() ? std::string() : it->second;
}

class SqliteProviderStore final : public ProviderStore {
public:
  explicit SqliteProviderStore(Database& db) : db_(db) {}

  Page<ProviderRow> list(const ListQuery& q) override {
    auto lock = db_.lock();
    const auto [limit, offset] = limitOffset(q);
    std::string enabled = filter(q, "enabled");
    if (enabled == "true") enabled = "1";
    if (enabled == "false") enabled = "0";
    Page<ProviderRow> page;
    auto st = db_.prepare(kList);
    st.bind(1, q.q).bind(2, likePattern(q.q)).bind(3, filter(q, "type")).bind(4, enabled);
    st.bind(5, limit).bind(6, offset);
    while (st.step()) {
      page.rows.push_back(readRow(st));
    }
    auto c = db_.prepare(kCount);
    c.bind(1, q.q).bind(2, likePattern(q.q)).bind(3, filter(q, "type")).bind(4, enabled);
    c.step();
    page.total = c.int64(0);
    return page;
  }

  std::vector<ProviderRow> all() override {
    auto lock = db_.lock();
    auto st = db_.prepare(kAll);
    return readRows(st, readRow);
  }

  std::optional<ProviderRow> get(std::int64_t id) override {
    auto lock = db_.lock();
    return readById(db_, kGet, id, readRow);
  }

  std::optional<ProviderRow> findByName(const std::string& name) override {
    auto lock = db_.lock();
    auto st = db_.prepare(kByName);
    st.bind(1, name);
    return st.step() ? std::optional(readRow(st)) : std::nullopt;
  }

  ProviderRow create(const ProviderRow& row) override {
    auto lock = db_.lock();
    const std::string now = nowText();
    db_.prepare(kInsert)
        .bind(1, row.name)
        .bind(2, row.type)
        .bind(3, row.base_url)
        .bind(4, row.api_key_sealed)
        .bind(5, row.api_key_hint)
        .bind(6, json::serialize(row.config))
        .bind(7, row.enabled)
        .bind(8, now)
        .bind(9, now)
        .run();
    return readBack(db_, kGet, db_.lastInsertId(), readRow, "provider");
  }

  ProviderRow update(const ProviderRow& row) override {
    auto lock = db_.lock();
    db_.prepare(kUpdate)
        .bind(1, row.name)
        .bind(2, row.type)
        .bind(3, row.base_url)
        .bind(4, row.api_key_sealed)
        .bind(5, row.api_key_hint)
        .bind(6, json::serialize(row.config))
        .bind(7, row.enabled)
        .bind(8, nowText())
        .bind(9, row.id)
        .run();
    return readBack(db_, kGet, row.id, readRow, "provider");
  }

  bool remove(std::int64_t id) override { return deleteById(db_, kDelete, id); }

private:
  Database& db_;
};

}  // namespace

std::unique_ptr<ProviderStore> makeProviderStore(Database& db) {
  return std::make_unique<SqliteProviderStore>(db);
}

}  // namespace gw::store::sqlite
