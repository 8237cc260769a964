#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "store/migrations/migrations.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gw::store::sqlite {
namespace {

namespace fs = std::filesystem;

class MigrationsTest : public ::testing::Test {
protected:
  MigrationsTest()
      : dir_(fs::temp_directory_path() /
             ("gw-migrations-" + std::to_string(::getpid()) + "-" +
              std::to_string(std::random_device{}()))) {}
  ~MigrationsTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string dbPath() const { return (dir_ / "nested" / "gateway.db").string(); }

  static std::int64_t scalar(Database& db, std::string_view sql) {
    auto lock = db.lock();
    auto st = db.prepare(sql);
    EXPECT_TRUE(st.step()) << sql;
    return st.int64(0);
  }
  static std::string text(Database& db, std::string_view sql) {
    auto lock = db.lock();
    auto st = db.prepare(sql);
    EXPECT_TRUE(st.step()) << sql;
    return st.text(0);
  }

  fs::path dir_;
};

TEST_F(MigrationsTest, VersionsAreOrderedAndUnique) {
  int last = 0;
  for (const auto& m : migrations()) {
    EXPECT_GT(m.version, last) << m.name;
    EXPECT_FALSE(m.sql.empty()) << m.name;
    last = m.version;
  }
  EXPECT_GE(last, 1);
}

TEST_F(MigrationsTest, OpenCreatesDirectoriesAndAppliesEveryMigration) {
  auto db = Database::open(dbPath());
  EXPECT_TRUE(fs::exists(dbPath()));
  const int latest = migrations().back().version;
  {
    auto lock = db->lock();
    EXPECT_EQ(db->schemaVersion(), latest);
  }
  EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM schema_migrations"),
            static_cast<std::int64_t>(migrations().size()));
}

TEST_F(MigrationsTest, SecondOpenOfTheSameFileAppliesNothingAndKeepsData) {
  {
    auto store = openSqliteStore(dbPath());
    UserRow u;
    u.username = "admin";
    u.password_hash = "h";
    u.role = "admin";
    store->users().create(u);
    EXPECT_TRUE(store->ready());
  }
  auto db = Database::open(dbPath());  // would fail on CREATE TABLE if re-applied
  EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM schema_migrations"),
            static_cast<std::int64_t>(migrations().size()));
  EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM users"), 1);
  auto again = openSqliteStore(dbPath());  // two connections at once also work
  EXPECT_EQ(again->users().count(), 1);
}

/// Names of the indexes on request_logs that migrations created (not automatic ones).
std::vector<std::string> requestLogIndexes(Database& db) {
  auto lock = db.lock();
  auto st = db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'request_logs' "
      "AND sql IS NOT NULL ORDER BY name");
  std::vector<std::string> out;
  while (st.step()) {
    out.push_back(st.text(0));
  }
  return out;
}

TEST_F(MigrationsTest, RequestLogsKeepOnlyTheTimeAndKeyIndexes) {
  const std::vector<std::string> kept{"request_logs_key_ts", "request_logs_ts"};
  auto db = Database::open(dbPath());
  EXPECT_EQ(requestLogIndexes(*db), kept);
  // A database at version 4 (with the three indexes) loses them on its next open.
  {
    auto lock = db->lock();
    db->exec(
        "CREATE INDEX request_logs_model_ts ON request_logs(model, ts_ms);"
        "CREATE INDEX request_logs_provider_ts ON request_logs(provider_id, ts_ms);"
        "CREATE INDEX request_logs_agent_ts ON request_logs(agent, ts_ms);"
        "DELETE FROM schema_migrations WHERE version = 5;");
  }
  EXPECT_EQ(requestLogIndexes(*db).size(), 5u);
  db.reset();
  db = Database::open(dbPath());
  EXPECT_EQ(requestLogIndexes(*db), kept);
  EXPECT_EQ(scalar(*db, "SELECT name = 'request_logs_indexes' FROM schema_migrations "
                        "WHERE version = 5"),
            1);
}

TEST_F(MigrationsTest, WalModeAndForeignKeysAreOn) {
  auto db = Database::open(dbPath());
  EXPECT_EQ(text(*db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(scalar(*db, "PRAGMA foreign_keys"), 1);
  EXPECT_GT(scalar(*db, "PRAGMA busy_timeout"), 0);
}

TEST_F(MigrationsTest, StoreReportsSizeAndReadiness) {
  auto store = openSqliteStore(dbPath());
  EXPECT_TRUE(store->ready());
  EXPECT_GT(store->sizeBytes(), 0);
}

TEST_F(MigrationsTest, TransactionRollsBackUnlessCommitted) {
  auto db = Database::open(":memory:");
  {
    auto lock = db->lock();
    Transaction tx(*db);
    db->exec("INSERT INTO settings (key, value) VALUES ('a', '1')");
  }
  EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM settings"), 0);
  {
    auto lock = db->lock();
    Transaction tx(*db);
    db->exec("INSERT INTO settings (key, value) VALUES ('a', '1')");
    tx.commit();
  }
  EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM settings"), 1);
}

TEST_F(MigrationsTest, BadSqlThrowsAStoreErrorThatIsNotAConstraint) {
  auto db = Database::open(":memory:");
  auto lock = db->lock();
  try {
    db->exec("SELECT * FROM no_such_table");
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_FALSE(e.constraint());
    EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos);
  }
}

TEST_F(MigrationsTest, OpeningAnUnwritablePathThrows) {
  fs::create_directories(dir_);
  const auto file = dir_ / "plain-file";
  { std::ofstream(file) << "x"; }
  EXPECT_THROW(Database::open((file / "sub" / "db.sqlite").string()), StoreError);
}

}  // namespace
}  // namespace gw::store::sqlite
