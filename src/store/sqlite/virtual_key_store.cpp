#include "store/sqlite/sqlite_store.hpp"

namespace gw::store::sqlite {

namespace {

#define GW_KEY_SELECT                                                                        \
  "SELECT id, name, key_hash, key_prefix, enabled, allowed_models, provider_id, "            \
  "routing_config_id, rpm_limit, tpm_limit, max_concurrency, budget_usd, budget_period, "    \
  "expires_at, allowed_ips, allow_config_header, created_at, updated_at FROM virtual_keys "

constexpr std::string_view kList =
    GW_KEY_SELECT "WHERE (?1 = '' OR name LIKE ?2 ESCAPE '\\' OR key_prefix LIKE ?2 ESCAPE '\\') "
                  "ORDER BY id LIMIT ?3 OFFSET ?4";
constexpr std::string_view kCount =
    "SELECT COUNT(*) FROM virtual_keys "
    "WHERE (?1 = '' OR name LIKE ?2 ESCAPE '\\' OR key_prefix LIKE ?2 ESCAPE '\\')";
constexpr std::string_view kAll = GW_KEY_SELECT "ORDER BY id";
constexpr std::string_view kGet = GW_KEY_SELECT "WHERE id = ?";
constexpr std::string_view kHashExists = "SELECT 1 FROM virtual_keys WHERE key_hash = ?";
constexpr std::string_view kInsert =
    "INSERT INTO virtual_keys (name, key_hash, key_prefix, enabled, allowed_models, provider_id, "
    "routing_config_id, rpm_limit, tpm_limit, max_concurrency, budget_usd, budget_period, "
    "expires_at, allowed_ips, allow_config_header, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kUpdate =
    "UPDATE virtual_keys SET name = ?, key_hash = ?, key_prefix = ?, enabled = ?, "
    "allowed_models = ?, provider_id = ?, routing_config_id = ?, rpm_limit = ?, tpm_limit = ?, "
    "max_concurrency = ?, budget_usd = ?, budget_period = ?, expires_at = ?, allowed_ips = ?, "
    "allow_config_header = ?, created_at = ?, updated_at = ? WHERE id = ?";
constexpr std::string_view kDelete = "DELETE FROM virtual_keys WHERE id = ?";

#undef GW_KEY_SELECT

VirtualKeyRow readRow(const Statement& st) {
  VirtualKeyRow r;
  r.id = st.int64(0);
  r.name = st.text(1);
  r.key_hash = st.text(2);
  r.key_prefix = st.text(3);
  r.enabled = st.int64(4) != 0;
  r.allowed_models = parseArrayColumn(st.text(5));
  r.provider_id = st.optInt64(6);
  r.routing_config_id = st.optInt64(7);
  r.rpm_limit = st.optInt64(8);
  r.tpm_limit = st.optInt64(9);
  r.max_concurrency = st.optInt64(10);
  r.budget_usd = st.optReal(11);
  r.budget_period = st.optText(12);
  r.expires_at = st.optText(13);
  r.allowed_ips = parseArrayColumn(st.text(14));
  r.allow_config_header = st.int64(15) != 0;
  r.created_at = st.text(16);
  r.updated_at = st.text(17);
  return r;
}

void bindValues(Statement& st, const VirtualKeyRow& r, const std::string& created,
                const std::string& updated) {
  st.bind(1, r.name)
      .bind(2, r.key_hash)
      .bind(3, r.key_prefix)
      .bind(4, r.enabled)
      .bind(5, json::serialize(r.allowed_models))
      .bind(6, r.provider_id)
      .bind(7, r.routing_config_id)
      .bind(8, r.rpm_limit)
      .bind(9, r.tpm_limit)
      .bind(10, r.max_concurrency)
      .bind(11, r.budget_usd)
      .bind(12, r.budget_period)
      .bind(13, r.expires_at)
      .bind(14, json::serialize(r.allowed_ips))
      .bind(15, r.allow_config_header)
      .bind(16, created)
      .bind(17, updated);
}

class SqliteVirtualKeyStore final : public VirtualKeyStore {
public:
  explicit SqliteVirtualKeyStore(Database& db) : db_(db) {}

  Page<VirtualKeyRow> list(const ListQuery& q) override {
    return searchPage(db_, kList, kCount, q, readRow);
  }

  std::vector<VirtualKeyRow> all() override {
    auto lock = db_.lock();
    auto st = db_.prepare(kAll);
    return readRows(st, readRow);
  }

  std::optional<VirtualKeyRow> get(std::int64_t id) override {
    auto lock = db_.lock();
    return readById(db_, kGet, id, readRow);
  }

  bool hashExists(const std::string& key_hash) override {
    auto lock = db_.lock();
    auto st = db_.prepare(kHashExists);
    st.bind(1, key_hash);
    return st.step();
  }

  VirtualKeyRow create(const VirtualKeyRow& row) override {
    auto lock = db_.lock();
    const std::string now = nowText();
    auto st = db_.prepare(kInsert);
    bindValues(st, row, now, now);
    st.run();
    return readBack(db_, kGet, db_.lastInsertId(), readRow, "virtual key");
  }

  VirtualKeyRow update(const VirtualKeyRow& row) override {
    auto lock = db_.lock();
    auto st = db_.prepare(kUpdate);
    bindValues(st, row, row.created_at, nowText());
    st.bind(18, row.id);
    st.run();
    return readBack(db_, kGet, row.id, readRow, "virtual key");
  }

  bool remove(std::int64_t id) override { return deleteById(db_, kDelete, id); }

private:
  Database& db_;
};

}  // namespace

std::unique_ptr<VirtualKeyStore> makeVirtualKeyStore(Database& db) {
  return std::make_unique<SqliteVirtualKeyStore>(db);
}

}  // namespace gw::store::sqlite
