// Metrics from OpenTelemetry's JavaScript SDK (sdk-metrics and the OTLP/HTTP exporters from npm)
// through Nightjar's OTLP codec. js/export_metrics.mjs records a counter, an up-down counter, a
// synchronous and an observable gauge, an explicit-bucket and an exponential histogram, and
// collects them in two rounds, cumulative and delta; every value, bucket, bound, temporality and
// time relation must arrive exactly, in protobuf and JSON, with and without gzip, and Nightjar's
// re-encoding must be the same message (protoc) and the SDK's own JSON (Node).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "capture_server.h"
#include "captured_body.h"
#include "interop_expect.h"
#include "js_runner.h"
#include "model_print.h"
#include "otlp/codec.h"
#include "protoc_text.h"
#include "test_env.h"

namespace nightjar::interop {
namespace {

constexpr char kMetricsRequestType[] =
    "opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest";
constexpr char kMetricsServiceProto[] =
    "opentelemetry/proto/collector/metrics/v1/metrics_service.proto";

using otlp::AggregationTemporality;

// The four requests of one variant: (temporality, round) in collection order.
const std::vector<std::pair<std::string, int>> kCollections = {
    {"cumulative", 1}, {"delta", 1}, {"cumulative", 2}, {"delta", 2}};

std::string PathOf(const std::string& temporality, int round, std::string_view protocol,
                   std::string_view compression) {
  return "/" + temporality + "/" + std::to_string(round) + "/" + std::string(protocol) + "/" +
         std::string(compression) + "/v1/metrics";
}

otlp::Attributes Attrs(const char* key, const char* value) { return {{key, value}}; }

otlp::NumberDataPoint IntPoint(otlp::Attributes attributes, int64_t value) {
  otlp::NumberDataPoint p;
  p.attributes = std::move(attributes);
  p.value = value;
  return p;
}

otlp::NumberDataPoint DoublePoint(otlp::Attributes attributes, double value) {
  otlp::NumberDataPoint p;
  p.attributes = std::move(attributes);
  p.value = value;
  return p;
}

otlp::Metric MakeMetric(const char* name, const char* description, const char* unit,
                        otlp::MetricData data) {
  otlp::Metric m;
  m.name = name;
  m.description = description;
  m.unit = unit;
  m.data = std::move(data);
  return m;
}

// Returns what the SDK must send for one collection of js/export_metrics.mjs, times left zero.
// The comments give the measurements each value comes from.
otlp::MetricsData ExpectedMetrics(const std::string& temporality, int round) {
  const bool delta = temporality == "delta";
  const bool second = round == 2;
  const auto kind = delta ? AggregationTemporality::kDelta : AggregationTemporality::kCumulative;

  std::vector<otlp::Metric> metrics;

  // add(3,/a) add(4,/b) add(2,/a); round 2: add(5,/a). A delta round without measurements for a
  // series reports no point for it.
  otlp::Sum requests{{}, kind, /*is_monotonic=*/true};
  requests.data_points.push_back(IntPoint(Attrs("route", "/a"), !second ? 5 : delta ? 5 : 10));
  if (!(delta && second)) requests.data_points.push_back(IntPoint(Attrs("route", "/b"), 4));
  metrics.push_back(MakeMetric("nightjar.interop.requests", "Requests handled", "{request}",
                               std::move(requests)));

  // add(10) add(-25); round 2: add(7). Negative: sfixed64 two's complement on the wire.
  otlp::Sum depth{{}, kind, /*is_monotonic=*/false};
  depth.data_points.push_back(IntPoint(Attrs("queue", "in"), !second ? -15 : delta ? 7 : -8));
  metrics.push_back(
      MakeMetric("nightjar.interop.queue.depth", "Items waiting", "{item}", std::move(depth)));

  // record(21.5) record(22.75); round 2: record(-3.25). Gauges keep the last value.
  otlp::Gauge temperature;
  temperature.data_points.push_back(DoublePoint(Attrs("sensor", "cpu"), second ? -3.25 : 22.75));
  metrics.push_back(
      MakeMetric("nightjar.interop.temperature", "Temperature", "Cel", std::move(temperature)));

  // Observed 2^20, then 2^53 - 1 (the largest integer a JavaScript number holds exactly).
  otlp::Gauge memory;
  memory.data_points.push_back(
      IntPoint(Attrs("pool", "heap"), second ? int64_t{9007199254740991} : int64_t{1048576}));
  metrics.push_back(
      MakeMetric("nightjar.interop.memory", "Resident memory", "By", std::move(memory)));

  // Bounds 0.25 0.5 1 2.5 (upper-inclusive buckets); 0.125 0.25 0.75 3, round 2: 0.5.
  otlp::HistogramDataPoint h;
  h.attributes = Attrs("route", "/a");
  h.explicit_bounds = {0.25, 0.5, 1, 2.5};
  if (!second) {
    h.count = 4, h.sum = 4.125, h.min = 0.125, h.max = 3, h.bucket_counts = {2, 0, 1, 0, 1};
  } else if (!delta) {
    h.count = 5, h.sum = 4.625, h.min = 0.125, h.max = 3, h.bucket_counts = {2, 1, 1, 0, 1};
  } else {
    h.count = 1, h.sum = 0.5, h.min = 0.5, h.max = 0.5, h.bucket_counts = {0, 1, 0, 0, 0};
  }
  metrics.push_back(MakeMetric("nightjar.interop.request.duration", "Request duration", "s",
                               otlp::Histogram{{h}, kind}));

  // Bucket i of scale s holds (2^(i/2^s), 2^((i+1)/2^s)], so 2^k falls in bucket k*2^s - 1.
  // powers_of_two: 1 2 4 8 with maxSize 8 needs indices -1..5 at scale 1 (7 buckets); round 2
  // adds 4. A delta round starts afresh at the maximum scale 20: 4 alone is bucket 2*2^20 - 1.
  // with_zeros: 0 0 0.5 -> zero_count 2, and 0.5 alone is bucket -2^20 - 1 at scale 20.
  // The negative buckets stay empty: the SDK's histograms drop negative measurements.
  otlp::ExponentialHistogram payload{{}, kind};
  otlp::ExponentialHistogramDataPoint powers;
  powers.attributes = Attrs("series", "powers_of_two");
  if (!second) {
    powers.count = 4, powers.sum = 15, powers.min = 1, powers.max = 8, powers.scale = 1;
    powers.positive = {-1, {1, 0, 1, 0, 1, 0, 1}};
  } else if (!delta) {
    powers.count = 5, powers.sum = 19, powers.min = 1, powers.max = 8, powers.scale = 1;
    powers.positive = {-1, {1, 0, 1, 0, 2, 0, 1}};
  } else {
    powers.count = 1, powers.sum = 4, powers.min = 4, powers.max = 4, powers.scale = 20;
    powers.positive = {2097151, {1}};
  }
  payload.data_points.push_back(powers);
  if (!(delta && second)) {
    otlp::ExponentialHistogramDataPoint zeros;
    zeros.attributes = Attrs("series", "with_zeros");
    zeros.count = 3, zeros.sum = 0.5, zeros.min = 0, zeros.max = 0.5, zeros.scale = 20;
    zeros.zero_count = 2;
    zeros.positive = {-1048577, {1}};
    payload.data_points.push_back(zeros);
  }
  metrics.push_back(
      MakeMetric("nightjar.interop.payload.size", "Payload size", "By", std::move(payload)));

  otlp::ScopeMetrics scope;
  scope.scope.name = "nightjar.interop/metrics";
  scope.scope.version = "2.12.1-test";
  scope.schema_url = "https://opentelemetry.io/schemas/1.27.0";
  scope.metrics = std::move(metrics);
  otlp::ResourceMetrics resource;
  resource.resource.attributes = {{"service.name", "nightjar-interop-metrics"},
                                  {"host.cpu.count", int64_t{8}}};
  resource.schema_url = "https://opentelemetry.io/schemas/1.26.0";
  resource.scope_metrics.push_back(std::move(scope));
  otlp::MetricsData data;
  data.resource_metrics.push_back(std::move(resource));
  return data;
}

// A data point's identity across collections, and its times.
struct PointTimes {
  uint64_t start = 0;
  uint64_t time = 0;
  friend bool operator==(const PointTimes&, const PointTimes&) = default;
};

void PrintTo(const PointTimes& t, std::ostream* os) { *os << t.start << ".." << t.time; }
using TimesBySeries = std::map<std::string, PointTimes>;

// Returns the times of every data point keyed by "metric/attributes".
TimesBySeries TimesOf(const otlp::MetricsData& data) {
  TimesBySeries out;
  auto add = [&](const otlp::Metric& m, const auto& points) {
    for (const auto& p : points) {
      out[m.name + "/" + ::testing::PrintToString(p.attributes)] = {p.start_time_unix_nano,
                                                                    p.time_unix_nano};
    }
  };
  for (const auto& rm : data.resource_metrics) {
    for (const auto& sm : rm.scope_metrics) {
      for (const auto& m : sm.metrics) {
        std::visit(
            [&](const auto& d) {
              if constexpr (requires { d.data_points; }) add(m, d.data_points);
            },
            m.data);
      }
    }
  }
  return out;
}

// Checks the times the SDK took from the clock: one end time per collection, inside the run's
// wall-clock window; start times not after it; cumulative series keep their start, and a delta
// series starts where the previous delta collection ended.
void ExpectTimesConsistent(const std::map<std::string, TimesBySeries>& times,
                           const ExportRun& run) {
  // The SDK's clock is performance.timeOrigin + performance.now(), read at process start and
  // monotonic after; a second of slack covers the difference to the system clock.
  const uint64_t slack = 1'000'000'000;
  for (const auto& [collection, series] : times) {
    SCOPED_TRACE(collection);
    ASSERT_FALSE(series.empty());
    const uint64_t end = series.begin()->second.time;
    EXPECT_GE(end + slack, run.started_unix_nano);
    EXPECT_LE(end, run.finished_unix_nano + slack);
    for (const auto& [name, t] : series) {
      EXPECT_EQ(t.time, end) << name << ": points of one collection share its end time";
      EXPECT_GT(t.start, 0u) << name;
      EXPECT_LE(t.start, t.time) << name;
    }
  }
  const TimesBySeries& cumulative1 = times.at("cumulative/1");
  const TimesBySeries& cumulative2 = times.at("cumulative/2");
  const TimesBySeries& delta1 = times.at("delta/1");
  const TimesBySeries& delta2 = times.at("delta/2");
  // The SDK reads its clock in whole milliseconds here, so two collections may share a time.
  EXPECT_LE(cumulative1.begin()->second.time, cumulative2.begin()->second.time);
  for (const auto& [name, t] : cumulative2) {
    ASSERT_TRUE(cumulative1.contains(name)) << name;
    EXPECT_EQ(t.start, cumulative1.at(name).start)
        << name << ": a cumulative series keeps its start";
  }
  for (const auto& [name, t] : delta2) {
    EXPECT_EQ(t.start, delta1.begin()->second.time)
        << name << ": a delta point starts where the previous delta collection ended";
  }
}

struct Variant {
  const char* protocol;
  const char* compression;
  const char* test_name;
};

void PrintTo(const Variant& v, std::ostream* os) { *os << v.protocol << ":" << v.compression; }

class JsMetricsExport : public ::testing::TestWithParam<Variant> {};

TEST_P(JsMetricsExport, DecodesEveryFieldExactly) {
  const Variant& v = GetParam();
  CaptureServer server;
  std::string variant = std::string(v.protocol) + ":" + v.compression;
  ExportRun run = RunExportScript(server, "export_metrics.mjs", {variant}, kCollections.size());
  ASSERT_NO_FATAL_FAILURE(ExpectCleanExport(run, kCollections.size()));

  std::map<std::string, TimesBySeries> times;
  for (const auto& [temporality, round] : kCollections) {
    std::string collection = temporality + "/" + std::to_string(round);
    SCOPED_TRACE(collection);
    std::string path = PathOf(temporality, round, v.protocol, v.compression);
    const CapturedRequest* request = RequestTo(run.requests, path);
    ASSERT_NE(request, nullptr);
    ASSERT_NO_FATAL_FAILURE(ExpectExporterRequest(*request, path, v.protocol, v.compression));
    Result<otlp::MetricsData> decoded = DecodeMetricsRequest(*request);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    ExpectMetricsEqualExceptTimes(ExpectedMetrics(temporality, round), *decoded);
    times[collection] = TimesOf(*decoded);
  }
  ExpectTimesConsistent(times, run);
}

INSTANTIATE_TEST_SUITE_P(AllEncodings, JsMetricsExport,
                         ::testing::Values(Variant{"proto", "none", "Protobuf"},
                                           Variant{"proto", "gzip", "ProtobufGzip"},
                                           Variant{"json", "none", "Json"},
                                           Variant{"json", "gzip", "JsonGzip"}),
                         [](const auto& p) { return std::string(p.param.test_name); });

// Runs the metrics script through the SDK's protobuf and JSON exporters; each collection goes
// through both, so the two requests of a collection carry identical data, times included.
class JsMetricsRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    run_ = RunExportScript(server_, "export_metrics.mjs", {"proto:none", "json:none"},
                           2 * kCollections.size());
    ASSERT_NO_FATAL_FAILURE(ExpectCleanExport(run_, 2 * kCollections.size()));
  }

  TempDir scratch_;
  CaptureServer server_;
  ExportRun run_;
};

// protoc prints the same text for the SDK's protobuf bytes and for Nightjar's re-encoding of
// what it decoded from them. One difference is allowed: the SDK always writes the exponential
// histogram's negative (and positive) Buckets, even empty; Nightjar omits an empty one. OTLP
// gives an absent Buckets the meaning of an empty one, so both are the same data.
TEST_F(JsMetricsRoundTrip, ProtobufReencodesToTheSameMessage) {
  for (const auto& [temporality, round] : kCollections) {
    SCOPED_TRACE(temporality + "/" + std::to_string(round));
    const CapturedRequest* request =
        RequestTo(run_.requests, PathOf(temporality, round, "proto", "none"));
    ASSERT_NE(request, nullptr);
    Result<otlp::MetricsData> decoded =
        otlp::DecodeMetrics(request->body, otlp::Encoding::kProtobuf);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    std::string ours = otlp::EncodeMetrics(*decoded, otlp::Encoding::kProtobuf);

    Result<std::string> sdk_text =
        ProtocDecode(kMetricsRequestType, kMetricsServiceProto, request->body, scratch_.path());
    ASSERT_TRUE(sdk_text.ok()) << sdk_text.status().ToString();
    Result<std::string> our_text =
        ProtocDecode(kMetricsRequestType, kMetricsServiceProto, ours, scratch_.path());
    ASSERT_TRUE(our_text.ok()) << our_text.status().ToString();
    EXPECT_NE(sdk_text->find("exponential_histogram"), std::string::npos);
    // The allowance must be needed, or it is hiding nothing and should go.
    EXPECT_NE(sdk_text->find("negative {\n"), std::string::npos);
    std::string sdk_normal = DropEmptyMessages(*sdk_text, {"positive", "negative"});
    std::string our_normal = DropEmptyMessages(*our_text, {"positive", "negative"});
    EXPECT_EQ(our_normal, sdk_normal) << FirstDifference(sdk_normal, our_normal);

    Result<otlp::MetricsData> again = otlp::DecodeMetrics(ours, otlp::Encoding::kProtobuf);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_TRUE(*again == *decoded) << "decode(encode(x)) differs from x";
  }
}

// The protobuf and JSON requests of one collection decode to equal data, times included.
TEST_F(JsMetricsRoundTrip, ProtobufAndJsonDecodeToTheSameData) {
  for (const auto& [temporality, round] : kCollections) {
    SCOPED_TRACE(temporality + "/" + std::to_string(round));
    const CapturedRequest* proto =
        RequestTo(run_.requests, PathOf(temporality, round, "proto", "none"));
    const CapturedRequest* json =
        RequestTo(run_.requests, PathOf(temporality, round, "json", "none"));
    ASSERT_NE(proto, nullptr);
    ASSERT_NE(json, nullptr);
    Result<otlp::MetricsData> from_proto = DecodeMetricsRequest(*proto);
    ASSERT_TRUE(from_proto.ok()) << from_proto.status().ToString();
    Result<otlp::MetricsData> from_json = DecodeMetricsRequest(*json);
    ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
    ExpectMetricsEqualExceptTimes(*from_proto, *from_json);
    EXPECT_EQ(TimesOf(*from_json), TimesOf(*from_proto));
    EXPECT_TRUE(*from_json == *from_proto);
  }
}

// Nightjar's OTLP/JSON of each decoded collection (from the SDK's protobuf and from its JSON)
// equals the JSON the SDK wrote for it, up to what OTLP/JSON leaves open; see compare_json.mjs.
TEST_F(JsMetricsRoundTrip, JsonMatchesWhatTheSdkWrites) {
  for (const auto& [temporality, round] : kCollections) {
    std::string collection = temporality + "-" + std::to_string(round);
    SCOPED_TRACE(collection);
    const CapturedRequest* proto =
        RequestTo(run_.requests, PathOf(temporality, round, "proto", "none"));
    const CapturedRequest* json =
        RequestTo(run_.requests, PathOf(temporality, round, "json", "none"));
    ASSERT_NE(proto, nullptr);
    ASSERT_NE(json, nullptr);
    Result<otlp::MetricsData> from_proto = DecodeMetricsRequest(*proto);
    ASSERT_TRUE(from_proto.ok()) << from_proto.status().ToString();
    Result<otlp::MetricsData> from_json = DecodeMetricsRequest(*json);
    ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();

    auto sdk_file = scratch_.path() / (collection + "-sdk.json");
    auto ours_from_proto = scratch_.path() / (collection + "-nightjar-from-protobuf.json");
    auto ours_from_json = scratch_.path() / (collection + "-nightjar-from-json.json");
    ASSERT_TRUE(WriteFile(sdk_file, json->body).ok());
    ASSERT_TRUE(
        WriteFile(ours_from_proto, otlp::EncodeMetrics(*from_proto, otlp::Encoding::kJson)).ok());
    ASSERT_TRUE(
        WriteFile(ours_from_json, otlp::EncodeMetrics(*from_json, otlp::Encoding::kJson)).ok());
    ProcessResult compare = RunNodeScript(
        "compare_json.mjs", {sdk_file.string(), ours_from_proto.string(), ours_from_json.string()});
    EXPECT_TRUE(compare.Succeeded()) << compare.stdout_text << compare.Describe();
  }
}

}  // namespace
}  // namespace nightjar::interop
