// The store: writer connection and reader pool; see store.h.
#include "store/store.h"

#include <sys/stat.h>

#include <filesystem>

#include "base/logging.h"
#include "runtime/clock.h"
#include "store/schema.h"

namespace nightjar::collector {

Reader::Reader(sqlite::Database db) : db_(std::move(db)) {
  // Checked every 1000 virtual machine instructions: microseconds apart.
  sqlite3_progress_handler(db_.raw(), 1000, &Reader::Progress, this);
}

void Reader::SetDeadline(Duration timeout) {
  timeout_ = timeout;
  timed_out_ = false;
  deadline_ns_ = Clock::System().MonotonicNanos() + timeout.count();
}

int Reader::Progress(void* self) {
  auto* reader = static_cast<Reader*>(self);
  if (Clock::System().MonotonicNanos() <= reader->deadline_ns_) return 0;
  reader->timed_out_ = true;
  return 1;
}

Status Reader::Check(Status status) const {
  if (status.ok() || !timed_out_) return status;
  return Status(StatusCode::kDeadlineExceeded, "the query did not finish within " +
                                                   FormatDuration(timeout_) +
                                                   "; narrow the time range or add filters");
}

Status Reader::ForEach(sqlite::Statement& st,
                       const std::function<void(const sqlite::Statement&)>& fn) {
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return Check(row.status());
    if (!*row) return Status::Ok();
    fn(st);
  }
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  std::unique_ptr<Store> store(new Store(options));
  std::filesystem::path path(options.path);
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return IoError("cannot create the data directory " + path.parent_path().string() + ": " +
                   ec.message());
  }
  sqlite::OpenOptions open;
  open.synchronous = options.synchronous;
  open.cache_kib = options.writer_cache_mib * 1024;
  NJ_ASSIGN_OR_RETURN(sqlite::Database db, sqlite::Database::Open(options.path, open));
  // Temporary b-trees (sorting, DISTINCT) stay in memory; mmap makes reads of a hot database
  // cheap for the writer's lookups.
  NJ_RETURN_IF_ERROR(db.Exec("PRAGMA temp_store = MEMORY; PRAGMA mmap_size = 268435456;"));
  Status st = Migrate(&db);
  if (!st.ok()) return st;
  // The checkpointer thread does this work; see Checkpoints().
  NJ_RETURN_IF_ERROR(db.Exec("PRAGMA wal_autocheckpoint = 0"));
  NJ_ASSIGN_OR_RETURN(store->writer_, StoreWriter::Create(std::move(db)));
  sqlite::OpenOptions checkpoint_open;
  checkpoint_open.cache_kib = 1024;
  NJ_ASSIGN_OR_RETURN(sqlite::Database checkpoint_db,
                      sqlite::Database::Open(options.path, checkpoint_open));
  Store* raw = store.get();
  store->checkpointer_ = std::thread(
      [raw, cdb = std::make_shared<sqlite::Database>(std::move(checkpoint_db))]() mutable {
        raw->Checkpoints(std::move(*cdb));
      });
  return store;
}

Store::~Store() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
}

void Store::Checkpoints(sqlite::Database db) {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    stop_.wait_for(lock, options_.checkpoint_interval, [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    // PASSIVE never waits for the writer or readers: it copies what it can and returns.
    Status st = db.Exec("PRAGMA wal_checkpoint(PASSIVE)");
    if (!st.ok()) {
      log::Warning("store", "checkpoint failed", {{"error", st.ToString()}});
    }
    lock.lock();
  }
}

Store::Lease::~Lease() {
  if (reader_) store_->Release(std::move(reader_));
}

Result<Store::Lease> Store::AcquireReader(Duration timeout) {
  std::unique_ptr<Reader> reader;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty() || open_readers_ < options_.readers; });
    if (!idle_.empty()) {
      reader = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_readers_;
    }
  }
  if (!reader) {
    sqlite::OpenOptions open;
    open.read_only = true;
    open.cache_kib = options_.reader_cache_mib * 1024;
    auto db = sqlite::Database::Open(options_.path, open);
    if (!db.ok()) {
      std::lock_guard<std::mutex> lock(mutex_);
      --open_readers_;
      available_.notify_one();
      return db.status();
    }
    (void)db->Exec("PRAGMA temp_store = MEMORY; PRAGMA mmap_size = 268435456;");
    reader.reset(new Reader(std::move(db).value()));
  }
  reader->SetDeadline(timeout);
  return Lease(this, std::move(reader));
}

void Store::Release(std::unique_ptr<Reader> reader) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(reader));
  available_.notify_one();
}

int64_t Store::FileBytes() const {
  int64_t total = 0;
  for (const std::string& p : {options_.path, options_.path + "-wal"}) {
    struct stat sb {};
    if (::stat(p.c_str(), &sb) == 0) total += sb.st_size;
  }
  return total;
}

}  // namespace nightjar::collector
