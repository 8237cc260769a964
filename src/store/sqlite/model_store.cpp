#include "store/sqlite/sqlite_store.hpp"

namespace gw::store::sqlite {

namespace {

#define GW_MODEL_SELECT                                                                        \
  "SELECT m.id, m.provider_id, p.name, m.name, m.model_id, m.enabled, m.mode, "                \
  "m.context_window, m.max_output_tokens, m.input_price, m.output_price, m.cached_input_price, " \
  "m.capabilities, m.created_at, m.updated_at FROM models m JOIN providers p ON p.id = m.provider_id "
#define GW_MODEL_WHERE                                                                       \
  "WHERE (?1 = '' OR m.name LIKE ?2 ESCAPE '\\' OR m.model_id LIKE ?2 ESCAPE '\\') "          \
  "AND (?3 = '' OR m.provider_id = CAST(?3 AS INTEGER)) AND (?4 = '' OR m.mode = ?4) "        \
  "AND (?5 = '' OR json_extract(m.capabilities, '$.' || ?5) = 1) "                            \
  "AND (?6 = '' OR m.enabled = CAST(?6 AS INTEGER)) "

constexpr std::string_view kListPrefix = GW_MODEL_SELECT GW_MODEL_WHERE;
constexpr std::string_view kCount =
    "SELECT COUNT(*) FROM models m " GW_MODEL_WHERE;
constexpr std::string_view kAll = GW_MODEL_SELECT "ORDER BY m.id";
constexpr std::string_view kGet = GW_MODEL_SELECT "WHERE m.id = ?";
constexpr std::string_view kInsert =
    "INSERT INTO models (provider_id, name, model_id, enabled, mode, context_window, "
    "max_output_tokens, input_price, output_price, cached_input_price, capabilities, created_at, "
    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kInsertIgnore =
    "INSERT OR IGNORE INTO models (provider_id, name, model_id, enabled, mode, context_window, "
    "max_output_tokens, input_price, output_price, cached_input_price, capabilities, created_at, "
    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kUpdate =
    "UPDATE models SET provider_id = ?, name = ?, model_id = ?, enabled = ?, mode = ?, "
    "context_window = ?, max_output_tokens = ?, input_price = ?, output_price = ?, "
    "cached_input_price = ?, capabilities = ?, created_at = ?, updated_at = ? WHERE id = ?";
constexpr std::string_view kDelete = "DELETE FROM models WHERE id = ?";

#undef GW_MODEL_SELECT
#undef GW_MODEL_WHERE

ModelRow readRow(const Statement& st) {
  ModelRow r;
  r.id = st.int64(0);
  r.provider_id = st.int64(1);
  r.provider_name = st.text(2);
  r.name = st.text(3);
  r.model_id = st.text(4);
  r.enabled = st.int64(5) != 0;
  r.mode = st.text(6);
  r.context_window = st.optInt64(7);
  r.max_output_tokens = st.optInt64(8);
  r.input_price = st.optReal(9);
  r.output_price = st.optReal(10);
  r.cached_input_price = st.optReal(11);
  r.capabilities = parseObjectColumn(st.text(12));
  r.created_at = st.text(13);
  r.updated_at = st.text(14);
  return r;
}

/// Binds the 13 value columns shared by insert and update.
void bindValues(Statement& st, const ModelRow& r, const std::string& created,
                const std::string& updated) {
  st.bind(1, r.provider_id)
      .bind(2, r.name)
      .bind(3, r.model_id)
      .bind(4, r.enabled)
      .bind(5, r.mode)
      .bind(6, r.context_window)
      .bind(7, r.max_output_tokens)
      .bind(8, r.input_price)
      .bind(9, r.output_price)
      .bind(10, r.cached_input_price)
      .bind(11, json::serialize(r.capabilities))
      .bind(12, created)
      .bind(13, updated);
}

std::string filter(const ListQuery& q, const char* name) {
  auto it = q.filters.find(name);
  std::string v = it == q.filters.end() ? std::string() : it->second;
  if (v == "true") return "1";
  if (v == "false") return "0";
  return v;
}

std::string capabilityFilter(const ListQuery& q) {
  const std::string cap = filter(q, "capability");
  for (const char* known : {"tools", "vision", "json_mode", "reasoning"}) {
    if (cap == known) {
      return cap;
    }
  }
  return {};
}

void bindFilters(Statement& st, const ListQuery& q) {
  st.bind(1, q.q)
      .bind(2, likePattern(q.q))
      .bind(3, filter(q, "provider_id"))
      .bind(4, filter(q, "mode"))
      .bind(5, capabilityFilter(q))
      .bind(6, filter(q, "enabled"));
}

class SqliteModelStore final : public ModelStore {
public:
  explicit SqliteModelStore(Database& db) : db_(db) {}

  Page<ModelRow> list(const ListQuery& q) override {
    auto lock = db_.lock();
    const auto [limit, offset] = limitOffset(q);
    std::string order = "m.id";
    if (q.sort == "name") order = "m.name";
    else if (q.sort == "provider") order = "p.name";
    else if (q.sort == "input_price") order = "m.input_price";
    else if (q.sort == "output_price") order = "m.output_price";
    else if (q.sort == "created_at") order = "m.created_at";
    std::string sql(kListPrefix);
    sql += "ORDER BY " + order + (q.descending ? " DESC" : " ASC") + ", m.id LIMIT ?7 OFFSET ?8";
    Page<ModelRow> page;
    auto st = db_.prepare(sql);
    bindFilters(st, q);
    st.bind(7, limit).bind(8, offset);
    while (st.step()) {
      page.rows.push_back(readRow(st));
    }
    auto c = db_.prepare(kCount);
    bindFilters(c, q);
    c.step();
    page.total = c.int64(0);
    return page;
  }

  std::vector<ModelRow> all() override {
    auto lock = db_.lock();
    auto st = db_.prepare(kAll);
    return readRows(st, readRow);
  }

  std::optional<ModelRow> get(std::int64_t id) override {
    auto lock = db_.lock();
    return readById(db_, kGet, id, readRow);
  }

  ModelRow create(const ModelRow& row) override {
    auto lock = db_.lock();
    const std::string now = nowText();
    auto st = db_.prepare(kInsert);
    bindValues(st, row, now, now);
    st.run();
    return readBack(db_, kGet, db_.lastInsertId(), readRow, "model");
  }

  ModelRow update(const ModelRow& row) override {
    auto lock = db_.lock();
    auto st = db_.prepare(kUpdate);
    bindValues(st, row, row.created_at, nowText());
    st.bind(14, row.id);
    st.run();
    return readBack(db_, kGet, row.id, readRow, "model");
  }

  bool remove(std::int64_t id) override { return deleteById(db_, kDelete, id); }

  int createMany(const std::vector<ModelRow>& rows) override {
    auto lock = db_.lock();
    Transaction tx(db_);
    const std::string now = nowText();
    int created = 0;
    auto st = db_.prepare(kInsertIgnore);
    for (const auto& r : rows) {
      st.reset();
      bindValues(st, r, now, now);
      st.run();
      created += db_.changes();
    }
    tx.commit();
    return created;
  }

private:
  Database& db_;
};

}  // namespace

std::unique_ptr<ModelStore> makeModelStore(Database& db) {
  return std::make_unique<SqliteModelStore>(db);
}

}  // namespace gw::store::sqlite
