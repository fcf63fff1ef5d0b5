// The collector's SQLite store: one database file, one writer connection (handed to the
// pipeline's writer thread) and a pool of read-only connections for queries.
//
// WAL mode lets readers run while the writer commits: a query sees the last committed state
// and never blocks ingestion. Checkpoints (copying the write-ahead log back into the database
// file, with an fsync) run on a thread of their own every `checkpoint_interval`, so the writer
// never pays for them inside a commit that clients are waiting on. Every read runs under a deadline
// enforced by SQLite's progress handler, so a query that would scan too much fails with
// DeadlineExceeded instead of holding a connection.
//
// Thread-safety: Store::AcquireReader() may be called from any thread; each Reader belongs to
// the thread that holds it. The writer belongs to the pipeline's writer thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "runtime/sqlite.h"
#include "runtime/units.h"
#include "store/store_writer.h"

namespace nightjar::collector {

struct StoreOptions {
  std::string path;  // the database file; its directory is created when missing
  // "NORMAL" survives a crash of the process (the kill -9 guarantee) and costs no fsync per
  // commit in WAL mode; "FULL" also survives power loss.
  std::string synchronous = "NORMAL";
  int64_t writer_cache_mib = 64;
  int64_t reader_cache_mib = 16;
  int readers = 4;  // read connections at most (queries beyond wait for one)
  Duration checkpoint_interval = std::chrono::seconds(1);
};

// A read-only connection with a deadline; obtained from Store::AcquireReader().
class Reader {
 public:
  // Returns the connection.
  sqlite::Database& db() { return db_; }

  // Sets the deadline after which running statements are interrupted.
  void SetDeadline(Duration timeout);

  // Returns true when the last statement was interrupted by the deadline.
  bool timed_out() const { return timed_out_; }

  // Returns DeadlineExceeded when the deadline interrupted the query, else `status`.
  Status Check(Status status) const;

  // Steps `st` to its end, calling `fn` with each row.
  Status ForEach(sqlite::Statement& st, const std::function<void(const sqlite::Statement&)>& fn);

 private:
  friend class Store;
  explicit Reader(sqlite::Database db);
  static int Progress(void* self);

  sqlite::Database db_;
  int64_t deadline_ns_ = 0;
  Duration timeout_{};
  bool timed_out_ = false;
};

class Store {
 public:
  // Opens (creating or migrating) the database.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store();

  // Returns the writer. Only the pipeline's writer thread may use it.
  StoreWriter& writer() { return *writer_; }

  // A reader on loan; returns to the pool when destroyed.
  class Lease {
   public:
    Lease(Store* store, std::unique_ptr<Reader> reader)
        : store_(store), reader_(std::move(reader)) {}
    Lease(Lease&&) = default;
    ~Lease();
    Reader* operator->() { return reader_.get(); }
    Reader& operator*() { return *reader_; }

   private:
    Store* store_;
    std::unique_ptr<Reader> reader_;
  };

  // Returns a reader whose statements stop after `timeout`; waits while all are in use.
  Result<Lease> AcquireReader(Duration timeout);

  // Returns the size of the database file plus its write-ahead log, in bytes.
  int64_t FileBytes() const;

  const StoreOptions& options() const { return options_; }

 private:
  explicit Store(StoreOptions options) : options_(std::move(options)) {}
  void Release(std::unique_ptr<Reader> reader);
  void Checkpoints(sqlite::Database db);

  StoreOptions options_;
  std::unique_ptr<StoreWriter> writer_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Reader>> idle_;
  int open_readers_ = 0;
  bool stopping_ = false;
  std::condition_variable stop_;
  std::thread checkpointer_;
};

}  // namespace nightjar::collector
