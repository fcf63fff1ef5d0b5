// Tests of metric storage and queries: series identity, retries, rollups against raw points,
// grouping, rate, percentiles, histogram and summary quantiles, value histograms, and the
// validation that decides which points are rejected.
#include <gtest/gtest.h>

#include <cmath>

#include "pipeline/prepare.h"
#include "store/metric_queries.h"
#include "store/store.h"
#include "test_util.h"

namespace nightjar::collector {
namespace {

using testing::kMinute;
using testing::kT0;

// A time aligned to 10 minutes, so that 1, 2 and 5 minute buckets all start there.
uint64_t Aligned() { return kT0 - kT0 % (10 * kMinute); }

class MetricStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = testing::OpenStore(dir_.File("m.db")); }

  // A committed point copied out of the batch (CommittedPoint only borrows from it).
  struct Point {
    int64_t series_id;
    std::string metric, attributes;
    std::optional<double> value;
  };

  int64_t Write(const otlp::MetricsData& data, std::vector<Point>* points = nullptr) {
    Rejections rejections;
    MetricBatch batch = PrepareMetrics(data, &rejections);
    EXPECT_EQ(rejections.count, 0) << rejections.message;
    EXPECT_TRUE(store_->writer().Begin().ok());
    int64_t stored = 0;
    std::vector<CommittedPoint> committed;
    Status st = store_->writer().WriteMetrics(batch, &committed, &stored);
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_TRUE(store_->writer().Commit().ok());
    if (points != nullptr) {
      for (const CommittedPoint& p : committed) {
        points->push_back(Point{p.series_id, p.metric->name, *p.attributes, p.value});
      }
    }
    return stored;
  }

  Result<MetricQueryResult> Query(MetricQuery q) {
    auto reader = store_->AcquireReader(std::chrono::seconds(10));
    return QueryMetrics(**reader, q);
  }

  MetricQuery Range(const std::string& metric, int minutes, int64_t step_minutes, Aggregation agg) {
    MetricQuery q;
    q.metrics = {metric};
    q.from_unix_nano = Aligned();
    q.to_unix_nano = q.from_unix_nano + static_cast<uint64_t>(minutes) * kMinute;
    q.step_nanos = step_minutes * static_cast<int64_t>(kMinute);
    q.aggregation = agg;
    return q;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(MetricStoreTest, IdentifiesSeriesAndIgnoresRetriedPoints) {
  std::vector<Point> committed;
  EXPECT_EQ(Write(testing::Gauge("g", 3, 4, Aligned()), &committed), 12);
  ASSERT_EQ(committed.size(), 12u);
  EXPECT_EQ(committed[0].metric, "g");
  EXPECT_EQ(committed[0].attributes, "{\"series\":\"0\"}");
  EXPECT_EQ(committed[0].value, 0.0);
  EXPECT_EQ(committed[5].value, 101.0);
  EXPECT_NE(committed[0].series_id, committed[4].series_id);
  EXPECT_EQ(committed[0].series_id, committed[1].series_id);
  // The same request again (a client retry): nothing new is stored or reported.
  committed.clear();
  EXPECT_EQ(Write(testing::Gauge("g", 3, 4, Aligned()), &committed), 0);
  EXPECT_TRUE(committed.empty());
  auto reader = store_->AcquireReader(std::chrono::seconds(5));
  auto metrics = ListMetrics(**reader, "", 100);
  ASSERT_TRUE(metrics.ok());
  ASSERT_EQ(metrics->size(), 1u);
  EXPECT_EQ((*metrics)[0].series, 3);
  EXPECT_EQ((*metrics)[0].type, "gauge");
  auto series = ListSeries(**reader, "g", {{"series", "1"}}, 100);
  ASSERT_TRUE(series.ok());
  ASSERT_EQ(series->size(), 1u);
  EXPECT_EQ((*series)[0].service, "metrics-svc");
  series = ListSeries(**reader, "g", {{"service.name", "metrics-svc"}}, 100);
  EXPECT_EQ(series->size(), 3u);
}

TEST_F(MetricStoreTest, RollupsAnswerLikeRawPoints) {
  Write(testing::Gauge("g", 2, 10, Aligned()));
  // Bucket 0 holds minutes 0 and 1 of series 0 (values 0, 1) and series 1 (100, 101).
  const std::pair<Aggregation, double> kExpected[] = {{Aggregation::kAvg, 50.5},
                                                      {Aggregation::kSum, 202},
                                                      {Aggregation::kMin, 0},
                                                      {Aggregation::kMax, 101},
                                                      {Aggregation::kCount, 4}};
  for (const auto& [agg, expected] : kExpected) {
    auto rolled = Query(Range("g", 10, 2, agg));  // whole minutes: rollups
    ASSERT_TRUE(rolled.ok()) << rolled.status().ToString();
    EXPECT_TRUE(rolled->from_rollup);
    ASSERT_EQ(rolled->series.size(), 1u);
    ASSERT_EQ(rolled->buckets, 5u);
    EXPECT_DOUBLE_EQ(*rolled->series[0].values[0], expected);
  }
  auto avg = Query(Range("g", 10, 2, Aggregation::kAvg));
  // Bucket 0 holds minutes 0 and 1 of series 0 (0, 1) and 1 (100, 101): mean 50.5.
  EXPECT_DOUBLE_EQ(*avg->series[0].values[0], 50.5);
  auto max = Query(Range("g", 10, 5, Aggregation::kMax));
  EXPECT_DOUBLE_EQ(*max->series[0].values[1], 109);
  auto count = Query(Range("g", 10, 10, Aggregation::kCount));
  EXPECT_DOUBLE_EQ(*count->series[0].values[0], 20);
  // A sub-minute step reads raw points and agrees.
  MetricQuery fine = Range("g", 10, 1, Aggregation::kAvg);
  fine.step_nanos = 30'000'000'000;
  auto raw = Query(fine);
  ASSERT_TRUE(raw.ok());
  EXPECT_FALSE(raw->from_rollup);
  EXPECT_EQ(raw->buckets, 20u);
  EXPECT_DOUBLE_EQ(*raw->series[0].values[0], 50);     // minute 0: (0 + 100) / 2
  EXPECT_FALSE(raw->series[0].values[1].has_value());  // nothing in the second half-minute
}

TEST_F(MetricStoreTest, GroupsByAnAttributeAndOverlaysMetrics) {
  Write(testing::Gauge("a", 2, 3, Aligned()));
  Write(testing::Gauge("b", 1, 3, Aligned()));
  MetricQuery q = Range("a", 3, 1, Aggregation::kAvg);
  q.metrics = {"a", "b"};
  q.group_by = "series";
  auto r = Query(q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->series.size(), 3u);
  EXPECT_EQ(r->series[0].metric, "a");
  EXPECT_EQ(r->series[0].group, "0");
  EXPECT_EQ(r->series[1].group, "1");
  EXPECT_DOUBLE_EQ(*r->series[1].values[2], 102);
  EXPECT_EQ(r->series[2].metric, "b");
  q.group_by = "service.name";  // a resource attribute
  r = Query(q);
  ASSERT_EQ(r->series.size(), 2u);
  EXPECT_EQ(r->series[0].group, "metrics-svc");
  q.filters = {{"series", "1"}};
  q.group_by.clear();
  r = Query(q);
  EXPECT_DOUBLE_EQ(*r->series[0].values[0], 100);
}

TEST_F(MetricStoreTest, ComputesRatesOfCountersAcrossResets) {
  otlp::MetricsData data = testing::Gauge("requests", 1, 0, Aligned());
  otlp::Sum sum;
  sum.aggregation_temporality = otlp::AggregationTemporality::kCumulative;
  sum.is_monotonic = true;
  const int64_t values[] = {0, 60, 120, 30, 90};  // reset after 120
  for (int i = 0; i < 5; ++i) {
    otlp::NumberDataPoint p;
    p.time_unix_nano = Aligned() + static_cast<uint64_t>(i) * kMinute;
    p.value = values[i];
    sum.data_points.push_back(p);
  }
  data.resource_metrics[0].scope_metrics[0].metrics[0].data = sum;
  Write(data);
  for (int64_t step : {int64_t{5} * static_cast<int64_t>(kMinute), int64_t{150'000'000'000}}) {
    MetricQuery q = Range("requests", 5, 5, Aggregation::kRate);
    q.step_nanos = step;
    q.to_unix_nano = Aligned() + 5 * kMinute;
    auto r = Query(q);
    ASSERT_TRUE(r.ok());
    double total = 0;
    for (const auto& v : r->series[0].values)
      total += v.value_or(0) * static_cast<double>(step) / 1e9;
    // Increases: 60 + 60 + 30 (counted from zero after the reset) + 60 = 210.
    EXPECT_NEAR(total, 210, 1e-6) << "step " << step;
  }
}

TEST_F(MetricStoreTest, PercentilesOfRawPoints) {
  otlp::MetricsData data = testing::Gauge("lat", 0, 0, Aligned());
  otlp::Gauge g;
  for (int i = 1; i <= 100; ++i) {
    otlp::NumberDataPoint p;
    p.time_unix_nano = Aligned() + static_cast<uint64_t>(i) * 100'000'000;
    p.value = static_cast<int64_t>(i);
    g.data_points.push_back(p);
  }
  data.resource_metrics[0].scope_metrics[0].metrics[0].data = g;
  Write(data);
  auto r = Query(Range("lat", 1, 1, Aggregation::kP95));
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(*r->series[0].values[0], 95.05, 1e-9);
  r = Query(Range("lat", 1, 1, Aggregation::kP50));
  EXPECT_NEAR(*r->series[0].values[0], 50.5, 1e-9);
  auto reader = store_->AcquireReader(std::chrono::seconds(5));
  auto h = MetricValueHistogram(**reader, "lat", {}, Aligned(), Aligned() + kMinute, 4);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->total, 100);
  EXPECT_EQ(h->min, 1);
  EXPECT_EQ(h->max, 100);
  EXPECT_EQ(h->counts, (std::vector<int64_t>{25, 25, 25, 25}));
}

TEST_F(MetricStoreTest, QuantilesOfCumulativeHistogramsComeFromBucketIncrements) {
  otlp::MetricsData data = testing::Gauge("http.duration", 0, 0, Aligned());
  otlp::Histogram h;
  h.aggregation_temporality = otlp::AggregationTemporality::kCumulative;
  // Minute 0: 100 observations all in (0, 10]; minute 1: 100 more, all in (50, 100].
  for (int i = 0; i < 2; ++i) {
    otlp::HistogramDataPoint p;
    p.start_time_unix_nano = Aligned() - 1;
    p.time_unix_nano = Aligned() + static_cast<uint64_t>(i) * kMinute + 1;
    p.explicit_bounds = {10, 50, 100};
    p.bucket_counts =
        i == 0 ? std::vector<uint64_t>{100, 0, 0, 0} : std::vector<uint64_t>{100, 0, 100, 0};
    p.count = i == 0 ? 100 : 200;
    p.sum = i == 0 ? 500.0 : 8000.0;
    h.data_points.push_back(p);
  }
  data.resource_metrics[0].scope_metrics[0].metrics[0].data = h;
  Write(data);
  auto r = Query(Range("http.duration", 2, 1, Aggregation::kP50));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->series.size(), 1u);
  EXPECT_EQ(r->series[0].type, "histogram");
  EXPECT_NEAR(*r->series[0].values[0], 5, 1e-9);   // middle of (0, 10]
  EXPECT_NEAR(*r->series[0].values[1], 75, 1e-9);  // middle of (50, 100]: the increment only
  r = Query(Range("http.duration", 2, 1, Aggregation::kAvg));
  EXPECT_NEAR(*r->series[0].values[1], 75, 1e-9);  // (8000 - 500) / 100
  r = Query(Range("http.duration", 2, 2, Aggregation::kP99));
  EXPECT_NEAR(*r->series[0].values[0], 99, 1e-9);
}

TEST_F(MetricStoreTest, SummariesAnswerTheirReportedQuantile) {
  otlp::MetricsData data = testing::Gauge("rpc", 0, 0, Aligned());
  otlp::Summary s;
  otlp::SummaryDataPoint p;
  p.time_unix_nano = Aligned() + 1;
  p.count = 10;
  p.sum = 100;
  p.quantile_values = {{0.5, 7}, {0.99, 42}};
  s.data_points.push_back(p);
  data.resource_metrics[0].scope_metrics[0].metrics[0].data = s;
  Write(data);
  auto r = Query(Range("rpc", 1, 1, Aggregation::kP99));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r->series[0].values[0], 42);
  r = Query(Range("rpc", 1, 1, Aggregation::kAvg));
  EXPECT_EQ(*r->series[0].values[0], 10);
}

TEST_F(MetricStoreTest, RefusesTooManyBuckets) {
  MetricQuery q = Range("g", 60 * 24 * 30, 1, Aggregation::kAvg);
  q.step_nanos = 1'000'000'000;
  auto r = Query(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("step: ", 0), 0u);
}

TEST(HistogramQuantile, InterpolatesWithinBuckets) {
  EXPECT_EQ(HistogramQuantile(0.5, {1, 2}, {0, 0, 0}), std::nullopt);
  EXPECT_DOUBLE_EQ(*HistogramQuantile(0.5, {10, 20}, {0, 10, 0}), 15);
  EXPECT_DOUBLE_EQ(*HistogramQuantile(1.0, {10, 20}, {0, 0, 5}), 20);  // +Inf: last bound
}

TEST(PrepareMetrics, RejectsPointsTheStoreCannotKeepAndSaysWhy) {
  otlp::MetricsData data = testing::Gauge("g", 1, 2, Aligned());
  auto& gauge = std::get<otlp::Gauge>(data.resource_metrics[0].scope_metrics[0].metrics[0].data);
  gauge.data_points[0].value = std::monostate();  // no value
  otlp::NumberDataPoint stale;
  stale.time_unix_nano = Aligned();
  stale.flags = otlp::kDataPointNoRecordedValue;  // a staleness marker is fine
  gauge.data_points.push_back(stale);
  otlp::NumberDataPoint untimed;
  untimed.value = 1.0;
  gauge.data_points.push_back(untimed);
  otlp::Metric nameless;
  nameless.data = otlp::Gauge{{untimed}};
  otlp::Metric histogram;
  histogram.name = "h";
  otlp::HistogramDataPoint hp;
  hp.time_unix_nano = Aligned();
  hp.explicit_bounds = {1, 2};
  hp.bucket_counts = {1, 2};
  histogram.data = otlp::Histogram{{hp}, otlp::AggregationTemporality::kDelta};
  data.resource_metrics[0].scope_metrics[0].metrics.push_back(nameless);
  data.resource_metrics[0].scope_metrics[0].metrics.push_back(histogram);
  Rejections rejections;
  MetricBatch batch = PrepareMetrics(data, &rejections);
  EXPECT_EQ(rejections.count, 4);
  EXPECT_EQ(batch.points.size(), 2u);  // the valid point and the staleness marker
  EXPECT_NE(rejections.message.find("metrics[0].data_points[0]: the point has no value"),
            std::string::npos)
      << rejections.message;
  EXPECT_NE(rejections.message.find("data_points[3]: time_unix_nano is unset"), std::string::npos);
  EXPECT_NE(rejections.message.find("metrics[1].data_points[0]: the metric has no name"),
            std::string::npos);
  EXPECT_NE(rejections.message.find("expected one more than bounds"), std::string::npos);
}

}  // namespace
}  // namespace nightjar::collector
