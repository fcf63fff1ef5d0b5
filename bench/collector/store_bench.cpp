// Benchmarks of the store without HTTP: the writer's insert rate for log records and metric
// points (one transaction per group of requests, as the pipeline commits them), and the query
// targets — a full-text search over 10 million records and a 24-hour bucketed query over
// 1 million points.
//
// The query database is built once, deterministically, at $NJ_BENCH_DB (default
// /tmp/nightjar-bench/query.db) and reused by later runs; delete it to rebuild.
//
//   build/release/bench/collector/store_bench --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "bench_data.h"
#include "pipeline/prepare.h"
#include "store/log_queries.h"
#include "store/metric_queries.h"
#include "store/store.h"

namespace nightjar::collector::bench {
namespace {

constexpr uint64_t kDay = 86'400'000'000'000ULL;
constexpr uint64_t kBase = 1'767'225'600'000'000'000ULL;  // 2026-01-01T00:00:00Z

std::unique_ptr<Store> OpenFresh(const std::string& path) {
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  StoreOptions o;
  o.path = path;
  auto store = Store::Open(o);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    std::abort();
  }
  return std::move(store).value();
}

void Check(const Status& st) {
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    std::abort();
  }
}

// Inserts log records in transactions of `per_txn` records (requests of 500).
void BM_WriteLogs(benchmark::State& state) {
  auto dir = std::filesystem::temp_directory_path() / "nightjar-bench-write";
  std::filesystem::create_directories(dir);
  auto store = OpenFresh((dir / "logs.db").string());
  PrepareOptions prep;
  prep.now_unix_nano = static_cast<int64_t>(kBase);
  std::vector<LogBatch> batches;
  for (int i = 0; i < 8; ++i) {
    batches.push_back(PrepareLogs(MakeLogs(static_cast<uint64_t>(i), 500, kBase), prep));
  }
  size_t per_txn = static_cast<size_t>(state.range(0)) / 500;
  int64_t records = 0;
  size_t next = 0;
  for (auto _ : state) {
    Check(store->writer().Begin());
    for (size_t r = 0; r < per_txn; ++r) {
      Check(store->writer().WriteLogs(batches[next++ % batches.size()]));
      records += 500;
    }
    Check(store->writer().Commit());
  }
  state.SetItemsProcessed(records);
}
BENCHMARK(BM_WriteLogs)->Arg(2000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_WriteMetricPoints(benchmark::State& state) {
  auto dir = std::filesystem::temp_directory_path() / "nightjar-bench-write";
  std::filesystem::create_directories(dir);
  auto store = OpenFresh((dir / "points.db").string());
  int64_t points = 0;
  uint64_t t = kBase;
  Rejections rejections;
  for (auto _ : state) {
    state.PauseTiming();
    // 100 series x 100 points per transaction, timestamps moving on each round.
    MetricBatch batch = PrepareMetrics(MakeMetrics(1, 100, 100, t, 1'000'000'000), &rejections);
    t += 100 * 1'000'000'000ULL;
    state.ResumeTiming();
    Check(store->writer().Begin());
    int64_t stored = 0;
    Check(store->writer().WriteMetrics(batch, nullptr, &stored));
    Check(store->writer().Commit());
    points += stored;
  }
  state.SetItemsProcessed(points);
}
BENCHMARK(BM_WriteMetricPoints)->Unit(benchmark::kMillisecond);

// The query database: 10M log records over 10 days and 1M points (100 series, one point every
// 8.64 s over the last day). Built once.
Store* QueryStore() {
  static std::unique_ptr<Store> store = [] {
    const char* env = std::getenv("NJ_BENCH_DB");
    std::string path = env != nullptr ? env : "/tmp/nightjar-bench/query.db";
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    bool exists = std::filesystem::exists(path);
    StoreOptions o;
    o.path = path;
    auto opened = Store::Open(o);
    if (!opened.ok()) std::abort();
    std::unique_ptr<Store> s = std::move(opened).value();
    if (exists) return s;
    std::fprintf(stderr, "building %s (10M log records, 1M points; takes minutes)...\n",
                 path.c_str());
    PrepareOptions prep;
    prep.now_unix_nano = static_cast<int64_t>(kBase + 20 * kDay);
    constexpr size_t kRecords = 10'000'000, kPerBatch = 1000;
    uint64_t spacing = 10 * kDay / kRecords;
    for (size_t done = 0; done < kRecords;) {
      Check(s->writer().Begin());
      for (int b = 0; b < 20 && done < kRecords; ++b, done += kPerBatch) {
        LogBatch batch = PrepareLogs(MakeLogs(done, kPerBatch, kBase + done * spacing), prep);
        // MakeLogs spaces records 1 us apart; spread them over the 10 days instead.
        for (size_t i = 0; i < batch.logs.size(); ++i) {
          uint64_t t = kBase + (done + i) * spacing;
          batch.logs[i].time_unix_nano = t;
          batch.logs[i].time_key_ms = static_cast<int64_t>(t / 1'000'000);
        }
        Check(s->writer().WriteLogs(batch));
      }
      Check(s->writer().Commit());
    }
    Rejections rejections;
    uint64_t day_start = kBase + 9 * kDay;
    for (size_t p = 0; p < 10'000; p += 500) {
      MetricBatch batch = PrepareMetrics(
          MakeMetrics(3, 100, 500, day_start + p * 8'640'000'000ULL, 8'640'000'000ULL),
          &rejections);
      Check(s->writer().Begin());
      int64_t stored = 0;
      Check(s->writer().WriteMetrics(batch, nullptr, &stored));
      Check(s->writer().Commit());
    }
    Check(s->writer().db().Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    return s;
  }();
  return store.get();
}

void RunLogSearch(benchmark::State& state, LogQuery q) {
  Store* store = QueryStore();
  size_t found = 0;
  for (auto _ : state) {
    auto reader = store->AcquireReader(std::chrono::seconds(30));
    auto page = SearchLogs(**reader, q);
    if (!page.ok()) {
      state.SkipWithError(page.status().ToString().c_str());
      return;
    }
    found = page->logs.size();
  }
  state.counters["found"] = static_cast<double>(found);
}

void BM_SearchCommonWord(benchmark::State& state) {
  LogQuery q;
  q.words = "timeout";
  RunLogSearch(state, q);
}
BENCHMARK(BM_SearchCommonWord)->Unit(benchmark::kMillisecond);

void BM_SearchTwoWords(benchmark::State& state) {
  LogQuery q;
  q.words = "certificate handshake";
  q.severity_min = 17;
  RunLogSearch(state, q);
}
BENCHMARK(BM_SearchTwoWords)->Unit(benchmark::kMillisecond);

void BM_SearchRareWord(benchmark::State& state) {
  LogQuery q;
  q.words = RareWord();
  RunLogSearch(state, q);
}
BENCHMARK(BM_SearchRareWord)->Unit(benchmark::kMillisecond);

void BM_SearchWordInTimeRange(benchmark::State& state) {
  LogQuery q;
  q.words = "payment failed";
  q.from_ms = static_cast<int64_t>((kBase + 3 * kDay) / 1'000'000);
  q.to_ms = static_cast<int64_t>((kBase + 4 * kDay) / 1'000'000);
  RunLogSearch(state, q);
}
BENCHMARK(BM_SearchWordInTimeRange)->Unit(benchmark::kMillisecond);

void BM_NewestPageWithAttribute(benchmark::State& state) {
  LogQuery q;
  q.attributes = {{"http.status_code", "500"}};
  RunLogSearch(state, q);
}
BENCHMARK(BM_NewestPageWithAttribute)->Unit(benchmark::kMillisecond);

void BM_LogVolume24h(benchmark::State& state) {
  Store* store = QueryStore();
  VolumeQuery v;
  v.filter.from_ms = static_cast<int64_t>((kBase + 9 * kDay) / 1'000'000);
  v.filter.to_ms = static_cast<int64_t>((kBase + 10 * kDay) / 1'000'000);
  v.step_ms = 5 * 60'000;
  for (auto _ : state) {
    auto reader = store->AcquireReader(std::chrono::seconds(30));
    auto r = LogVolume(**reader, v);
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
  }
}
BENCHMARK(BM_LogVolume24h)->Unit(benchmark::kMillisecond);

void RunMetricQuery(benchmark::State& state, Aggregation agg, int64_t step) {
  Store* store = QueryStore();
  MetricQuery q;
  q.metrics = {"bench.latency"};
  q.from_unix_nano = kBase + 9 * kDay;
  q.to_unix_nano = kBase + 10 * kDay;
  q.step_nanos = step;
  q.aggregation = agg;
  q.group_by = "route";
  q.max_series = 1000;
  for (auto _ : state) {
    auto reader = store->AcquireReader(std::chrono::seconds(30));
    auto r = QueryMetrics(**reader, q);
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
  }
}

void BM_Metric24hAvg5m(benchmark::State& state) {
  RunMetricQuery(state, Aggregation::kAvg, 300'000'000'000);
}
BENCHMARK(BM_Metric24hAvg5m)->Unit(benchmark::kMillisecond);

void BM_Metric24hMax1m(benchmark::State& state) {
  RunMetricQuery(state, Aggregation::kMax, 60'000'000'000);
}
BENCHMARK(BM_Metric24hMax1m)->Unit(benchmark::kMillisecond);

void BM_Metric24hP95Raw5m(benchmark::State& state) {
  RunMetricQuery(state, Aggregation::kP95, 300'000'000'000);
}
BENCHMARK(BM_Metric24hP95Raw5m)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace nightjar::collector::bench

BENCHMARK_MAIN();
