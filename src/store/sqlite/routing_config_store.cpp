#include "store/sqlite/sqlite_store.hpp"

namespace gw::store::sqlite {

namespace {

#define GW_RC_SELECT                                                                         \
  "SELECT id, name, description, virtual_model, enabled, config, created_at, updated_at "    \
  "FROM routing_configs "

constexpr std::string_view kList =
    GW_RC_SELECT "WHERE (?1 = '' OR name LIKE ?2 ESCAPE '\\' OR virtual_model LIKE ?2 ESCAPE '\\') "
                 "ORDER BY id LIMIT ?3 OFFSET ?4";
constexpr std::string_view kCount =
    "SELECT COUNT(*) FROM routing_configs "
    "WHERE (?1 = '' OR name LIKE ?2 ESCAPE '\\' OR virtual_model LIKE ?2 ESCAPE '\\')";
constexpr std::string_view kAll = GW_RC_SELECT "ORDER BY id";
constexpr std::string_view kGet = GW_RC_SELECT "WHERE id = ?";
constexpr std::string_view kInsert =
    "INSERT INTO routing_configs (name, description, virtual_model, enabled, config, created_at, "
    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kUpdate =
    "UPDATE routing_configs SET name = ?, description = ?, virtual_model = ?, enabled = ?, "
    "config = ?, created_at = ?, updated_at = ? WHERE id = ?";
constexpr std::string_view kDelete = "DELETE FROM routing_configs WHERE id = ?";

#undef GW_RC_SELECT

RoutingConfigRow readRow(const Statement& st) {
  RoutingConfigRow r;
  r.id = st.int64(0);
  r.name = st.text(1);
  r.description = st.text(2);
  r.virtual_model = st.optText(3);
  r.enabled = st.int64(4) != 0;
  boost::system::error_code ec;
  r.config = json::parse(st.text(5), ec);
  r.created_at = st.text(6);
  r.updated_at = st.text(7);
  return r;
}

void bindValues(Statement& st, const RoutingConfigRow& r, const std::string& created,
                const std::string& updated) {
  st.bind(1, r.name)
      .bind(2, r.description)
      .bind(3, r.virtual_model)
      .bind(4, r.enabled)
      .bind(5, json::serialize(r.config))
      .bind(6, created)
      .bind(7, updated);
}

class SqliteRoutingConfigStore final : public RoutingConfigStore {
public:
  explicit SqliteRoutingConfigStore(Database& db) : db_(db) {}

  Page<RoutingConfigRow> list(const ListQuery& q) override {
    return searchPage(db_, kList, kCount, q, readRow);
  }

  std::vector<RoutingConfigRow> all() override {
    auto lock = db_.lock();
    auto st = db_.prepare(kAll);
    return readRows(st, readRow);
  }

  std::optional<RoutingConfigRow> get(std::int64_t id) override {
    auto lock = db_.lock();
    return readById(db_, kGet, id, readRow);
  }

  RoutingConfigRow create(const RoutingConfigRow& row) override {
    auto lock = db_.lock();
    const std::string now = nowText();
    auto st = db_.prepare(kInsert);
    bindValues(st, row, now, now);
    st.run();
    return readBack(db_, kGet, db_.lastInsertId(), readRow, "routing config");
  }

  RoutingConfigRow update(const RoutingConfigRow& row) override {
    auto lock = db_.lock();
    auto st = db_.prepare(kUpdate);
    bindValues(st, row, row.created_at, nowText());
    st.bind(8, row.id);
    st.run();
    return readBack(db_, kGet, row.id, readRow, "routing config");
  }

  bool remove(std::int64_t id) override { return deleteById(db_, kDelete, id); }

private:
  Database& db_;
};

class SqliteSettingsStore final : public SettingsStore {
public:
  explicit SqliteSettingsStore(Database& db) : db_(db) {}
  std::optional<std::string> get(const std::string& key) override {
    auto lock = db_.lock();
    auto st = db_.prepare("SELECT value FROM settings WHERE key = ?");
    st.bind(1, key);
    return st.step() ? std::optional(st.text(0)) : std::nullopt;
  }
  void set(const std::string& key, const std::string& value) override {
    auto lock = db_.lock();
    db_.prepare(
           "INSERT INTO settings (key, value) VALUES (?, ?) "
           "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(1, key)
        .bind(2, value)
        .run();
  }

private:
  Database& db_;
};

}  // namespace

std::unique_ptr<RoutingConfigStore> makeRoutingConfigStore(Database& db) {
  return std::make_unique<SqliteRoutingConfigStore>(db);
}

std::unique_ptr<SettingsStore> makeSettingsStore(Database& db) {
  return std::make_unique<SqliteSettingsStore>(db);
}

}  // namespace gw::store::sqlite
