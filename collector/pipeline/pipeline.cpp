// The ingest pipeline's writer thread; see pipeline.h.
#include "pipeline/pipeline.h"

#include "base/logging.h"
#include "pipeline/prepare.h"

namespace nightjar::collector {
namespace {

constexpr const char* kComponent = "pipeline";

const char* SignalOf(const IngestItem& item) {
  return std::holds_alternative<LogBatch>(item.batch) ? "logs" : "metrics";
}

}  // namespace

Pipeline::Pipeline(Store* store, PipelineOptions options, SelfMetrics* metrics, const Clock* clock)
    : store_(store),
      options_(options),
      metrics_(metrics),
      clock_(clock),
      queue_(options.queue_max_bytes) {}

Pipeline::~Pipeline() { Stop(); }

void Pipeline::AddLogEnricher(std::shared_ptr<LogEnricher> enricher) {
  enrichers_.push_back(std::move(enricher));
}

void Pipeline::AddCommitObserver(std::shared_ptr<CommitObserver> observer) {
  observers_.push_back(std::move(observer));
}

void Pipeline::Start() {
  running_ = true;
  next_retention_ns_ = clock_->MonotonicNanos();
  thread_ = std::thread([this] { Run(); });
}

void Pipeline::Stop() {
  queue_.Close();
  if (thread_.joinable()) thread_.join();
  running_ = false;
}

Result<std::future<Status>> Pipeline::Submit(std::unique_ptr<IngestItem> item) {
  std::future<Status> done = item->done.get_future();
  NJ_RETURN_IF_ERROR(queue_.Push(item));
  return done;
}

Result<std::future<Status>> Pipeline::SubmitLogs(LogBatch batch, const otlp::LogsData* source) {
  // The classifiers' hook: records are changed here, on the receiver's thread, so that the
  // writer thread stays a plain writer.
  for (const auto& enricher : enrichers_) enricher->Enrich(batch, source);
  auto item = std::make_unique<IngestItem>();
  item->bytes = BatchBytes(batch);
  item->items = static_cast<int64_t>(batch.logs.size());
  item->batch = std::move(batch);
  return Submit(std::move(item));
}

Result<std::future<Status>> Pipeline::SubmitAnomalies(
    std::shared_ptr<std::vector<Anomaly>> anomalies) {
  auto item = std::make_unique<IngestItem>();
  for (const Anomaly& a : *anomalies) {
    item->bytes += sizeof(Anomaly) + a.metric.size() + a.attributes.size() + a.reason.size();
  }
  item->items = static_cast<int64_t>(anomalies->size());
  item->exempt_from_limit = true;
  item->batch = AnomalyBatch{std::move(anomalies)};
  return Submit(std::move(item));
}

Result<std::future<Status>> Pipeline::SubmitMetrics(MetricBatch batch) {
  auto item = std::make_unique<IngestItem>();
  item->bytes = BatchBytes(batch);
  item->items = static_cast<int64_t>(batch.points.size());
  item->batch = std::move(batch);
  return Submit(std::move(item));
}

void Pipeline::SetRetention(RetentionOptions retention) {
  std::lock_guard<std::mutex> lock(retention_mutex_);
  pending_retention_ = retention;
}

void Pipeline::TakePendingRetention() {
  std::lock_guard<std::mutex> lock(retention_mutex_);
  if (!pending_retention_) return;
  options_.retention = *pending_retention_;
  pending_retention_.reset();
  next_retention_ns_ = clock_->MonotonicNanos();
}

void Pipeline::Run() {
  for (;;) {
    TakePendingRetention();
    int64_t now = clock_->MonotonicNanos();
    Duration wait = std::chrono::nanoseconds(std::max<int64_t>(0, next_retention_ns_ - now));
    auto items =
        queue_.Pop(options_.max_batch_bytes, std::min<Duration>(wait, std::chrono::seconds(1)));
    if (!items.empty()) {
      WriteGroup(items);
    } else if (queue_.closed()) {
      break;
    }
    if (clock_->MonotonicNanos() >= next_retention_ns_) {
      auto deleted = RetentionStep();
      if (!deleted.ok()) {
        log::Error(kComponent, "retention failed", {{"error", deleted.status().ToString()}});
      }
      // More to delete: come back right after the next group of requests, so ingestion and
      // retention interleave instead of one starving the other.
      bool backlog = deleted.ok() && *deleted >= options_.retention.chunk_rows;
      next_retention_ns_ =
          clock_->MonotonicNanos() + (backlog ? 0 : options_.retention.interval.count());
    }
  }
  running_ = false;
}

Status Pipeline::WriteItem(IngestItem& item, std::vector<CommittedPoint>* points,
                           std::vector<int64_t>* ids, int64_t* stored) {
  StoreWriter& w = store_->writer();
  if (auto* logs = std::get_if<LogBatch>(&item.batch)) {
    NJ_RETURN_IF_ERROR(w.WriteLogs(*logs, ids));
    *stored = static_cast<int64_t>(logs->logs.size());
    return Status::Ok();
  }
  if (auto* anomalies = std::get_if<AnomalyBatch>(&item.batch)) {
    // Counted by the detection side (nightjar_collector_anomalies_total), not as stored items.
    return w.WriteAnomalies(*anomalies->anomalies);
  }
  return w.WriteMetrics(std::get<MetricBatch>(item.batch), points, stored);
}

void Pipeline::WriteGroup(std::vector<std::unique_ptr<IngestItem>>& items) {
  StoreWriter& w = store_->writer();
  int64_t start = clock_->MonotonicNanos();
  std::vector<CommittedPoint> points;
  std::vector<std::vector<int64_t>> ids(items.size());
  std::vector<int64_t> stored(items.size(), 0);
  Status st = w.Begin();
  for (size_t i = 0; st.ok() && i < items.size(); ++i) {
    st = WriteItem(*items[i], &points, &ids[i], &stored[i]);
  }
  if (st.ok()) st = w.Commit();
  if (!st.ok()) {
    metrics_->commit_failures.Get().Inc();
    w.Rollback();
    log::Error(kComponent, "group commit failed; retrying requests one by one",
               {{"error", st.ToString()}, {"requests", static_cast<int64_t>(items.size())}});
    if (items.size() > 1) {
      // Isolate the failing request: each gets its own transaction and its own answer.
      for (auto& item : items) {
        std::vector<std::unique_ptr<IngestItem>> one;
        one.push_back(std::move(item));
        WriteGroup(one);
      }
      return;
    }
    items[0]->done.set_value(st);
    queue_.Release(items[0]->bytes);
    return;
  }
  metrics_->commits.Get().Inc();
  metrics_->commit_duration.Get().Observe(static_cast<double>(clock_->MonotonicNanos() - start) /
                                          1e9);
  for (size_t i = 0; i < items.size(); ++i) {
    if (!std::holds_alternative<AnomalyBatch>(items[i]->batch)) {
      metrics_->stored.With({SignalOf(*items[i])}).Inc(static_cast<double>(stored[i]));
    }
    items[i]->done.set_value(Status::Ok());
  }
  for (const auto& observer : observers_) {
    if (!points.empty()) observer->OnPointsCommitted(points);
    for (size_t i = 0; i < items.size(); ++i) {
      if (auto* logs = std::get_if<LogBatch>(&items[i]->batch)) {
        observer->OnLogsCommitted(*logs, ids[i]);
      }
    }
  }
  for (const auto& item : items) queue_.Release(item->bytes);
}

Result<int64_t> Pipeline::RunRetentionNow() {
  TakePendingRetention();
  return RetentionStep();
}

Result<int64_t> Pipeline::RetentionStep() {
  const RetentionOptions& r = options_.retention;
  StoreWriter& w = store_->writer();
  int64_t now_ns = clock_->NowUnixNanos();
  int64_t log_cutoff_ms = (now_ns - r.logs.count()) / 1'000'000;
  uint64_t metric_cutoff = static_cast<uint64_t>(std::max<int64_t>(0, now_ns - r.metrics.count()));
  int64_t total = 0;
  NJ_RETURN_IF_ERROR(w.Begin());
  auto logs = w.DeleteLogsBefore(LogIdAt(std::max<int64_t>(0, log_cutoff_ms)), r.chunk_rows);
  auto points = logs.ok() ? w.DeletePointsBefore(metric_cutoff, 64, &series_cursor_) : logs;
  // Anomalies are about metric points and live as long as they do.
  auto anomalies = points.ok()
                       ? w.DeleteAnomaliesBefore(
                             LogIdAt(static_cast<int64_t>(metric_cutoff / 1'000'000)), r.chunk_rows)
                       : points;
  Status st = anomalies.ok() ? w.Commit() : anomalies.status();
  if (!st.ok()) {
    w.Rollback();
    return st;
  }
  metrics_->retention_deleted.With({"logs", "age"}).Inc(static_cast<double>(*logs));
  metrics_->retention_deleted.With({"metrics", "age"}).Inc(static_cast<double>(*points));
  metrics_->retention_deleted.With({"anomalies", "age"}).Inc(static_cast<double>(*anomalies));
  total = *logs + *points + *anomalies;
  if (r.max_bytes == 0) return total;
  NJ_ASSIGN_OR_RETURN(int64_t used, w.UsedBytes());
  if (used <= static_cast<int64_t>(r.max_bytes)) return total;
  // Over the size cap: drop the oldest chunk of logs, and metric points older than the newest
  // log dropped, so that both signals keep the same horizon. Freed pages are reused by new
  // rows, so the file stops growing.
  NJ_RETURN_IF_ERROR(w.Begin());
  auto oldest = w.OldestLogId();
  if (!oldest.ok()) {
    w.Rollback();
    return oldest.status();
  }
  int64_t horizon_ms = LogIdTimeMs(*oldest) + 60'000;
  if (*oldest == 0) {
    // No logs left: move the metrics' horizon by an hour past their oldest minute.
    auto minute = w.OldestMetricMinute();
    if (!minute.ok()) {
      w.Rollback();
      return minute.status();
    }
    horizon_ms = (*minute + 60) * 60'000;
  }
  logs = w.DeleteLogsBefore(LogIdAt(horizon_ms), r.chunk_rows);
  int64_t cursor = 0;
  int64_t size_points = 0;
  while (logs.ok()) {
    auto n = w.DeletePointsBefore(static_cast<uint64_t>(horizon_ms) * 1'000'000, 256, &cursor);
    if (!n.ok()) {
      logs = n.status();
      break;
    }
    size_points += *n;
    if (cursor == 0) break;
  }
  int64_t size_anomalies = 0;
  if (logs.ok()) {
    auto n = w.DeleteAnomaliesBefore(LogIdAt(horizon_ms), r.chunk_rows);
    if (n.ok()) {
      size_anomalies = *n;
    } else {
      logs = n.status();
    }
  }
  st = logs.ok() ? w.Commit() : logs.status();
  if (!st.ok()) {
    w.Rollback();
    return st;
  }
  metrics_->retention_deleted.With({"logs", "size"}).Inc(static_cast<double>(*logs));
  metrics_->retention_deleted.With({"metrics", "size"}).Inc(static_cast<double>(size_points));
  metrics_->retention_deleted.With({"anomalies", "size"}).Inc(static_cast<double>(size_anomalies));
  log::Info(kComponent, "size cap reached; deleted the oldest data",
            {{"used_bytes", used},
             {"logs", *logs},
             {"points", size_points},
             {"anomalies", size_anomalies}});
  int64_t size_total = *logs + size_points + size_anomalies;
  if (size_total == 0) return total;  // nothing left that retention may delete
  // Report a full chunk so the loop comes back until the database is under the cap.
  return std::max(total + size_total, r.chunk_rows);
}

}  // namespace nightjar::collector
