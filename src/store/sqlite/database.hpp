#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gw::store::sqlite {

/// A prepared statement. Values are always bound parameters (1-based), never formatted
/// into SQL. Move-only; finalizes on destruction.
class Statement {
public:
  Statement(sqlite3* db, std::string_view sql);
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, bool value) { return bind(index, std::int64_t{value ? 1 : 0}); }
  Statement& bindNull(int index);
  /// Binds text without copying it: `value` must stay alive and unchanged until the statement
  /// is stepped for the last time with it (before it is rebound, rewound past or reset).
  Statement& bindView(int index, std::string_view value);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bindNull(index);
  }

  /// Advances; true when a row is available. Throws StoreError on failure.
  bool step();
  /// Runs to completion (for statements without rows).
  void run();
  /// Rewinds to run again and clears every bound value.
  void reset();
  /// Rewinds to run again, keeping the bound values: for a loop that binds every parameter
  /// before each run (cheaper than reset(), which frees them all first).
  void rewind();

  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  bool isNull(int col) const;
  std::optional<std::int64_t> optInt64(int col) const;
  std::optional<double> optReal(int col) const;
  std::optional<std::string> optText(int col) const;

private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

/// A failure inside the store (constraint, I/O). `constraint` is set for UNIQUE/FOREIGN KEY
/// violations so handlers can answer 409.
class StoreError : public std::runtime_error {
public:
  StoreError(std::string message, bool constraint)
      : std::runtime_error(std::move(message)), constraint_(constraint) {}
  bool constraint() const { return constraint_; }

private:
  bool constraint_;
};

/// One SQLite database file (or ":memory:") with WAL, a busy timeout and foreign keys on.
/// Migrations are applied by Database::open.
/// @par Thread Safety
/// Blocking; call only from the blocking pool, never from an event-loop thread. Every use goes
/// through lock(), which serialises access to the one connection.
class Database {
public:
  /// Opens (creating directories' file if absent) and migrates. Throws StoreError.
  static std::unique_ptr<Database> open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Holds the connection for one unit of work.
  std::unique_lock<std::mutex> lock() { return std::unique_lock(mutex_); }
  sqlite3* handle() const { return db_; }
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  /// The statement for `sql`, prepared on first use and kept until the Database closes (for
  /// SQL run on every batch or transaction: no parse per use). Comes back reset, with no
  /// values bound, even when its last use failed. The caller holds lock() while using it, and
  /// one caller at a time uses a given statement (no two open iterations of the same SQL).
  Statement& cached(std::string_view sql);
  /// Executes one or more statements without parameters.
  void exec(std::string_view sql);
  std::int64_t lastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  /// Latest migration version applied.
  int schemaVersion();
  const std::string& path() const { return path_; }

private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  void migrate();

  sqlite3* db_;
  std::string path_;
  std::mutex mutex_;
  std::map<std::string, Statement, std::less<>> cached_;  ///< finalized before the close
};

/// BEGIN IMMEDIATE ... COMMIT, rolled back if not committed. The caller holds the lock. The
/// three statements are cached on the Database, so a transaction parses no SQL.
class Transaction {
public:
  explicit Transaction(Database& db);
  ~Transaction();
  void commit();

private:
  Database& db_;
  bool done_ = false;
};

}  // namespace gw::store::sqlite
