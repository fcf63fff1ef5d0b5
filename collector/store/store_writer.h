// The store's one writer: inserts batches of log records, metric points and anomalies, and
// deletes old data for retention, on a connection of its own with prepared statements.
//
// The pipeline's writer thread groups many requests into one transaction: Begin(), Write*()
// for each request, Commit(). Resource, scope, metric and series ids are cached in memory so
// a steady stream of the same identities costs no lookups; the caches are dropped on rollback,
// since the rows they point to may not exist then.
//
// Log record ids are (indexed time in milliseconds << 20) | a 20-bit sequence, so that the
// primary key is time-ordered: "newest first" and time ranges are rowid ranges, for the table
// and for full-text search alike. The indexed time is time_unix_nano, or the observed time
// when that is unset, or the receive time; a time further ahead of the collector's clock than
// the allowed skew is indexed at the receive time (the original value is kept as written), so a
// host with a broken clock cannot pin its records at the top of every search nor past
// retention.
//
// Thread-safety: one thread at a time (the pipeline's writer thread).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "runtime/sqlite.h"
#include "store/anomaly.h"
#include "store/batch.h"

namespace nightjar::collector {

// Bits of a log id below the millisecond timestamp.
inline constexpr int kLogIdSequenceBits = 20;
// The largest indexed time in milliseconds (year 2248); later times are clamped.
inline constexpr int64_t kMaxLogTimeMs = (int64_t{1} << (63 - kLogIdSequenceBits)) - 1;

// The write-ahead log size above which the writer restarts it after a commit.
inline constexpr int64_t kWalRestartBytes = 64 << 20;

// Returns the smallest log id at or after `time_ms`.
inline int64_t LogIdAt(int64_t time_ms) { return time_ms << kLogIdSequenceBits; }
// Returns the indexed time of a log id, in milliseconds.
inline int64_t LogIdTimeMs(int64_t id) { return id >> kLogIdSequenceBits; }

// Inserts a row keyed by a time-ordered id (LogIdAt(time_ms) | sequence), as log records and
// anomalies are: `insert(id)` binds and runs an INSERT OR IGNORE with that id, and is called
// again with the next sequence number while the id was taken (`db.Changes()` is 0). A
// millisecond that is nearly full (a sender stamping millions of records with one time) spills
// into the next one, so the row's time moves by a millisecond rather than the insert failing.
// Returns the id used; LogIdTimeMs() of it is the time the row is indexed at.
template <typename Insert>
Result<int64_t> InsertAtTimeKey(sqlite::Database& db, int64_t time_ms, uint32_t* sequence,
                                Insert insert) {
  time_ms = std::clamp<int64_t>(time_ms, 0, kMaxLogTimeMs);
  for (int attempt = 0;; ++attempt) {
    int64_t id = LogIdAt(time_ms) | ((*sequence)++ & ((1u << kLogIdSequenceBits) - 1));
    NJ_RETURN_IF_ERROR(insert(id));
    if (db.Changes() == 1) return id;
    if (attempt % 16 == 15) time_ms = std::min(time_ms + 1, kMaxLogTimeMs);
    if (attempt > 100000)
      return Internal("no free time-ordered id near " + std::to_string(time_ms));
  }
}

class StoreWriter {
 public:
  // Prepares the writer's statements on `db`, which must be migrated.
  static Result<std::unique_ptr<StoreWriter>> Create(sqlite::Database db);
  ~StoreWriter();

  Status Begin();
  // Commits; then, when the write-ahead log has grown past kWalRestartBytes, checkpoints it
  // and restarts it from its beginning (see Commit() in the .cpp for why).
  Status Commit();
  // Rolls back the open transaction (if any) and drops the id caches.
  void Rollback();

  // Inserts a batch of log records; appends the id of each stored record to `ids` when given.
  Status WriteLogs(LogBatch& batch, std::vector<int64_t>* ids = nullptr);

  // Inserts a batch of metric points. A point whose series already has a point at the same time
  // is a retry of one already stored and is skipped (so a retried export never double counts).
  // Appends each newly stored point to `committed` when given; `stored` gets their number.
  Status WriteMetrics(const MetricBatch& batch, std::vector<CommittedPoint>* committed,
                      int64_t* stored);

  // Deletes up to `max_rows` log records with id < `id_limit`, oldest first, in the open
  // transaction. Returns the number deleted.
  Result<int64_t> DeleteLogsBefore(int64_t id_limit, int64_t max_rows);

  // Deletes metric points older than `time_unix_nano` for up to `max_series` series, starting
  // after series id `*cursor` (advanced; reset to 0 after the last series). Returns the number
  // of points deleted.
  Result<int64_t> DeletePointsBefore(uint64_t time_unix_nano, int64_t max_series, int64_t* cursor);

  // Inserts anomalies (the detection thread's, through the pipeline) and sets each one's id.
  Status WriteAnomalies(std::vector<Anomaly>& anomalies);

  // Deletes up to `max_rows` anomalies with id < `id_limit` (ids are time-ordered like log ids),
  // oldest first, in the open transaction. Returns the number deleted.
  Result<int64_t> DeleteAnomaliesBefore(int64_t id_limit, int64_t max_rows);

  // Returns the id of the oldest log record, or 0 when there is none.
  Result<int64_t> OldestLogId();

  // Returns the oldest minute (since the epoch) with metric rollups, or 0 when none.
  Result<int64_t> OldestMetricMinute();

  // Returns the bytes the database's live pages take (free pages excluded).
  Result<int64_t> UsedBytes();

  sqlite::Database& db() { return db_; }

 private:
  explicit StoreWriter(sqlite::Database db);
  Status PrepareAll();
  Result<int64_t> ResourceId(const StreamRow& s);
  Result<int64_t> ScopeId(const StreamRow& s);
  Result<int64_t> MetricId(const MetricRow& m);
  Result<int64_t> SeriesId(int64_t metric_id, int64_t resource_id, int64_t scope_id,
                           const std::string& attributes);

  sqlite::Database db_;
  struct Statements;
  std::unique_ptr<Statements> st_;
  uint32_t sequence_ = 0;
  int wal_pages_ = 0;  // frames in the write-ahead log after the last commit
  static int OnWal(void* self, sqlite3* db, const char* name, int pages);
  std::unordered_map<std::string, int64_t> resource_ids_;
  std::unordered_map<std::string, int64_t> scope_ids_;  // key includes the resource id
  std::unordered_map<std::string, int64_t> metric_ids_;
  std::unordered_map<std::string, int64_t> series_ids_;
};

}  // namespace nightjar::collector
