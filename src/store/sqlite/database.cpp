#include "store/sqlite/database.hpp"

#include <filesystem>

#include "store/migrations/migrations.hpp"

namespace gw::store::sqlite {

namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  const int code = sqlite3_extended_errcode(db);
  const bool constraint = (code & 0xFF) == SQLITE_CONSTRAINT;
  throw StoreError(std::string(what) + ": " + sqlite3_errmsg(db), constraint);
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK) {
    fail(db, "prepare");
  }
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bindView(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  fail(db_, "step");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Statement::rewind() { sqlite3_reset(stmt_); }

std::int64_t Statement::int64(int col) const { return sqlite3_column_int64(stmt_, col); }

double Statement::real(int col) const { return sqlite3_column_double(stmt_, col); }

std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}

bool Statement::isNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::optional<std::int64_t> Statement::optInt64(int col) const {
  return isNull(col) ? std::nullopt : std::optional(int64(col));
}

std::optional<double> Statement::optReal(int col) const {
  return isNull(col) ? std::nullopt : std::optional(real(col));
}

std::optional<std::string> Statement::optText(int col) const {
  return isNull(col) ? std::nullopt : std::optional(text(col));
}

std::unique_ptr<Database> Database::open(const std::string& path) {
  if (path != ":memory:") {
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(parent, ec);
    }
  }
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw StoreError("cannot open database " + path + ": " + msg, false);
  }
  std::unique_ptr<Database> out(new Database(db, path));
  sqlite3_busy_timeout(db, 5000);
  out->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  out->migrate();
  return out;
}

Database::~Database() {
  cached_.clear();  // sqlite3_close refuses to close with statements left unfinalized
  sqlite3_close(db_);
}

Statement& Database::cached(std::string_view sql) {
  auto it = cached_.find(sql);
  if (it == cached_.end()) {
    it = cached_.try_emplace(std::string(sql), db_, sql).first;
  }
  it->second.reset();  // a failed step leaves the statement halted until reset
  return it->second;
}

void Database::exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    const bool constraint = (sqlite3_extended_errcode(db_) & 0xFF) == SQLITE_CONSTRAINT;
    throw StoreError("exec: " + msg, constraint);
  }
}

int Database::schemaVersion() {
  auto st = prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  return st.step() ? static_cast<int>(st.int64(0)) : 0;
}

void Database::migrate() {
  auto guard = lock();
  exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))");
  const int current = schemaVersion();
  for (const auto& m : migrations()) {
    if (m.version <= current) {
      continue;
    }
    Transaction tx(*this);
    exec(m.sql);
    prepare("INSERT INTO schema_migrations (version, name) VALUES (?, ?)")
        .bind(1, m.version)
        .bind(2, m.name)
        .run();
    tx.commit();
  }
}

namespace {

/// Runs one cached statement without parameters or rows and rewinds it.
void runCached(Database& db, std::string_view sql) {
  auto& st = db.cached(sql);
  st.run();
  st.rewind();
}

}  // namespace

Transaction::Transaction(Database& db) : db_(db) { runCached(db_, "BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) {
    try {
      runCached(db_, "ROLLBACK");
    } catch (...) {
      // Nothing more to do: the connection stays usable for the next BEGIN.
    }
  }
}

void Transaction::commit() {
  runCached(db_, "COMMIT");
  done_ = true;
}

}  // namespace gw::store::sqlite
