// The persistent queue; see persistent_queue.h.
#include "queue/persistent_queue.h"

#include <cstdio>
#include <cstdlib>

#include "base/logging.h"

namespace nightjar::agent {
namespace {

constexpr char kComponent[] = "queue";

// Large pages suit a table of ~1 MiB blobs: fewer overflow pages to write, link and free.
// Takes effect only when the database is created.
constexpr int kPageSize = 65536;
// Checkpoint the WAL into the database every ~64 MiB and keep the WAL file at that size. A
// checkpoint copies the latest version of each page once; batches are deleted soon after they
// are written and their pages reused, so a window much larger than the queue's working set
// copies a fraction of what was written.
constexpr int kWalBytes = 64 << 20;
constexpr int kWalCheckpointPages = kWalBytes / kPageSize;

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_unix_ns INTEGER NOT NULL,
  records INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  content_encoding TEXT NOT NULL,
  body BLOB NOT NULL,
  signal TEXT NOT NULL DEFAULT 'logs');
CREATE TABLE IF NOT EXISTS checkpoints(
  device INTEGER NOT NULL,
  inode INTEGER NOT NULL,
  input TEXT NOT NULL,
  path TEXT NOT NULL,
  fingerprint BLOB NOT NULL,
  offset INTEGER NOT NULL,
  flags INTEGER NOT NULL,
  updated_unix_ns INTEGER NOT NULL,
  PRIMARY KEY(device, inode)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cursors(
  input TEXT PRIMARY KEY,
  cursor TEXT NOT NULL,
  updated_unix_ns INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', '2');
)sql";
// A new database gets the version above; an existing one keeps the version it has until
// Migrate() brings it up to date.

// Version 1 -> 2: batches of either signal. Existing batches are logs (the column's default).
// One transaction: a crash leaves version 1 and its data intact, and the next start migrates
// again.
constexpr char kMigrateTo2[] = R"sql(
ALTER TABLE batches ADD COLUMN signal TEXT NOT NULL DEFAULT 'logs';
UPDATE meta SET value = '2' WHERE key = 'schema_version';
)sql";

const char* SignalColumn(otlp::Signal signal) {
  return signal == otlp::Signal::kMetrics ? "metrics" : "logs";
}

}  // namespace

Result<std::unique_ptr<PersistentQueue>> PersistentQueue::Open(const QueueOptions& options,
                                                               const Clock* clock) {
  Result<std::unique_ptr<PersistentQueue>> queue = OpenAt(options, clock);
  if (queue.ok() || queue.status().code() != StatusCode::kFailedPrecondition) return queue;
  // Corrupt or not a database: keep the evidence, start a new queue.
  std::string aside =
      options.path + ".corrupt-" + std::to_string(clock->NowUnixNanos() / 1000000000);
  log::Error(kComponent, "the queue database is unreadable; moving it aside and starting a new one",
             {{"path", options.path}, {"moved_to", aside}, {"error", queue.status().ToString()}});
  if (std::rename(options.path.c_str(), aside.c_str()) != 0) return queue;
  for (const char* suffix : {"-wal", "-shm"}) std::remove((options.path + suffix).c_str());
  queue = OpenAt(options, clock);
  // The checkpoints are gone with the old file: read every file from its start rather than
  // skip anything (start_at: end must not apply).
  if (queue.ok()) NJ_RETURN_IF_ERROR((*queue)->MarkInitialized());
  return queue;
}

Result<std::unique_ptr<PersistentQueue>> PersistentQueue::OpenAt(const QueueOptions& options,
                                                                 const Clock* clock) {
  sqlite::OpenOptions open;
  open.wal = false;  // set below, after the page size
  open.synchronous = options.synchronous;
  open.cache_kib = 2048;
  NJ_ASSIGN_OR_RETURN(sqlite::Database db, sqlite::Database::Open(options.path, open));
  std::unique_ptr<PersistentQueue> queue(new PersistentQueue(options, clock, std::move(db)));
  sqlite::Database& d = queue->db_;
  NJ_RETURN_IF_ERROR(
      d.Exec("PRAGMA page_size = " + std::to_string(kPageSize) + "; PRAGMA cache_size = -1024"));
  {
    NJ_ASSIGN_OR_RETURN(sqlite::Statement mode, d.Prepare("PRAGMA journal_mode = WAL"));
    NJ_ASSIGN_OR_RETURN(bool has_row, mode.Step());
    if (!has_row || mode.Text(0) != "wal") {
      log::Warning(kComponent, "WAL journal not available; the queue is slower but still safe",
                   {{"path", options.path}});
    }
  }  // statements end here: an unfinished one would keep a read transaction open
  // Checkpoints are driven by MaybeCheckpoint(); the hook only counts the WAL's frames (and
  // checkpoints in place should the WAL grow far past its threshold with nobody calling
  // MaybeCheckpoint()).
  NJ_RETURN_IF_ERROR(d.Exec("PRAGMA journal_size_limit = " + std::to_string(2 * kWalBytes)));
  sqlite3_wal_hook(
      d.raw(),
      [](void* self, sqlite3* connection, const char*, int frames) -> int {
        static_cast<PersistentQueue*>(self)->wal_frames_.store(frames);
        if (frames > 4 * kWalCheckpointPages) {
          sqlite3_wal_checkpoint_v2(connection, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                    nullptr);
        }
        return SQLITE_OK;
      },
      queue.get());
  NJ_RETURN_IF_ERROR(d.Exec(kSchema));
  NJ_RETURN_IF_ERROR(queue->Migrate());
  // An integrity problem in the pages used here surfaces now rather than mid-run.
  {
    NJ_ASSIGN_OR_RETURN(sqlite::Statement totals,
                        d.Prepare("SELECT count(*), coalesce(sum(bytes), 0), "
                                  "coalesce(sum(records), 0) FROM batches"));
    NJ_ASSIGN_OR_RETURN(bool row, totals.Step());
    if (row) {
      queue->batches_ = static_cast<uint64_t>(totals.Int64(0));
      queue->bytes_ = static_cast<uint64_t>(totals.Int64(1));
      queue->records_ = static_cast<uint64_t>(totals.Int64(2));
    }
    NJ_ASSIGN_OR_RETURN(sqlite::Statement initialized,
                        d.Prepare("SELECT 1 FROM meta WHERE key = 'initialized'"));
    NJ_ASSIGN_OR_RETURN(bool seen, initialized.Step());
    queue->first_run_ = !seen;
  }
  NJ_RETURN_IF_ERROR(queue->Prepare());
  sqlite::OpenOptions second = open;
  second.create = false;
  second.cache_kib = 256;
  NJ_ASSIGN_OR_RETURN(sqlite::Database checkpointer, sqlite::Database::Open(options.path, second));
  queue->checkpointer_ = std::move(checkpointer);
  if (queue->batches_ > 0) {
    log::Info(kComponent, "queue holds batches from before the restart; sending them first",
              {{"batches", queue->batches_}, {"bytes", queue->bytes_}});
  }
  return queue;
}

PersistentQueue::~PersistentQueue() {
  std::lock_guard<std::mutex> checkpoint_lock(checkpoint_mutex_);
  checkpointer_.reset();
  std::lock_guard<std::mutex> lock(mutex_);
  // Fold the WAL into the database so that the next start opens a compact file.
  insert_batch_.reset();
  upsert_checkpoint_.reset();
  upsert_cursor_.reset();
  delete_checkpoint_.reset();
  front_.reset();
  body_.reset();
  remove_.reset();
  (void)db_.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

Status PersistentQueue::Migrate() {
  int version = 0;
  {
    NJ_ASSIGN_OR_RETURN(sqlite::Statement select,
                        db_.Prepare("SELECT value FROM meta WHERE key = 'schema_version'"));
    NJ_ASSIGN_OR_RETURN(bool row, select.Step());
    if (row) version = std::atoi(std::string(select.Text(0)).c_str());
  }
  if (version == kSchemaVersion) return Status::Ok();
  if (version > kSchemaVersion) {
    return Status(StatusCode::kUnimplemented,
                  "the queue " + options_.path + " was written by a newer nightjar-agent (schema " +
                      std::to_string(version) + ", this agent knows up to " +
                      std::to_string(kSchemaVersion) +
                      "); run the newer agent, or move the file away to start an empty queue");
  }
  if (version != 1) {
    return FailedPrecondition("the queue's schema version \"" + std::to_string(version) +
                              "\" is unknown");
  }
  NJ_ASSIGN_OR_RETURN(sqlite::Transaction tx, sqlite::Transaction::Begin(&db_));
  NJ_RETURN_IF_ERROR(db_.Exec(kMigrateTo2));
  NJ_RETURN_IF_ERROR(tx.Commit());
  log::Notice(kComponent, "queue migrated to the current schema; queued batches are kept",
              {{"path", options_.path}, {"from_version", 1}, {"to_version", kSchemaVersion}});
  return Status::Ok();
}

Status PersistentQueue::Prepare() {
  NJ_ASSIGN_OR_RETURN(
      insert_batch_,
      db_.Prepare("INSERT INTO batches(created_unix_ns, records, bytes, content_encoding, "
                  "body, signal) VALUES(?, ?, ?, ?, ?, ?)"));
  NJ_ASSIGN_OR_RETURN(
      upsert_checkpoint_,
      db_.Prepare("INSERT INTO checkpoints(device, inode, input, path, fingerprint, offset, flags, "
                  "updated_unix_ns) VALUES(?, ?, ?, ?, ?, ?, ?, ?) "
                  "ON CONFLICT(device, inode) DO UPDATE SET input = excluded.input, "
                  "path = excluded.path, fingerprint = excluded.fingerprint, "
                  "offset = excluded.offset, flags = excluded.flags, "
                  "updated_unix_ns = excluded.updated_unix_ns"));
  NJ_ASSIGN_OR_RETURN(delete_checkpoint_,
                      db_.Prepare("DELETE FROM checkpoints WHERE device = ? AND inode = ?"));
  NJ_ASSIGN_OR_RETURN(
      upsert_cursor_,
      db_.Prepare("INSERT INTO cursors(input, cursor, updated_unix_ns) VALUES(?, ?, ?) "
                  "ON CONFLICT(input) DO UPDATE SET cursor = excluded.cursor, "
                  "updated_unix_ns = excluded.updated_unix_ns"));
  NJ_ASSIGN_OR_RETURN(front_,
                      db_.Prepare("SELECT id, records, created_unix_ns, content_encoding, signal "
                                  "FROM batches ORDER BY id LIMIT 1"));
  NJ_ASSIGN_OR_RETURN(body_, db_.Prepare("SELECT body FROM batches WHERE id = ?"));
  NJ_ASSIGN_OR_RETURN(remove_,
                      db_.Prepare("DELETE FROM batches WHERE id = ? RETURNING bytes, records"));
  return Status::Ok();
}

Result<std::vector<Checkpoint>> PersistentQueue::LoadCheckpoints() {
  std::lock_guard<std::mutex> lock(mutex_);
  NJ_ASSIGN_OR_RETURN(sqlite::Statement select,
                      db_.Prepare("SELECT device, inode, input, path, fingerprint, offset, flags "
                                  "FROM checkpoints"));
  std::vector<Checkpoint> out;
  while (true) {
    NJ_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    Checkpoint cp;
    cp.key =
        FileKey{static_cast<uint64_t>(select.Int64(0)), static_cast<uint64_t>(select.Int64(1))};
    cp.input = std::string(select.Text(2));
    cp.path = std::string(select.Text(3));
    cp.fingerprint = std::string(select.Blob(4));
    cp.offset = static_cast<uint64_t>(select.Int64(5));
    cp.flags = static_cast<uint32_t>(select.Int64(6));
    out.push_back(std::move(cp));
  }
  return out;
}

Result<std::optional<std::string>> PersistentQueue::LoadCursor(const std::string& input) {
  std::lock_guard<std::mutex> lock(mutex_);
  NJ_ASSIGN_OR_RETURN(sqlite::Statement select,
                      db_.Prepare("SELECT cursor FROM cursors WHERE input = ?"));
  select.Bind(1, input);
  NJ_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(std::string(select.Text(0)));
}

Status PersistentQueue::MarkInitialized() {
  std::lock_guard<std::mutex> lock(mutex_);
  NJ_RETURN_IF_ERROR(db_.Exec("INSERT OR IGNORE INTO meta(key, value) VALUES('initialized', '1')"));
  first_run_ = false;
  return Status::Ok();
}

bool PersistentQueue::HasRoom(size_t bytes) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes == 0 || batches_ == 0 || bytes_ + bytes <= options_.max_bytes;
}

Status PersistentQueue::Commit(CommitRequest& request) {
  if (request.empty()) return Status::Ok();
  int64_t now = clock_->NowUnixNanos();
  int64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    NJ_ASSIGN_OR_RETURN(sqlite::Transaction tx, sqlite::Transaction::Begin(&db_));
    if (!request.body.empty()) {
      insert_batch_->Bind(1, now).Bind(2, static_cast<int64_t>(request.records));
      insert_batch_->Bind(3, static_cast<int64_t>(request.body.size()));
      insert_batch_->BindStatic(4, request.gzip ? "gzip" : "identity");
      // The body outlives the statement's step: bind it without a copy.
      insert_batch_->BindStatic(6, SignalColumn(request.signal));
      int rc = sqlite3_bind_blob64(insert_batch_->raw(), 5, request.body.data(),
                                   request.body.size(), SQLITE_STATIC);
      if (rc != SQLITE_OK) {
        insert_batch_->Reset();
        return ResourceExhausted("cannot bind a batch of " + std::to_string(request.body.size()) +
                                 " bytes");
      }
      NJ_RETURN_IF_ERROR(insert_batch_->Run());
      id = db_.LastInsertRowId();
    }
    for (const Checkpoint& cp : request.checkpoints) {
      upsert_checkpoint_->Bind(1, static_cast<int64_t>(cp.key.device))
          .Bind(2, static_cast<int64_t>(cp.key.inode))
          .Bind(3, cp.input)
          .Bind(4, cp.path)
          .BindBlob(5, cp.fingerprint)
          .Bind(6, static_cast<int64_t>(cp.offset))
          .Bind(7, static_cast<int64_t>(cp.flags))
          .Bind(8, now);
      NJ_RETURN_IF_ERROR(upsert_checkpoint_->Run());
    }
    for (const SourceCursor& c : request.cursors) {
      upsert_cursor_->Bind(1, c.input).Bind(2, c.cursor).Bind(3, now);
      NJ_RETURN_IF_ERROR(upsert_cursor_->Run());
    }
    for (const FileKey& key : request.forget) {
      delete_checkpoint_->Bind(1, static_cast<int64_t>(key.device))
          .Bind(2, static_cast<int64_t>(key.inode));
      NJ_RETURN_IF_ERROR(delete_checkpoint_->Run());
    }
    NJ_RETURN_IF_ERROR(tx.Commit());
    if (id != 0) {
      bytes_ += request.body.size();
      records_ += request.records;
      ++batches_;
      QueuedBatch hot;
      hot.id = id;
      hot.signal = request.signal;
      hot.records = request.records;
      hot.created_unix_nanos = now;
      hot.gzip = request.gzip;
      hot.body = pool_->Share(std::move(request.body));
      hot_size_ += hot.body->size();
      hot_.push_back(std::move(hot));
      while (hot_size_ > options_.hot_bytes && hot_.size() > 1) {
        hot_size_ -= hot_.front().body->size();
        hot_.pop_front();
      }
    }
  }
  request = CommitRequest();
  if (id != 0 && on_commit_) on_commit_();
  return Status::Ok();
}

Result<std::optional<QueuedBatch>> PersistentQueue::Front() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (batches_ == 0) return std::optional<QueuedBatch>();
  NJ_ASSIGN_OR_RETURN(bool row, front_->Step());
  if (!row) {
    front_->Reset();
    return std::optional<QueuedBatch>();
  }
  QueuedBatch batch;
  batch.id = front_->Int64(0);
  batch.records = static_cast<uint32_t>(front_->Int64(1));
  batch.created_unix_nanos = front_->Int64(2);
  batch.gzip = front_->Text(3) == "gzip";
  std::string_view signal = front_->Text(4);
  if (signal == "metrics") {
    batch.signal = otlp::Signal::kMetrics;
  } else if (signal != "logs") {
    batch.defect = "unknown signal \"" + std::string(signal) + "\"";
  }
  front_->Reset();
  for (const QueuedBatch& hot : hot_) {
    if (hot.id == batch.id) {
      batch.body = hot.body;
      return std::optional<QueuedBatch>(std::move(batch));
    }
  }
  body_->Bind(1, batch.id);
  NJ_ASSIGN_OR_RETURN(bool found, body_->Step());
  if (found) {
    std::string body = pool_->Take();
    body.assign(body_->Blob(0));
    batch.body = pool_->Share(std::move(body));
  }
  body_->Reset();
  if (!found) return Internal("batch " + std::to_string(batch.id) + " vanished");
  return std::optional<QueuedBatch>(std::move(batch));
}

Status PersistentQueue::Remove(int64_t id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    remove_->Bind(1, id);
    NJ_ASSIGN_OR_RETURN(bool row, remove_->Step());
    if (row) {
      bytes_ -= std::min<uint64_t>(bytes_, static_cast<uint64_t>(remove_->Int64(0)));
      records_ -= std::min<uint64_t>(records_, static_cast<uint64_t>(remove_->Int64(1)));
      --batches_;
    }
    remove_->Reset();
    for (auto it = hot_.begin(); it != hot_.end(); ++it) {
      if (it->id == id) {
        hot_size_ -= it->body->size();
        hot_.erase(it);
        break;
      }
    }
  }
  if (on_remove_) on_remove_();
  return Status::Ok();
}

void PersistentQueue::MaybeCheckpoint() {
  if (wal_frames_.load() < kWalCheckpointPages) return;
  std::lock_guard<std::mutex> lock(checkpoint_mutex_);
  if (!checkpointer_) return;
  int log_frames = 0;
  int copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(checkpointer_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                     &log_frames, &copied);
  // The WAL restarts from its beginning at the next commit once everything was copied.
  if (rc == SQLITE_OK && copied == log_frames) wal_frames_.store(0);
}

void PersistentQueue::SetListeners(std::function<void()> on_commit,
                                   std::function<void()> on_remove) {
  std::lock_guard<std::mutex> lock(mutex_);
  on_commit_ = std::move(on_commit);
  on_remove_ = std::move(on_remove);
}

uint64_t PersistentQueue::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

uint64_t PersistentQueue::batches() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return batches_;
}

uint64_t PersistentQueue::records() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return records_;
}

int64_t PersistentQueue::OldestCreatedUnixNanos() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (batches_ == 0) return 0;
  auto row = front_->Step();
  int64_t created = row.ok() && *row ? front_->Int64(2) : 0;
  front_->Reset();
  return created;
}

}  // namespace nightjar::agent
