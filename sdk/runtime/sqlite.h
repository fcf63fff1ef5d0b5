// A thin RAII layer over SQLite: connections, prepared statements and transactions, returning
// Status instead of error codes.
//
// Thread-safety: a Database and its Statements belong to one thread at a time (SQLite is built
// in serialized mode on Debian, but Nightjar gives each thread its own connection so that
// readers never wait on the writer's mutex).
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace nightjar::sqlite {

class Statement;

struct OpenOptions {
  bool read_only = false;
  bool create = true;
  // Write-ahead logging: readers do not block the writer nor the writer them.
  bool wal = true;
  // NORMAL is durable across process crashes in WAL mode (a power loss may lose the last
  // transactions); FULL also survives power loss at the cost of an fsync per commit.
  std::string synchronous = "NORMAL";
  // How long a statement waits for a lock held by another connection before failing.
  std::chrono::milliseconds busy_timeout{5000};
  // Page cache per connection, in KiB.
  int64_t cache_kib = 8192;
};

class Database {
 public:
  // Opens (or creates) the database at `path` with the given options.
  static Result<Database> Open(const std::string& path, const OpenOptions& options = {});

  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;
  ~Database();

  // Runs one or more statements that return no rows.
  Status Exec(std::string_view sql);

  // Prepares a statement.
  Result<Statement> Prepare(std::string_view sql);

  int64_t LastInsertRowId() const;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t Changes() const;
  // Returns the current error message of the connection.
  std::string ErrorMessage() const;

  sqlite3* raw() const { return db_.get(); }
  const std::string& path() const { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  std::unique_ptr<sqlite3, Closer> db_;
  std::string path_;
};

class Statement {
 public:
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;

  // Binds parameters; indexes start at 1. Text and blobs are copied (SQLITE_TRANSIENT) unless
  // the Static variants are used, whose data must outlive the next Step()/Reset().
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, uint64_t value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, const std::string& text) {
    return Bind(index, std::string_view(text));
  }
  Statement& BindStatic(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view blob);
  Statement& BindNull(int index);
  // Binds NULL when `value` is empty.
  Statement& Bind(int index, const std::optional<std::string>& value);
  Statement& Bind(int index, const std::optional<int64_t>& value);
  Statement& Bind(int index, const std::optional<double>& value);

  // Runs the statement one step. Returns true when a row is available, false when done.
  Result<bool> Step();
  // Runs a statement that returns no rows to completion, then resets it for reuse.
  Status Run();
  // Resets the statement and clears its bindings.
  void Reset();

  int ColumnCount() const;
  bool IsNull(int column) const;
  int64_t Int64(int column) const;
  double Double(int column) const;
  std::string_view Text(int column) const;
  std::string_view Blob(int column) const;
  std::string ColumnName(int column) const;

  sqlite3_stmt* raw() const { return stmt_.get(); }

 private:
  friend class Database;
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  Status Error(int rc) const;

  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  sqlite3* db_;
  // The first binding error, reported by the next Step(); keeps Bind() chainable.
  int bind_error_ = SQLITE_OK;
};

// A transaction that rolls back unless committed. BEGIN IMMEDIATE takes the write lock at once,
// so a writer never fails half-way with SQLITE_BUSY.
class Transaction {
 public:
  static Result<Transaction> Begin(Database* db, bool immediate = true);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace nightjar::sqlite
