// Tests of the store: schema and migrations, log writes and every log query, retention.
#include <gtest/gtest.h>

#include <set>

#include "pipeline/pipeline.h"
#include "pipeline/prepare.h"
#include "store/log_queries.h"
#include "store/schema.h"
#include "store/store.h"
#include "store/value_json.h"
#include "test_data.h"
#include "test_util.h"

namespace nightjar::collector {
namespace {

using testing::kT0;
using testing::TempDir;

LogBatch Prepare(const otlp::LogsData& logs, uint64_t now = testing::kT0) {
  PrepareOptions o;
  o.now_unix_nano = static_cast<int64_t>(now);
  return PrepareLogs(logs, o);
}

void Write(Store& store, LogBatch batch, std::vector<int64_t>* ids = nullptr) {
  ASSERT_TRUE(store.writer().Begin().ok());
  Status st = store.writer().WriteLogs(batch, ids);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(store.writer().Commit().ok());
}

Result<LogPage> Search(Store& store, const LogQuery& q) {
  auto reader = store.AcquireReader(std::chrono::seconds(10));
  if (!reader.ok()) return reader.status();
  return SearchLogs(**reader, q);
}

TEST(Schema, NewDatabaseHasTheCurrentVersion) {
  TempDir dir;
  auto store = testing::OpenStore(dir.File("a.db"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*SchemaVersion(&store->writer().db()), kSchemaVersion);
}

TEST(Schema, MigratesAVersionOneDatabaseKeepingItsRecords) {
  TempDir dir;
  std::string path = dir.File("old.db");
  testing::SeedDatabaseAtVersion(path, 1, "written by version one");
  auto store = testing::OpenStore(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*SchemaVersion(&store->writer().db()), kSchemaVersion);
  LogQuery q;
  q.words = "version";
  auto page = Search(*store, q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->logs.size(), 1u);
  EXPECT_EQ(page->logs[0].service, "old-svc");
  EXPECT_FALSE(page->logs[0].labels.has_value());
  // The migration counted the old record into the per-minute volume.
  auto reader = store->AcquireReader(std::chrono::seconds(5));
  VolumeQuery v;
  v.filter.from_ms = 1'700'000'000'000 - 60'000;
  v.filter.to_ms = 1'700'000'000'000 + 60'000;
  auto volume = LogVolume(**reader, v);
  ASSERT_TRUE(volume.ok());
  EXPECT_TRUE(volume->from_rollup);
  ASSERT_EQ(volume->series.size(), 1u);
  EXPECT_EQ(volume->series[0].first, "error");
}

TEST(Schema, RefusesADatabaseFromANewerCollector) {
  TempDir dir;
  std::string path = dir.File("new.db");
  {
    auto db = sqlite::Database::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("PRAGMA user_version = 99").ok());
  }
  StoreOptions o;
  o.path = path;
  auto store = Store::Open(o);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("schema version 99"), std::string::npos);
}

TEST(LogStore, KeepsEveryOtlpField) {
  TempDir dir;
  auto store = testing::OpenStore(dir.File("a.db"));
  otlp::LogsData full = otlp::testing::FullLogs();
  Write(*store, Prepare(full));
  LogQuery q;
  q.limit = 1000;
  auto page = Search(*store, q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->logs.size(), otlp::CountLogRecords(full));
  // Newest first: compare against the request's records sorted by indexed time.
  std::multiset<std::string> expected, got;
  for (const auto& rl : full.resource_logs) {
    for (const auto& sl : rl.scope_logs) {
      for (const auto& r : sl.log_records) {
        std::string key =
            std::to_string(r.time_unix_nano) + "|" + std::to_string(r.observed_time_unix_nano) +
            "|" + std::to_string(r.severity_number) + "|" + r.severity_text + "|" + r.event_name +
            "|" + std::to_string(r.flags) + "|" + std::to_string(r.dropped_attributes_count) + "|" +
            AttributesJson(r.attributes) + "|" +
            (r.body.kind() == otlp::ValueKind::kString ? r.body.string_value()
                                                       : AnyValueJson(r.body)) +
            "|" + sl.scope.name + "|" + AttributesJson(rl.resource.attributes) + "|" +
            (otlp::IsZeroId(r.trace_id) ? "" : "t");
        expected.insert(key);
      }
    }
  }
  for (const LogEntry& e : page->logs) {
    std::string body = e.body ? *e.body : (e.body_json ? *e.body_json : "null");
    got.insert(std::to_string(e.time_unix_nano) + "|" + std::to_string(e.observed_time_unix_nano) +
               "|" + std::to_string(e.severity_number) + "|" + e.severity_text + "|" +
               e.event_name + "|" + std::to_string(e.flags) + "|" +
               std::to_string(e.dropped_attributes_count) + "|" + e.attributes + "|" + body + "|" +
               e.scope_name + "|" + e.resource_attributes + "|" + (e.trace_id.empty() ? "" : "t"));
    if (!e.trace_id.empty()) {
      EXPECT_EQ(e.trace_id.size(), 16u);
      EXPECT_EQ(e.span_id.size(), 8u);
    }
  }
  EXPECT_EQ(got, expected);
  for (size_t i = 1; i < page->logs.size(); ++i) EXPECT_GT(page->logs[i - 1].id, page->logs[i].id);
}

TEST(LogStore, SearchesWordsAndRawFtsAndRefusesBadSyntax) {
  TempDir dir;
  auto store = testing::OpenStore(dir.File("a.db"));
  Write(*store, Prepare(testing::Logs("a", 5, kT0, "alpha")));
  Write(*store, Prepare(testing::Logs("b", 5, kT0 + 10'000'000'000, "beta-gamma:x")));
  LogQuery q;
  q.words = "beta-gamma:x";  // punctuation is text, not syntax
  auto page = Search(*store, q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->logs.size(), 5u);
  q = LogQuery();
  q.fts = "alpha OR beta";
  page = Search(*store, q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->logs.size(), 10u);
  q.fts = "alph*";
  page = Search(*store, q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->logs.size(), 5u);
  q.fts = "AND (";
  page = Search(*store, q);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(page.status().message().rfind("fts: ", 0), 0u) << page.status().message();
}

TEST(LogStore, FiltersByServiceSeverityTimeAttributesAndLabels) {
  TempDir dir;
  auto store = testing::OpenStore(dir.File("a.db"));
  Write(*store, Prepare(testing::Logs("a", 9, kT0)));
  LogBatch b = Prepare(testing::Logs("b", 9, kT0 + 60'000'000'000));
  for (size_t i = 0; i < b.logs.size(); ++i) {
    b.logs[i].labels = {{"template", i < 3 ? "T1" : "T2"}};
  }
  Write(*store, std::move(b));

  LogQuery q;
  q.service = "b";
  EXPECT_EQ(Search(*store, q)->logs.size(), 9u);
  q.severity_min = 17;
  EXPECT_EQ(Search(*store, q)->logs.size(), 3u);
  q = LogQuery();
  q.severity_max = 12;
  EXPECT_EQ(Search(*store, q)->logs.size(), 6u);
  q = LogQuery();
  q.from_ms = static_cast<int64_t>(kT0 / 1'000'000);
  q.to_ms = q.from_ms + 3;  // records at +0, +1, +2 ms of service a
  EXPECT_EQ(Search(*store, q)->logs.size(), 3u);
  q = LogQuery();
  q.attributes = {{"n", "4"}};
  auto page = Search(*store, q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->logs.size(), 2u);  // one per service
  q.attributes = {{"n", "4"}, {"log.file.path", "/var/log/a"}};
  EXPECT_EQ(Search(*store, q)->logs.size(), 2u);
  q.resource_attributes = {{"service.name", "a"}};
  EXPECT_EQ(Search(*store, q)->logs.size(), 1u);
  q = LogQuery();
  q.labels = {{"template", "T1"}};
  page = Search(*store, q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->logs.size(), 3u);
  EXPECT_EQ(*page->logs[0].labels, "{\"template\":\"T1\"}");
  q.attributes = {{"bad\"key", "x"}};
  EXPECT_EQ(Search(*store, q).status().code(), StatusCode::kInvalidArgument);
}

TEST(LogStore, PaginatesWithAKeysetCursorWithoutGapsOrRepeats) {
  TempDir dir;
  auto store = testing::OpenStore(dir.File("a.db"));
  // Many records in the same millisecond: ids still order them, pages still tile.
  otlp::LogsData logs = testing::Logs("a", 25, kT0);
  for (auto& r : logs.resource_logs[0].scope_logs[0].log_records) r.time_unix_nano = kT0;
  Write(*store, Prepare(logs));
  LogQuery q;
  q.limit = 10;
  std::set<int64_t> seen;
  std::vector<size_t> sizes;
  for (;;) {
    auto page = Search(*store, q);
    ASSERT_TRUE(page.ok());
    sizes.push_back(page->logs.size());
    for (const LogEntry& e : page->logs) EXPECT_TRUE(seen.insert(e.id).second);
    if (!page->next_cursor) break;
    q.before_id = *page->next_cursor;
  }
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(sizes, (std::vector<size_t>{10, 10, 5}));
}

TEST(LogStore, SpillsIntoTheNextMillisecondWhenOneIsFull) {
  TempDir dir;
  auto store = testing::OpenStore(dir.File("a.db"));
  int64_t ms = static_cast<int64_t>(kT0 / 1'000'000);
  // Every id of the millisecond taken, as after a sender stamped a million records with it.
  ASSERT_TRUE(store->writer()
                  .db()
                  .Exec("INSERT INTO logs(id, scope_id, time_unix_nano, observed_time_unix_nano, "
                        "severity_number, severity_text, attributes, dropped_attributes_count, "
                        "flags, event_name) WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT "
                        "i + 1 FROM n WHERE i < 1048575) SELECT " +
                        std::to_string(LogIdAt(ms)) + " + i, 0, 0, 0, 0, '', '{}', 0, 0, '' FROM n")
                  .ok());
  std::vector<int64_t> ids;
  Write(*store, Prepare(testing::Logs("a", 10, kT0)), &ids);
  ASSERT_EQ(ids.size(), 10u);
  for (int64_t id : ids) EXPECT_GT(LogIdTimeMs(id), ms);
}

TEST(LogStore, IndexesRecordsFromTheFarFutureAtReceiveTime) {
  TempDir dir;
  auto store = testing::OpenStore(dir.File("a.db"));
  otlp::LogsData logs = testing::Logs("a", 1, kT0);
  logs.resource_logs[0].scope_logs[0].log_records[0].time_unix_nano = UINT64_MAX;
  LogBatch batch = Prepare(logs, kT0);
  EXPECT_EQ(batch.logs[0].time_key_ms, static_cast<int64_t>(kT0 / 1'000'000));
  Write(*store, std::move(batch));
  auto page = Search(*store, LogQuery());
  ASSERT_EQ(page->logs.size(), 1u);
  EXPECT_EQ(page->logs[0].time_unix_nano, UINT64_MAX);  // kept as sent
  EXPECT_EQ(LogIdTimeMs(page->logs[0].id), static_cast<int64_t>(kT0 / 1'000'000));
}

TEST(LogStore, ReturnsContextFromTheSameStreamOrFile) {
  TempDir dir;
  auto store = testing::OpenStore(dir.File("a.db"));
  std::vector<int64_t> ids;
  Write(*store, Prepare(testing::Logs("a", 10, kT0)), &ids);
  Write(*store, Prepare(testing::Logs("other", 10, kT0)));  // interleaved in time
  auto reader = store->AcquireReader(std::chrono::seconds(5));
  auto ctx = GetLogContext(**reader, ids[5], 2, 3, false);
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(*ctx->record.body, "message 5 alpha");
  ASSERT_EQ(ctx->before.size(), 2u);
  EXPECT_EQ(*ctx->before[0].body, "message 3 alpha");
  EXPECT_EQ(*ctx->before[1].body, "message 4 alpha");
  ASSERT_EQ(ctx->after.size(), 3u);
  EXPECT_EQ(*ctx->after[2].body, "message 8 alpha");
  for (const auto& e : ctx->after) EXPECT_EQ(e.service, "a");
  ctx = GetLogContext(**reader, ids[5], 2, 2, true);  // odd records are /var/log/b
  ASSERT_TRUE(ctx.ok());
  ASSERT_EQ(ctx->before.size(), 2u);
  EXPECT_EQ(*ctx->before[0].body, "message 1 alpha");
  EXPECT_EQ(*ctx->after[1].body, "message 9 alpha");
  EXPECT_EQ(GetLogContext(**reader, 12345, 1, 1, false).status().code(), StatusCode::kNotFound);
}

TEST(LogStore, CountsVolumeFromRollupsAndScansAlike) {
  TempDir dir;
  auto store = testing::OpenStore(dir.File("a.db"));
  otlp::LogsData a = testing::Logs("a", 6, kT0);
  auto& records = a.resource_logs[0].scope_logs[0].log_records;
  for (size_t i = 0; i < records.size(); ++i)
    records[i].time_unix_nano = kT0 + i * testing::kMinute;
  Write(*store, Prepare(a));
  Write(*store, Prepare(testing::Logs("b", 3, kT0)));
  auto reader = store->AcquireReader(std::chrono::seconds(5));
  VolumeQuery v;
  v.filter.from_ms = static_cast<int64_t>(kT0 / 1'000'000);
  v.filter.to_ms = v.filter.from_ms + 6 * 60'000;
  v.step_ms = 120'000;
  v.split = VolumeSplit::kService;
  auto rolled = LogVolume(**reader, v);
  ASSERT_TRUE(rolled.ok()) << rolled.status().ToString();
  EXPECT_TRUE(rolled->from_rollup);
  v.filter.words = "message";  // forces a scan of the records
  auto scanned = LogVolume(**reader, v);
  ASSERT_TRUE(scanned.ok()) << scanned.status().ToString();
  EXPECT_FALSE(scanned->from_rollup);
  EXPECT_EQ(rolled->series, scanned->series);
  EXPECT_EQ(rolled->start_ms % 120'000, 0);
  ASSERT_EQ(rolled->series.size(), 2u);
  int64_t a_total = 0;
  for (int64_t c : rolled->series[0].second) a_total += c;
  EXPECT_EQ(rolled->series[0].first, "a");
  EXPECT_EQ(a_total, 6);
  v.split = VolumeSplit::kSeverity;
  auto by_severity = LogVolume(**reader, v);
  ASSERT_TRUE(by_severity.ok());
  ASSERT_EQ(by_severity->series.size(), 3u);
  EXPECT_EQ(by_severity->series[0].first, "error");
  v.step_ms = 1;
  EXPECT_EQ(LogVolume(**reader, v).status().code(), StatusCode::kInvalidArgument);
}

TEST(LogStore, TimesOutAQueryThatRunsTooLong) {
  TempDir dir;
  auto store = testing::OpenStore(dir.File("a.db"));
  Write(*store, Prepare(testing::Logs("a", 3000, kT0)));
  auto reader = store->AcquireReader(std::chrono::nanoseconds(1));
  LogQuery q;
  q.attributes = {{"n", "-1"}};  // matches nothing: scans everything
  auto page = SearchLogs(**reader, q);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kDeadlineExceeded);
}

class RetentionTest : public ::testing::Test {
 protected:
  TempDir dir_;
  SelfMetrics metrics_;
};

TEST_F(RetentionTest, DeletesExpiredLogsAndPointsAndTheirIndexEntries) {
  auto store = testing::OpenStore(dir_.File("a.db"));
  FakeClock clock(static_cast<int64_t>(kT0));
  Write(*store, Prepare(testing::Logs("old", 10, kT0 - 3 * 86'400'000'000'000ULL, "ancient")));
  Write(*store, Prepare(testing::Logs("new", 10, kT0 - 60'000'000'000ULL, "fresh")));
  Rejections rejections;
  MetricBatch old_points =
      PrepareMetrics(testing::Gauge("g", 2, 3, kT0 - 40 * 86'400'000'000'000ULL), &rejections);
  MetricBatch new_points =
      PrepareMetrics(testing::Gauge("g", 2, 3, kT0 - testing::kMinute), &rejections);
  ASSERT_TRUE(store->writer().Begin().ok());
  int64_t stored = 0;
  ASSERT_TRUE(store->writer().WriteMetrics(old_points, nullptr, &stored).ok());
  ASSERT_TRUE(store->writer().WriteMetrics(new_points, nullptr, &stored).ok());
  ASSERT_TRUE(store->writer().Commit().ok());

  PipelineOptions o;
  o.retention.logs = std::chrono::hours(24);
  o.retention.metrics = std::chrono::hours(24 * 30);
  o.retention.chunk_rows = 4;  // several steps, as under load
  Pipeline pipeline(store.get(), o, &metrics_, &clock);
  int64_t total = 0;
  for (int i = 0; i < 10; ++i) {
    auto n = pipeline.RunRetentionNow();
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    total += *n;
  }
  EXPECT_EQ(total, 10 + 6);
  LogQuery q;
  q.words = "ancient";
  EXPECT_TRUE(Search(*store, q)->logs.empty());
  q.words = "fresh";
  EXPECT_EQ(Search(*store, q)->logs.size(), 10u);
  EXPECT_EQ(metrics_.retention_deleted.With({"logs", "age"}).Value(), 10);
  EXPECT_EQ(metrics_.retention_deleted.With({"metrics", "age"}).Value(), 6);
  // The FTS index agrees with the table after the deletes.
  EXPECT_TRUE(
      store->writer().db().Exec("INSERT INTO logs_fts(logs_fts) VALUES('integrity-check')").ok());
}

TEST_F(RetentionTest, KeepsTheDatabaseUnderItsSizeCap) {
  auto store = testing::OpenStore(dir_.File("a.db"));
  FakeClock clock(static_cast<int64_t>(kT0));
  PipelineOptions o;
  o.retention.max_bytes = 4 << 20;
  o.retention.chunk_rows = 2000;
  Pipeline pipeline(store.get(), o, &metrics_, &clock);
  for (int i = 0; i < 20; ++i) {
    LogBatch batch = Prepare(otlp::testing::AppLogs(1000), kT0);
    for (LogRow& r : batch.logs) r.time_key_ms += i * 120'000;  // one batch every 2 minutes
    Write(*store, std::move(batch));
  }
  ASSERT_GT(*store->writer().UsedBytes(), int64_t{4} << 20);
  for (int i = 0; i < 50 && *store->writer().UsedBytes() > (int64_t{4} << 20); ++i) {
    ASSERT_TRUE(pipeline.RunRetentionNow().ok());
  }
  EXPECT_LE(*store->writer().UsedBytes(), int64_t{4} << 20);
  EXPECT_GT(metrics_.retention_deleted.With({"logs", "size"}).Value(), 0);
  EXPECT_FALSE(Search(*store, LogQuery())->logs.empty());  // only the oldest went
}

}  // namespace
}  // namespace nightjar::collector
