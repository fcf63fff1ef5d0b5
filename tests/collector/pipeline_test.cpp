// Tests of the ingest queue and the pipeline: the byte limit, backpressure, group commit,
// the enrichment and post-commit hooks, and draining on stop.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "pipeline/ingest_queue.h"
#include "pipeline/pipeline.h"
#include "pipeline/prepare.h"
#include "store/log_queries.h"
#include "test_util.h"

namespace nightjar::collector {
namespace {

using testing::kT0;

std::unique_ptr<IngestItem> Item(size_t bytes) {
  auto item = std::make_unique<IngestItem>();
  item->bytes = bytes;
  return item;
}

TEST(IngestQueue, RefusesWhatWouldExceedTheByteLimitUntilReleased) {
  IngestQueue q(1000);
  auto a = Item(600);
  ASSERT_TRUE(q.Push(a).ok());
  auto b = Item(600);
  Status full = q.Push(b);
  EXPECT_EQ(full.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(b, nullptr);  // still the caller's
  auto c = Item(400);
  ASSERT_TRUE(q.Push(c).ok());
  EXPECT_EQ(q.bytes(), 1000u);
  auto popped = q.Pop(1 << 20, std::chrono::milliseconds(0));
  EXPECT_EQ(popped.size(), 2u);
  EXPECT_EQ(q.bytes(), 1000u);  // popped but not yet written: still counted
  EXPECT_EQ(q.Push(b).code(), StatusCode::kResourceExhausted);
  q.Release(1000);
  EXPECT_TRUE(q.Push(b).ok());
}

TEST(IngestQueue, AdmitsOneOversizedItemWhenIdleAndStopsAtTheBatchLimit) {
  IngestQueue q(100);
  auto big = Item(500);
  ASSERT_TRUE(q.Push(big).ok());
  q.Release(500);
  (void)q.Pop(1, std::chrono::milliseconds(0));
  for (int i = 0; i < 3; ++i) {
    auto it = Item(30);
    ASSERT_TRUE(q.Push(it).ok());
  }
  EXPECT_EQ(q.Pop(60, std::chrono::milliseconds(0)).size(), 2u);
  EXPECT_EQ(q.Pop(60, std::chrono::milliseconds(0)).size(), 1u);
  EXPECT_TRUE(q.Pop(60, std::chrono::milliseconds(1)).empty());
  q.Close();
  auto late = Item(1);
  EXPECT_EQ(q.Push(late).code(), StatusCode::kUnavailable);
}

class Labeler : public LogEnricher {
 public:
  void Enrich(LogBatch& batch, const otlp::LogsData*) override {
    for (LogRow& r : batch.logs) {
      r.labels.emplace_back("severity_class", r.severity_number >= 17 ? "bad" : "ok");
      r.labels.emplace_back("service", batch.streams[r.stream].service);
    }
  }
};

class Recorder : public CommitObserver {
 public:
  void OnPointsCommitted(std::span<const CommittedPoint> points) override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const CommittedPoint& p : points) {
      values.push_back(p.metric->name + "=" + std::to_string(*p.value));
      series.push_back(p.series_id);
    }
  }
  void OnLogsCommitted(const LogBatch& batch, std::span<const int64_t> ids) override {
    std::lock_guard<std::mutex> lock(mutex_);
    EXPECT_EQ(batch.logs.size(), ids.size());
    log_ids.insert(log_ids.end(), ids.begin(), ids.end());
  }
  std::mutex mutex_;
  std::vector<std::string> values;
  std::vector<int64_t> series;
  std::vector<int64_t> log_ids;
};

// Options whose retention keeps the tests' 2023 timestamps.
PipelineOptions KeepEverything() {
  PipelineOptions o;
  o.retention.logs = o.retention.metrics = std::chrono::hours(24 * 365 * 100);
  return o;
}

TEST(Pipeline, EnrichesCommitsAndNotifiesObservers) {
  testing::TempDir dir;
  auto store = testing::OpenStore(dir.File("p.db"));
  SelfMetrics metrics;
  Pipeline pipeline(store.get(), KeepEverything(), &metrics);
  auto recorder = std::make_shared<Recorder>();
  pipeline.AddLogEnricher(std::make_shared<Labeler>());
  pipeline.AddCommitObserver(recorder);
  pipeline.Start();
  PrepareOptions prep;
  prep.now_unix_nano = static_cast<int64_t>(kT0);
  auto logs = pipeline.SubmitLogs(PrepareLogs(testing::Logs("svc", 6, kT0), prep));
  Rejections rejections;
  auto points = pipeline.SubmitMetrics(PrepareMetrics(testing::Gauge("g", 1, 2, kT0), &rejections));
  ASSERT_TRUE(logs.ok());
  ASSERT_TRUE(points.ok());
  EXPECT_TRUE(logs->get().ok());
  EXPECT_TRUE(points->get().ok());
  pipeline.Stop();
  EXPECT_EQ(recorder->values, (std::vector<std::string>{"g=0.000000", "g=1.000000"}));
  EXPECT_EQ(recorder->log_ids.size(), 6u);
  EXPECT_EQ(metrics.stored.With({"logs"}).Value(), 6);
  EXPECT_EQ(metrics.stored.With({"metrics"}).Value(), 2);
  auto reader = store->AcquireReader(std::chrono::seconds(5));
  LogQuery q;
  q.labels = {{"severity_class", "bad"}, {"service", "svc"}};
  auto page = SearchLogs(**reader, q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->logs.size(), 2u);
}

TEST(Pipeline, GroupsConcurrentRequestsIntoFewTransactions) {
  testing::TempDir dir;
  auto store = testing::OpenStore(dir.File("p.db"));
  SelfMetrics metrics;
  Pipeline pipeline(store.get(), PipelineOptions(), &metrics);
  pipeline.Start();
  constexpr int kThreads = 8, kRequests = 25;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      PrepareOptions prep;
      prep.now_unix_nano = static_cast<int64_t>(kT0);
      for (int i = 0; i < kRequests; ++i) {
        auto done = pipeline.SubmitLogs(PrepareLogs(
            testing::Logs("s" + std::to_string(t), 20, kT0 + static_cast<uint64_t>(i) * 1000),
            prep));
        if (done.ok() && done->get().ok()) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  pipeline.Stop();
  EXPECT_EQ(ok.load(), kThreads * kRequests);
  EXPECT_EQ(metrics.stored.With({"logs"}).Value(), kThreads * kRequests * 20);
  // Group commit: fewer transactions than requests (requests wait for the one in progress).
  EXPECT_LT(metrics.commits.Get().Value(), kThreads * kRequests);
  EXPECT_EQ(pipeline.queue().bytes(), 0u);
}

TEST(Pipeline, RefusesWhenTheQueueIsFullAndCommitsEverythingQueuedOnStop) {
  testing::TempDir dir;
  auto store = testing::OpenStore(dir.File("p.db"));
  SelfMetrics metrics;
  PipelineOptions o;
  o.queue_max_bytes = 64 << 10;
  Pipeline pipeline(store.get(), o, &metrics);  // not started: nothing drains the queue
  PrepareOptions prep;
  prep.now_unix_nano = static_cast<int64_t>(kT0);
  std::vector<std::future<Status>> accepted;
  int refused = 0;
  for (int i = 0; i < 50; ++i) {
    auto r = pipeline.SubmitLogs(PrepareLogs(testing::Logs("s", 20, kT0), prep));
    if (r.ok()) {
      accepted.push_back(std::move(r).value());
    } else {
      EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_FALSE(accepted.empty());
  EXPECT_LE(pipeline.queue().bytes(), o.queue_max_bytes);
  pipeline.Start();
  pipeline.Stop();  // drains
  for (auto& f : accepted) EXPECT_TRUE(f.get().ok());
  EXPECT_EQ(metrics.stored.With({"logs"}).Value(), static_cast<double>(accepted.size() * 20));
  auto late = pipeline.SubmitLogs(PrepareLogs(testing::Logs("s", 1, kT0), prep));
  EXPECT_EQ(late.status().code(), StatusCode::kUnavailable);
}

TEST(Pipeline, IsolatesAFailingRequestFromTheOthersInItsGroup) {
  testing::TempDir dir;
  auto store = testing::OpenStore(dir.File("p.db"));
  SelfMetrics metrics;
  Pipeline pipeline(store.get(), PipelineOptions(), &metrics);
  PrepareOptions prep;
  prep.now_unix_nano = static_cast<int64_t>(kT0);
  auto good = pipeline.SubmitLogs(PrepareLogs(testing::Logs("s", 3, kT0), prep));
  // A trigger that fails inserts of one service stands in for a failing request.
  ASSERT_TRUE(store->writer()
                  .db()
                  .Exec("CREATE TRIGGER fail BEFORE INSERT ON logs WHEN NEW.severity_text = "
                        "'BOOM' BEGIN SELECT RAISE(ABORT, 'boom'); END;")
                  .ok());
  LogBatch bad = PrepareLogs(testing::Logs("s", 3, kT0), prep);
  bad.logs[1].severity_text = "BOOM";
  auto failing = pipeline.SubmitLogs(std::move(bad));
  auto good2 = pipeline.SubmitLogs(PrepareLogs(testing::Logs("s", 3, kT0), prep));
  pipeline.Start();
  pipeline.Stop();
  EXPECT_TRUE(good->get().ok());
  Status st = failing->get();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("boom"), std::string::npos);
  EXPECT_TRUE(good2->get().ok());
  EXPECT_EQ(metrics.stored.With({"logs"}).Value(), 6);
  EXPECT_GE(metrics.commit_failures.Get().Value(), 1);
}

}  // namespace
}  // namespace nightjar::collector
