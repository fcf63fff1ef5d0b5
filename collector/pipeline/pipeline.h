// The ingest pipeline: receiver threads submit batches, one writer thread commits them in
// groups, and every submitter is told when its rows are durable.
//
//   receiver thread:  Submit*(batch) ── enrichers (log records get labels) ──► IngestQueue
//   writer thread:    Pop all queued (up to max_batch_bytes) ─► BEGIN; write each; COMMIT
//                     ─► fulfil each request's promise ─► commit observers (detectors)
//                     ─► between groups: one retention step (bounded number of rows)
//   detection thread: SubmitAnomalies ──────────────────────────────────► IngestQueue
//                     (the anomalies it found go through the same single writer)
//
// Group commit: while one transaction commits, new requests queue up and share the next one,
// so the cost of a commit is paid once per group, not per request. A request's promise is
// fulfilled only after COMMIT returned, which is what lets the receiver answer 200 only for
// durable rows. If a group fails, it is rolled back and its requests are retried one by one,
// so one bad request cannot fail the others.
//
// Extension points (set before Start()):
//   LogEnricher      runs on the submitting receiver thread, before the batch is queued; may
//                    change each LogRow: labels, attributes, severity (the classifier plugins,
//                    pipeline/plugin_classifier.h). Called concurrently.
//   CommitObserver   runs on the writer thread after each commit with the committed metric
//                    points (series id + identity + time + value) and log record ids
//                    (detectors, rules). Must be quick: it delays the next group (the detector
//                    plugins only queue points there: detection/detection_runner.h).
//
// Thread-safety: Submit*() from any thread; Start()/Stop() from one thread.
#pragma once

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "base/status.h"
#include "otlp/model.h"
#include "pipeline/ingest_queue.h"
#include "runtime/clock.h"
#include "runtime/units.h"
#include "self_metrics.h"
#include "store/store.h"

namespace nightjar::collector {

// Changes log records before they are stored (e.g. classifiers).
class LogEnricher {
 public:
  virtual ~LogEnricher() = default;
  // Changes the records of `batch`: adds labels (LogRow::labels), rewrites attributes or the
  // severity; `batch.streams[row.stream]` is each record's resource and scope. `source` is the
  // decoded request the batch was prepared from (PrepareLogs: batch.logs[i] is the i-th record
  // of `source` in resource, scope, record order), or null for a batch built otherwise. Called
  // concurrently from receiver threads.
  virtual void Enrich(LogBatch& batch, const otlp::LogsData* source) = 0;
};

// Sees what was committed (e.g. anomaly detectors, rules).
class CommitObserver {
 public:
  virtual ~CommitObserver() = default;
  // Receives the metric points of one committed transaction.
  virtual void OnPointsCommitted(std::span<const CommittedPoint> points) { (void)points; }
  // Receives a committed log batch and the id of each of its records (same order).
  virtual void OnLogsCommitted(const LogBatch& batch, std::span<const int64_t> ids) {
    (void)batch;
    (void)ids;
  }
};

struct RetentionOptions {
  Duration logs = std::chrono::hours(24 * 7);
  Duration metrics = std::chrono::hours(24 * 30);
  uint64_t max_bytes = 0;  // 0 = no size cap
  Duration interval = std::chrono::minutes(1);
  int64_t chunk_rows = 5000;  // rows per retention step: bounds how long one step holds the lock
};

struct PipelineOptions {
  size_t queue_max_bytes = 64 << 20;
  size_t max_batch_bytes = 16 << 20;  // per transaction
  RetentionOptions retention;
};

class Pipeline {
 public:
  Pipeline(Store* store, PipelineOptions options, SelfMetrics* metrics,
           const Clock* clock = &Clock::System());
  ~Pipeline();

  // Adds an enricher or observer. Only before Start().
  void AddLogEnricher(std::shared_ptr<LogEnricher> enricher);
  void AddCommitObserver(std::shared_ptr<CommitObserver> observer);

  // Starts the writer thread.
  void Start();

  // Refuses new batches, commits everything queued, and joins the writer thread.
  void Stop();

  // Returns true while the writer thread runs.
  bool running() const { return running_.load(); }

  // Queues a batch; the future becomes ready when its rows are committed (or failed). Fails at
  // once with ResourceExhausted when the queue is full, Unavailable when stopping. Log batches
  // go through the enrichers first; `source` is what they were prepared from (see LogEnricher),
  // and need only live for the call.
  Result<std::future<Status>> SubmitLogs(LogBatch batch, const otlp::LogsData* source = nullptr);
  Result<std::future<Status>> SubmitMetrics(MetricBatch batch);
  // Queues anomalies for the writer (the detection thread's; admitted even when the queue is
  // full). Once the future is ready and OK, each anomaly's id is set.
  Result<std::future<Status>> SubmitAnomalies(std::shared_ptr<std::vector<Anomaly>> anomalies);

  // Waits up to `timeout` until everything submitted is committed and its observers ran (the
  // collector's shutdown: detection must see the last commits before the pipeline stops).
  bool WaitIdle(Duration timeout) { return queue_.WaitEmpty(timeout); }

  // Replaces the retention settings (a configuration reload). The writer thread takes them up
  // after its current group and runs a retention step at once, so a shorter period applies
  // without waiting for the old interval.
  void SetRetention(RetentionOptions retention);

  // Runs retention now (on the calling thread, which must not race the writer thread: tests
  // call it before Start() or after Stop()). Returns the rows deleted.
  Result<int64_t> RunRetentionNow();

  const IngestQueue& queue() const { return queue_; }

 private:
  Result<std::future<Status>> Submit(std::unique_ptr<IngestItem> item);
  void Run();
  void WriteGroup(std::vector<std::unique_ptr<IngestItem>>& items);
  Status WriteItem(IngestItem& item, std::vector<CommittedPoint>* points, std::vector<int64_t>* ids,
                   int64_t* stored);
  // Deletes one chunk of expired data; returns rows deleted (0 = nothing left to do).
  Result<int64_t> RetentionStep();
  // Takes up settings SetRetention left (writer thread).
  void TakePendingRetention();

  Store* store_;
  PipelineOptions options_;
  SelfMetrics* metrics_;
  const Clock* clock_;
  IngestQueue queue_;
  std::vector<std::shared_ptr<LogEnricher>> enrichers_;
  std::vector<std::shared_ptr<CommitObserver>> observers_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  int64_t next_retention_ns_ = 0;
  std::mutex retention_mutex_;                         // guards pending_retention_
  std::optional<RetentionOptions> pending_retention_;  // set by SetRetention, taken by Run

  int64_t series_cursor_ = 0;
};

}  // namespace nightjar::collector
