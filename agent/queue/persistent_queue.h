// The persistent queue between the inputs and the exporter: an SQLite database (WAL) holding
// encoded batches waiting for the collector's acknowledgement, and the checkpoints of the files
// they came from.
//
// The cursors table (journal positions) was added without a schema version change: every open
// creates it when missing, and an agent that does not know it leaves it alone.
//
// Protocol:
//   - Commit() inserts a batch and upserts the checkpoints of the files whose lines it holds in
//     ONE transaction. A crash at any moment leaves either both or neither, so a file is never
//     checkpointed past lines that are not stored, and never re-read into a second copy.
//   - The exporter reads the oldest batch (Front()), sends it, and calls Remove() only after
//     the collector acknowledged it (or refused it for good). A crash between the
//     acknowledgement and Remove() resends that batch: at-least-once, the duplicates limited to
//     the batch in flight.
//   - The total size of stored batches is bounded by max_bytes; HasRoom() tells the inputs when
//     to pause. An empty queue accepts one batch of any size, so a record larger than the
//     bound cannot wedge the agent.
//
// Durability: synchronous=NORMAL in WAL mode survives any process crash (kill -9) because
// committed transactions are in the WAL in the OS page cache; a power loss may lose the last
// transactions, which rolls back batches and checkpoints together (the lines are read again
// from the files, if the files themselves survived), and may resend acknowledged batches. FULL
// also survives power loss, at the price of an fsync per batch.
//
// A batch holds either signal: OTLP logs or metrics, in the `signal` column (added by schema
// version 2; a version 1 database is migrated in place when opened, its batches being logs).
//
// Recently committed batches stay in memory (up to hot_bytes) so that an exporter keeping up
// never reads them back from disk.
//
// Thread-safety: all methods may be called from any thread (one mutex guards the connection).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/batch_sink.h"
#include "pipeline/buffer_pool.h"
#include "queue/checkpoint.h"
#include "runtime/clock.h"
#include "runtime/sqlite.h"

namespace nightjar::agent {

struct QueueOptions {
  std::string path;
  uint64_t max_bytes = 256ull << 20;
  std::string synchronous = "NORMAL";  // or "FULL"
  uint64_t hot_bytes = 4 << 20;
  // Batch buffers up to this size are recycled (see buffer_pool.h).
  size_t buffer_capacity = 2 << 20;
};

// One stored batch, as the exporter sees it.
struct QueuedBatch {
  int64_t id = 0;
  otlp::Signal signal = otlp::Signal::kLogs;
  std::shared_ptr<const std::string> body;
  uint32_t records = 0;  // log records, or metric data points
  int64_t created_unix_nanos = 0;
  bool gzip = false;  // the body is gzip-compressed
  // Non-empty when the batch cannot be sent, saying why (e.g. a signal this agent does not
  // know): the exporter drops such a batch rather than let it block the queue.
  std::string defect;
};

class PersistentQueue final : public BatchSink {
 public:
  // The schema version this code writes; older versions are migrated when opened.
  static constexpr int kSchemaVersion = 2;

  // Opens or creates the queue, migrating an older schema in place. A database written by a
  // newer agent (a higher schema version) is refused (Unimplemented) and left as it is, so that
  // going back to the newer agent finds its data. A database that is not a valid queue (corrupt, or
  // another file) is moved aside to <path>.corrupt-<time> with an error logged, and a new one is
  // created: collection goes on, and files are read again from their start (duplicates rather
  // than loss).
  static Result<std::unique_ptr<PersistentQueue>> Open(const QueueOptions& options,
                                                       const Clock* clock = &Clock::System());
  ~PersistentQueue() override;

  // Returns every saved checkpoint.
  Result<std::vector<Checkpoint>> LoadCheckpoints();
  // Returns the cursor last committed for `input` (a journal input), or nullopt when none was.
  Result<std::optional<std::string>> LoadCursor(const std::string& input);
  // Returns true when no agent ever ran on this state (start_at: end applies only then).
  bool first_run() const { return first_run_; }
  // Records that the first scan is done, so that later starts read new files from the start.
  Status MarkInitialized();

  bool HasRoom(size_t bytes) const override;
  Status Commit(CommitRequest& request) override;

  // Returns the oldest stored batch, or nullopt when the queue is empty.
  Result<std::optional<QueuedBatch>> Front();
  // Deletes a batch that the collector acknowledged or refused for good.
  Status Remove(int64_t id);

  // Copies the write-ahead log into the database when it has grown past its threshold. Runs on
  // a second connection without the queue's lock, so that the exporter thread can do this work
  // while the tail thread keeps committing (SQLite's automatic checkpoints would make every
  // 64th MiB of commits wait for it on the tail thread).
  void MaybeCheckpoint();

  // Calls `on_commit` after each stored batch and `on_remove` after each removal (from the
  // thread that did it), e.g. to wake the exporter and the paused inputs.
  void SetListeners(std::function<void()> on_commit, std::function<void()> on_remove);

  uint64_t bytes() const;
  uint64_t batches() const;
  uint64_t records() const;
  uint64_t max_bytes() const { return options_.max_bytes; }
  // Returns the pool that recycles batch buffers; builders should take their buffers from it.
  const std::shared_ptr<BufferPool>& pool() const { return pool_; }
  // Returns the creation time of the oldest batch (unix nanoseconds), or 0 when empty.
  int64_t OldestCreatedUnixNanos();

 private:
  PersistentQueue(QueueOptions options, const Clock* clock, sqlite::Database db)
      : options_(std::move(options)),
        clock_(clock),
        db_(std::move(db)),
        pool_(BufferPool::Create(4, options_.buffer_capacity / 4, options_.buffer_capacity)) {}
  static Result<std::unique_ptr<PersistentQueue>> OpenAt(const QueueOptions& options,
                                                         const Clock* clock);
  Status Prepare();
  // Brings a database of an older schema version to kSchemaVersion.
  Status Migrate();

  QueueOptions options_;
  const Clock* clock_;
  mutable std::mutex mutex_;
  sqlite::Database db_;
  std::shared_ptr<BufferPool> pool_;
  std::optional<sqlite::Statement> insert_batch_;
  std::optional<sqlite::Statement> upsert_checkpoint_;
  std::optional<sqlite::Statement> delete_checkpoint_;
  std::optional<sqlite::Statement> upsert_cursor_;
  std::optional<sqlite::Statement> front_;
  std::optional<sqlite::Statement> body_;
  std::optional<sqlite::Statement> remove_;
  std::optional<sqlite::Database> checkpointer_;  // used by MaybeCheckpoint() only
  std::mutex checkpoint_mutex_;
  std::atomic<int> wal_frames_{0};
  uint64_t bytes_ = 0;
  uint64_t batches_ = 0;
  uint64_t records_ = 0;
  bool first_run_ = false;
  std::deque<QueuedBatch> hot_;
  uint64_t hot_size_ = 0;
  std::function<void()> on_commit_;
  std::function<void()> on_remove_;
};

}  // namespace nightjar::agent
