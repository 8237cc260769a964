#include "store/sqlite/sqlite_store.hpp"

namespace gw::store::sqlite {

namespace {

#define GW_AGENT_SELECT                                                                         \
  "SELECT id, name, region, description, kind, endpoint, enabled, rules, priority, key_hash, " \
  "key_prefix, last_seen_at, latency_ms, agent_version, config_version, remote_addr, stats, "  \
  "created_at, updated_at FROM agents "
#define GW_AGENT_WHERE                                                                          \
  "WHERE (?1 = '' OR name LIKE ?2 ESCAPE '\\' OR region LIKE ?2 ESCAPE '\\' "                   \
  "OR description LIKE ?2 ESCAPE '\\') AND (?3 = '' OR enabled = CAST(?3 AS INTEGER)) "         \
  "AND (?4 = '' OR region = ?4) "

constexpr std::string_view kList =
    GW_AGENT_SELECT GW_AGENT_WHERE "ORDER BY priority, id LIMIT ?5 OFFSET ?6";
constexpr std::string_view kCount = "SELECT COUNT(*) FROM agents " GW_AGENT_WHERE;
constexpr std::string_view kAll = GW_AGENT_SELECT "ORDER BY priority, id";
constexpr std::string_view kGet = GW_AGENT_SELECT "WHERE id = ?";
constexpr std::string_view kByHash = GW_AGENT_SELECT "WHERE key_hash = ?";
constexpr std::string_view kInsert =
    "INSERT INTO agents (name, region, description, kind, endpoint, enabled, rules, priority, "
    "key_hash, key_prefix, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kUpdate =
    "UPDATE agents SET name = ?, region = ?, description = ?, kind = ?, endpoint = ?, "
    "enabled = ?, rules = ?, priority = ?, key_hash = ?, key_prefix = ?, created_at = ?, "
    "updated_at = ? WHERE id = ?";
constexpr std::string_view kHeartbeat =
    "UPDATE agents SET last_seen_at = ?1, remote_addr = ?2, agent_version = ?3, "
    "config_version = ?4, latency_ms = COALESCE(?5, latency_ms), stats = ?6 WHERE id = ?7";
constexpr std::string_view kProbe =
    "UPDATE agents SET latency_ms = ?1, last_seen_at = ?2 WHERE id = ?3";
constexpr std::string_view kDelete = "DELETE FROM agents WHERE id = ?";

#undef GW_AGENT_SELECT
#undef GW_AGENT_WHERE

AgentRow readRow(const Statement& st) {
  AgentRow r;
  r.id = st.int64(0);
  r.name = st.text(1);
  r.region = st.text(2);
  r.description = st.text(3);
  r.kind = st.text(4);
  r.endpoint = st.optText(5);
  r.enabled = st.int64(6) != 0;
  r.rules = parseObjectColumn(st.text(7));
  r.priority = st.int64(8);
  r.key_hash = st.text(9);
  r.key_prefix = st.text(10);
  r.last_seen_at = st.optText(11);
  r.latency_ms = st.optReal(12);
  r.agent_version = st.optText(13);
  r.config_version = st.optInt64(14);
  r.remote_addr = st.optText(15);
  if (auto stats = st.optText(16)) {
    r.stats = parseObjectColumn(*stats);
  }
  r.created_at = st.text(17);
  r.updated_at = st.text(18);
  return r;
}

/// Binds the 12 admin columns shared by insert and update.
void bindValues(Statement& st, const AgentRow& r, const std::string& created,
                const std::string& updated) {
  st.bind(1, r.name)
      .bind(2, r.region)
      .bind(3, r.description)
      .bind(4, r.kind)
      .bind(5, r.endpoint)
      .bind(6, r.enabled)
      .bind(7, json::serialize(r.rules))
      .bind(8, r.priority)
      .bind(9, r.key_hash)
      .bind(10, r.key_prefix)
      .bind(11, created)
      .bind(12, updated);
}

std::string filter(const ListQuery& q, const char* name) {
  auto it = q.filters.find(name);
  std::string v = it == q.filters.end() ? std::string() : it->second;
  if (v == "true") {
    return "1";
  }
  if (v == "false") {
    return "0";
  }
  return v;
}

class SqliteAgentStore final : public AgentStore {
public:
  explicit SqliteAgentStore(Database& db) : db_(db) {}

  Page<AgentRow> list(const ListQuery& q) override {
    auto lock = db_.lock();
    const auto [limit, offset] = limitOffset(q);
    const auto enabled = filter(q, "enabled");
    const auto region = filter(q, "region");
    Page<AgentRow> page;
    auto st = db_.prepare(kList);
    st.bind(1, q.q).bind(2, likePattern(q.q)).bind(3, enabled).bind(4, region);
    st.bind(5, limit).bind(6, offset);
    page.rows = readRows(st, readRow);
    auto c = db_.prepare(kCount);
    c.bind(1, q.q).bind(2, likePattern(q.q)).bind(3, enabled).bind(4, region);
    c.step();
    page.total = c.int64(0);
    return page;
  }

  std::vector<AgentRow> all() override {
    auto lock = db_.lock();
    auto st = db_.prepare(kAll);
    return readRows(st, readRow);
  }

  std::optional<AgentRow> get(std::int64_t id) override {
    auto lock = db_.lock();
    return readById(db_, kGet, id, readRow);
  }

  std::optional<AgentRow> findByKeyHash(const std::string& key_hash) override {
    auto lock = db_.lock();
    auto st = db_.prepare(kByHash);
    st.bind(1, key_hash);
    if (!st.step()) {
      return std::nullopt;
    }
    return readRow(st);
  }

  AgentRow create(const AgentRow& row) override {
    auto lock = db_.lock();
    const std::string now = nowText();
    auto st = db_.prepare(kInsert);
    bindValues(st, row, now, now);
    st.run();
    return readBack(db_, kGet, db_.lastInsertId(), readRow, "agent");
  }

  AgentRow update(const AgentRow& row) override {
    auto lock = db_.lock();
    auto st = db_.prepare(kUpdate);
    bindValues(st, row, row.created_at, nowText());
    st.bind(13, row.id);
    st.run();
    return readBack(db_, kGet, row.id, readRow, "agent");
  }

  bool remove(std::int64_t id) override { return deleteById(db_, kDelete, id); }

  bool recordHeartbeat(std::int64_t id, const AgentHeartbeat& beat) override {
    auto lock = db_.lock();
    auto st = db_.prepare(kHeartbeat);
    st.bind(1, beat.seen_at)
        .bind(2, beat.remote_addr)
        .bind(3, beat.agent_version)
        .bind(4, beat.config_version)
        .bind(5, beat.latency_ms)
        .bind(6, json::serialize(beat.stats))
        .bind(7, id);
    st.run();
    return db_.changes() > 0;
  }

  bool recordProbe(std::int64_t id, double latency_ms, const std::string& seen_at) override {
    auto lock = db_.lock();
    auto st = db_.prepare(kProbe);
    st.bind(1, latency_ms).bind(2, seen_at).bind(3, id);
    st.run();
    return db_.changes() > 0;
  }

private:
  Database& db_;
};

}  // namespace

std::unique_ptr<AgentStore> makeAgentStore(Database& db) {
  return std::make_unique<SqliteAgentStore>(db);
}

}  // namespace gw::store::sqlite
