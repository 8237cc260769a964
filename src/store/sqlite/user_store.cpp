#include "store/sqlite/sqlite_store.hpp"

namespace gw::store::sqlite {

namespace {

constexpr std::string_view kCount = "SELECT COUNT(*) FROM users";
constexpr std::string_view kInsertIfEmpty =
    "INSERT INTO users (username, password_hash, role, created_at) "
    "SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM users)";
constexpr std::string_view kInsert =
    "INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)";
constexpr std::string_view kByName =
    "SELECT id, username, password_hash, role, created_at FROM users WHERE username = ?";
constexpr std::string_view kById =
    "SELECT id, username, password_hash, role, created_at FROM users WHERE id = ?";
constexpr std::string_view kList =
    "SELECT id, username, password_hash, role, created_at FROM users ORDER BY id";
constexpr std::string_view kSetPassword = "UPDATE users SET password_hash = ? WHERE id = ?";
constexpr std::string_view kAdminsOtherThan =
    "SELECT COUNT(*) FROM users WHERE role = 'admin' AND id <> ?";
constexpr std::string_view kDelete = "DELETE FROM users WHERE id = ?";

UserRow readRow(const Statement& st) {
  return UserRow{st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4)};
}

class SqliteUserStore final : public UserStore {
public:
  explicit SqliteUserStore(Database& db) : db_(db) {}

  std::int64_t count() override {
    auto lock = db_.lock();
    auto st = db_.prepare(kCount);
    st.step();
    return st.int64(0);
  }

  std::optional<UserRow> createFirst(const UserRow& row) override {
    auto lock = db_.lock();
    Transaction tx(db_);
    UserRow out = row;
    out.created_at = nowText();
    db_.prepare(kInsertIfEmpty)
        .bind(1, row.username)
        .bind(2, row.password_hash)
        .bind(3, row.role)
        .bind(4, out.created_at)
        .run();
    if (db_.changes() == 0) {
      return std::nullopt;
    }
    out.id = db_.lastInsertId();
    tx.commit();
    return out;
  }

  UserRow create(const UserRow& row) override {
    auto lock = db_.lock();
    UserRow out = row;
    out.created_at = nowText();
    db_.prepare(kInsert)
        .bind(1, row.username)
        .bind(2, row.password_hash)
        .bind(3, row.role)
        .bind(4, out.created_at)
        .run();
    out.id = db_.lastInsertId();
    return out;
  }

  std::optional<UserRow> findByName(const std::string& username) override {
    auto lock = db_.lock();
    auto st = db_.prepare(kByName);
    st.bind(1, username);
    return st.step() ? std::optional(readRow(st)) : std::nullopt;
  }

  std::optional<UserRow> findById(std::int64_t id) override {
    auto lock = db_.lock();
    auto st = db_.prepare(kById);
    st.bind(1, id);
    return st.step() ? std::optional(readRow(st)) : std::nullopt;
  }

  std::vector<UserRow> list() override {
    auto lock = db_.lock();
    auto st = db_.prepare(kList);
    std::vector<UserRow> out;
    while (st.step()) {
      out.push_back(readRow(st));
    }
    return out;
  }

  void setPassword(std::int64_t id, const std::string& hash) override {
    auto lock = db_.lock();
    db_.prepare(kSetPassword).bind(1, hash).bind(2, id).run();
  }

  bool removeUnlessLastAdmin(std::int64_t id) override {
    auto lock = db_.lock();
    Transaction tx(db_);
    auto st = db_.prepare(kAdminsOtherThan);
    st.bind(1, id);
    st.step();
    const bool others = st.int64(0) > 0;
    auto who = db_.prepare(kById);
    who.bind(1, id);
    if (!who.step()) {
      throw StoreError("user not found", false);
    }
    if (who.text(3) == "admin" && !others) {
      return false;
    }
    db_.prepare(kDelete).bind(1, id).run();
    tx.commit();
    return true;
  }

private:
  Database& db_;
};

}  // namespace

std::unique_ptr<UserStore> makeUserStore(Database& db) {
  return std::make_unique<SqliteUserStore>(db);
}

}  // namespace gw::store::sqlite
