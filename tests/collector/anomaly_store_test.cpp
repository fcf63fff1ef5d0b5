// Tests of the anomalies' part of the store: the schema migration that adds them (an older
// database still opens), writing them with time-ordered ids, every filter and the cursor of
// their search, reading series identities for detectors, retention, and reading stored
// attributes back as typed values.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>

#include "pipeline/pipeline.h"
#include "pipeline/prepare.h"
#include "store/anomaly_queries.h"
#include "store/log_queries.h"
#include "store/schema.h"
#include "store/series_lookup.h"
#include "store/value_json.h"
#include "test_util.h"

namespace nightjar::collector {
namespace {

using testing::kMinute;
using testing::kT0;
using testing::TempDir;

// Stores `count` points of gauge `metric` (one series, attribute series=0) and returns the
// series id.
int64_t StoreSeries(Store& store, const std::string& metric, int count = 3) {
  Rejections rejections;
  std::vector<double> values(static_cast<size_t>(count), 1.0);
  MetricBatch batch = PrepareMetrics(testing::GaugeSeries(metric, "0", values, kT0), &rejections);
  std::vector<CommittedPoint> committed;
  int64_t stored = 0;
  EXPECT_TRUE(store.writer().Begin().ok());
  EXPECT_TRUE(store.writer().WriteMetrics(batch, &committed, &stored).ok());
  EXPECT_TRUE(store.writer().Commit().ok());
  return committed.empty() ? 0 : committed[0].series_id;
}

Anomaly MakeAnomaly(int64_t series_id, const std::string& metric, uint64_t time, double score,
                    const std::string& detector = "spikes") {
  Anomaly a;
  a.series_id = series_id;
  a.metric = metric;
  a.attributes = R"({"series":"0"})";
  a.time_unix_nano = time;
  a.value = 100;
  a.score = score;
  a.reason = "value 100 is far above the median";
  a.detector = detector;
  a.plugin = "zscore";
  return a;
}

Result<AnomalyPage> Search(Store& store, const AnomalyQuery& q) {
  auto reader = store.AcquireReader(std::chrono::seconds(10));
  if (!reader.ok()) return reader.status();
  return SearchAnomalies(**reader, q);
}

// Writes `anomalies` in one transaction (as the pipeline's writer does) and sets their ids.
void Insert(Store& store, std::vector<Anomaly>& anomalies) {
  ASSERT_TRUE(store.writer().Begin().ok());
  Status st = store.writer().WriteAnomalies(anomalies);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(store.writer().Commit().ok());
}

TEST(Schema, MigratesAVersionTwoDatabaseAndStoresAnomaliesInIt) {
  TempDir dir;
  std::string path = dir.File("v2.db");
  testing::SeedDatabaseAtVersion(path, 2, "written by version two");
  {
    // A version-2 database has no anomalies table.
    auto db = sqlite::Database::Open(path);
    ASSERT_TRUE(db.ok());
    EXPECT_FALSE(db->Prepare("SELECT 1 FROM anomalies").ok());
  }
  auto store = testing::OpenStore(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*SchemaVersion(&store->writer().db()), 3);
  EXPECT_EQ(kSchemaVersion, 3);
  // The old record and its label survived the migration.
  auto reader = store->AcquireReader(std::chrono::seconds(5));
  ASSERT_TRUE(reader.ok());
  LogQuery q;
  q.labels = {{"log.class", "timeout"}};
  auto page = SearchLogs(**reader, q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->logs.size(), 1u);
  EXPECT_EQ(page->logs[0].body, "written by version two");
  // And the new table works.
  int64_t series = StoreSeries(*store, "cpu");
  std::vector<Anomaly> anomalies = {MakeAnomaly(series, "cpu", kT0, 7.5)};
  Insert(*store, anomalies);
  auto found = Search(*store, AnomalyQuery{});
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->anomalies.size(), 1u);
  EXPECT_EQ(found->anomalies[0].id, anomalies[0].id);
}

TEST(AnomalyStore, KeepsEveryFieldWithTheSeriesResource) {
  TempDir dir;
  auto store = testing::OpenStore(dir.File("a.db"));
  int64_t series = StoreSeries(*store, "cpu");
  ASSERT_NE(series, 0);
  std::vector<Anomaly> anomalies = {MakeAnomaly(series, "cpu", kT0 + 123'456'789, 12.25)};
  Insert(*store, anomalies);
  // The id is time-ordered: its upper bits are the point's time in milliseconds.
  EXPECT_EQ(LogIdTimeMs(anomalies[0].id), static_cast<int64_t>((kT0 + 123'456'789) / 1'000'000));
  auto page = Search(*store, AnomalyQuery{});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->anomalies.size(), 1u);
  const Anomaly& a = page->anomalies[0];
  EXPECT_EQ(a.series_id, series);
  EXPECT_EQ(a.metric, "cpu");
  EXPECT_EQ(a.attributes, R"({"series":"0"})");
  EXPECT_EQ(a.time_unix_nano, kT0 + 123'456'789);
  EXPECT_EQ(a.value, 100);
  EXPECT_EQ(a.score, 12.25);
  EXPECT_EQ(a.reason, "value 100 is far above the median");
  EXPECT_EQ(a.detector, "spikes");
  EXPECT_EQ(a.plugin, "zscore");
  EXPECT_EQ(a.service, "metrics-svc");
  EXPECT_EQ(a.resource_attributes, R"({"service.name":"metrics-svc"})");
  EXPECT_FALSE(page->next_cursor.has_value());
}

TEST(AnomalyStore, FiltersByMetricDetectorScoreAndTime) {
  TempDir dir;
  auto store = testing::OpenStore(dir.File("a.db"));
  int64_t cpu = StoreSeries(*store, "cpu");
  int64_t mem = StoreSeries(*store, "mem");
  std::vector<Anomaly> anomalies = {
      MakeAnomaly(cpu, "cpu", kT0, 4.0),
      MakeAnomaly(cpu, "cpu", kT0 + kMinute, 9.0, "strict"),
      MakeAnomaly(mem, "mem", kT0 + 2 * kMinute, 5.0),
  };
  Insert(*store, anomalies);
  auto times = [&](const AnomalyQuery& q) {
    std::vector<uint64_t> out;
    auto page = Search(*store, q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const Anomaly& a : page->anomalies) out.push_back((a.time_unix_nano - kT0) / kMinute);
    }
    return out;
  };
  EXPECT_EQ(times(AnomalyQuery{}), (std::vector<uint64_t>{2, 1, 0}));  // newest first
  AnomalyQuery q;
  q.metric = "cpu";
  EXPECT_EQ(times(q), (std::vector<uint64_t>{1, 0}));
  q = AnomalyQuery{};
  q.detector = "strict";
  EXPECT_EQ(times(q), (std::vector<uint64_t>{1}));
  q = AnomalyQuery{};
  q.min_score = 5.0;
  EXPECT_EQ(times(q), (std::vector<uint64_t>{2, 1}));
  q = AnomalyQuery{};
  q.from_ms = static_cast<int64_t>((kT0 + kMinute) / 1'000'000);
  q.to_ms = static_cast<int64_t>((kT0 + 2 * kMinute) / 1'000'000);
  EXPECT_EQ(times(q), (std::vector<uint64_t>{1}));
  q = AnomalyQuery{};
  q.metric = "cpu";
  q.detector = "spikes";
  q.min_score = 3.0;
  EXPECT_EQ(times(q), (std::vector<uint64_t>{0}));
}

TEST(AnomalyStore, PaginatesWithAKeysetCursorWithoutGapsOrRepeats) {
  TempDir dir;
  auto store = testing::OpenStore(dir.File("a.db"));
  int64_t series = StoreSeries(*store, "cpu");
  // 25 anomalies, several in one millisecond: ids still differ and keep their order.
  std::vector<Anomaly> anomalies;
  for (int i = 0; i < 25; ++i) {
    anomalies.push_back(MakeAnomaly(series, "cpu", kT0 + static_cast<uint64_t>(i / 5) * kMinute,
                                    static_cast<double>(i)));
  }
  Insert(*store, anomalies);
  std::set<int64_t> seen;
  AnomalyQuery q;
  q.limit = 7;
  int pages = 0;
  int64_t last = INT64_MAX;
  for (;;) {
    auto page = Search(*store, q);
    ASSERT_TRUE(page.ok());
    ++pages;
    for (const Anomaly& a : page->anomalies) {
      EXPECT_LT(a.id, last);
      last = a.id;
      EXPECT_TRUE(seen.insert(a.id).second);
    }
    if (!page->next_cursor) break;
    q.before_id = *page->next_cursor;
  }
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(pages, 4);
}

TEST(AnomalyStore, ReadsTheIdentityOfASeriesForDetectors) {
  TempDir dir;
  auto store = testing::OpenStore(dir.File("a.db"));
  int64_t series = StoreSeries(*store, "disk.used");
  auto lookup = SeriesLookup::Open(store->options());
  ASSERT_TRUE(lookup.ok()) << lookup.status().ToString();
  auto identity = (*lookup)->Find(series);
  ASSERT_TRUE(identity.ok()) << identity.status().ToString();
  EXPECT_EQ(identity->metric, "disk.used");
  EXPECT_EQ(identity->unit, "1");
  EXPECT_EQ(identity->attributes, R"({"series":"0"})");
  EXPECT_EQ(identity->service, "metrics-svc");
  auto missing = (*lookup)->Find(series + 1000);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(AnomalyStore, RetentionDeletesAnomaliesAsOldAsExpiredPoints) {
  TempDir dir;
  auto store = testing::OpenStore(dir.File("a.db"));
  int64_t series = StoreSeries(*store, "cpu");
  constexpr uint64_t kDay = 86'400'000'000'000ULL;
  std::vector<Anomaly> anomalies = {MakeAnomaly(series, "cpu", kT0 - 40 * kDay, 5),
                                    MakeAnomaly(series, "cpu", kT0 - 31 * kDay, 5),
                                    MakeAnomaly(series, "cpu", kT0 - kDay, 5)};
  Insert(*store, anomalies);
  SelfMetrics metrics;
  FakeClock clock(static_cast<int64_t>(kT0));
  PipelineOptions o;
  o.retention.metrics = std::chrono::hours(24 * 30);
  Pipeline pipeline(store.get(), o, &metrics, &clock);
  ASSERT_TRUE(pipeline.RunRetentionNow().ok());
  auto page = Search(*store, AnomalyQuery{});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->anomalies.size(), 1u);
  EXPECT_EQ(page->anomalies[0].time_unix_nano, kT0 - kDay);
  EXPECT_EQ(metrics.retention_deleted.With({"anomalies", "age"}).Value(), 2);
}

TEST(ValueJson, ReadsStoredAttributesBackAsTheValuesTheyWere) {
  otlp::AnyValue::KvList nested = {{"inner", otlp::AnyValue(int64_t{-3})}};
  otlp::Attributes attributes = {
      {"s", otlp::AnyValue("text")},
      {"b", otlp::AnyValue(true)},
      {"i", otlp::AnyValue(int64_t{9007199254740993})},
      {"d", otlp::AnyValue(2.0)},
      {"nan", otlp::AnyValue(std::numeric_limits<double>::quiet_NaN())},
      {"inf", otlp::AnyValue(-std::numeric_limits<double>::infinity())},
      {"bytes", otlp::AnyValue(otlp::Bytes{std::string("\x00\xff", 2)})},
      {"array", otlp::AnyValue(otlp::AnyValue::Array{otlp::AnyValue("a"), otlp::AnyValue(1.5)})},
      {"kv", otlp::AnyValue(nested)},
      {"empty", otlp::AnyValue()},
  };
  auto parsed = ParseAttributesJson(AttributesJson(attributes));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), attributes.size());
  for (size_t i = 0; i < attributes.size(); ++i) {
    const otlp::AnyValue& want = attributes[i].value;
    const otlp::AnyValue& got = (*parsed)[i].value;
    EXPECT_EQ((*parsed)[i].key, attributes[i].key);
    if (want.kind() == otlp::ValueKind::kDouble && std::isnan(want.double_value())) {
      ASSERT_EQ(got.kind(), otlp::ValueKind::kDouble);
      EXPECT_TRUE(std::isnan(got.double_value()));
    } else {
      EXPECT_EQ(got, want) << attributes[i].key;
    }
  }
  EXPECT_FALSE(ParseAttributesJson("[1]").ok());
  EXPECT_FALSE(ParseAttributesJson("{").ok());
}

}  // namespace
}  // namespace nightjar::collector
