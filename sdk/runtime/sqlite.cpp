// SQLite RAII layer; see sqlite.h.
#include "runtime/sqlite.h"

namespace nightjar::sqlite {
namespace {

Status SqliteError(sqlite3* db, int rc, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  StatusCode code = StatusCode::kIoError;
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = StatusCode::kUnavailable;
      break;
    case SQLITE_FULL:
      code = StatusCode::kResourceExhausted;
      break;
    case SQLITE_CONSTRAINT:
      code = StatusCode::kAlreadyExists;
      break;
    case SQLITE_ERROR:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      code = StatusCode::kInvalidArgument;
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = StatusCode::kFailedPrecondition;
      break;
    default:
      break;
  }
  return Status(code, std::move(message));
}

}  // namespace

void Database::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

Result<Database> Database::Open(const std::string& path, const OpenOptions& options) {
  int flags = options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (options.create && !options.read_only) flags |= SQLITE_OPEN_CREATE;
  // Each connection is used by one thread at a time; no need for SQLite's per-call mutex.
  flags |= SQLITE_OPEN_NOMUTEX;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db(raw, path);
  if (rc != SQLITE_OK) return SqliteError(raw, rc, "cannot open database " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(options.busy_timeout.count()));
  std::string pragmas = "PRAGMA cache_size = -" + std::to_string(options.cache_kib) + ";";
  if (!options.read_only) {
    if (options.wal) pragmas += "PRAGMA journal_mode = WAL;";
    pragmas += "PRAGMA synchronous = " + options.synchronous + ";";
    pragmas += "PRAGMA foreign_keys = ON;";
  }
  Status st = db.Exec(pragmas);
  if (!st.ok()) return st.WithContext("cannot configure database " + path);
  return db;
}

Database::~Database() = default;

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string message = error != nullptr ? error : sqlite3_errstr(rc);
  sqlite3_free(error);
  Status st = SqliteError(nullptr, rc, "");
  return Status(st.code(), "SQL error: " + message);
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return SqliteError(db_.get(), rc, "cannot prepare \"" + std::string(sql.substr(0, 60)) + "\"");
  }
  return Statement(stmt, db_.get());
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_.get()); }
int64_t Database::Changes() const { return sqlite3_changes64(db_.get()); }
std::string Database::ErrorMessage() const { return sqlite3_errmsg(db_.get()); }

Statement& Statement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_.get(), index, value);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_.get(), index, value);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindStatic(int index, std::string_view text) {
  int rc =
      sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view blob) {
  int rc = sqlite3_bind_blob64(stmt_.get(), index, blob.data(), blob.size(), SQLITE_TRANSIENT);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_.get(), index);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<std::string>& value) {
  return value ? Bind(index, std::string_view(*value)) : BindNull(index);
}
Statement& Statement::Bind(int index, const std::optional<int64_t>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}
Statement& Statement::Bind(int index, const std::optional<double>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Status Statement::Error(int rc) const {
  const char* sql = sqlite3_sql(stmt_.get());
  return SqliteError(db_, rc, "\"" + std::string(sql != nullptr ? sql : "").substr(0, 60) + "\"");
}

Result<bool> Statement::Step() {
  if (bind_error_ != SQLITE_OK) {
    int rc = bind_error_;
    bind_error_ = SQLITE_OK;
    return Error(rc);
  }
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error(rc);
}

Status Statement::Run() {
  auto r = Step();
  while (r.ok() && *r) r = Step();
  Reset();
  return r.status();
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  bind_error_ = SQLITE_OK;
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_.get()); }
bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}
int64_t Statement::Int64(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
double Statement::Double(int column) const { return sqlite3_column_double(stmt_.get(), column); }
std::string_view Statement::Text(int column) const {
  const auto* p = sqlite3_column_text(stmt_.get(), column);
  int n = sqlite3_column_bytes(stmt_.get(), column);
  return p == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(p), n);
}
std::string_view Statement::Blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_.get(), column);
  int n = sqlite3_column_bytes(stmt_.get(), column);
  return p == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(p), n);
}
std::string Statement::ColumnName(int column) const {
  const char* name = sqlite3_column_name(stmt_.get(), column);
  return name != nullptr ? name : "";
}

Result<Transaction> Transaction::Begin(Database* db, bool immediate) {
  NJ_RETURN_IF_ERROR(db->Exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN"));
  return Transaction(db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  if (db_ == nullptr) return FailedPrecondition("transaction already finished");
  Status st = db_->Exec("COMMIT");
  if (st.ok()) db_ = nullptr;
  return st;
}

}  // namespace nightjar::sqlite
