// Builders of OTLP test requests; see test_data.h.
#include "test_data.h"

#include <limits>
#include <string>

namespace nightjar::otlp::testing {
namespace {

TraceId MakeTraceId(uint8_t seed) {
  TraceId id;
  for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<uint8_t>(seed + i * 17);
  return id;
}

SpanId MakeSpanId(uint8_t seed) {
  SpanId id;
  for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<uint8_t>(seed + i * 29);
  return id;
}

AnyValue EveryKind() {
  AnyValue::KvList inner = {
      {"nested.string", AnyValue("deep")},
      {"nested.array", AnyValue(AnyValue::Array{AnyValue(int64_t{1}), AnyValue("two"),
                                                AnyValue(3.5), AnyValue(false), AnyValue()})},
  };
  AnyValue::KvList map = {
      {"string", AnyValue("text with \"quotes\", a tab\tand a newline\n")},
      {"empty_string", AnyValue("")},
      {"bool", AnyValue(true)},
      {"int_max", AnyValue(std::numeric_limits<int64_t>::max())},
      {"int_min", AnyValue(std::numeric_limits<int64_t>::min())},
      {"int_above_2_53", AnyValue(int64_t{9007199254740993})},
      {"double", AnyValue(-1234.5678e-9)},
      {"double_zero", AnyValue(0.0)},
      {"bytes", AnyValue(Bytes{std::string("\x00\x01\xfe\xff binary", 11)})},
      {"empty", AnyValue()},
      {"map", AnyValue(std::move(inner))},
      {"empty_array", AnyValue(AnyValue::Array{})},
      {"empty_map", AnyValue(AnyValue::KvList{})},
  };
  return AnyValue(std::move(map));
}

LogRecord FullRecord(int i) {
  LogRecord r;
  r.time_unix_nano = 1700000000123456789ULL + static_cast<uint64_t>(i);
  r.observed_time_unix_nano = 1700000000223456789ULL + static_cast<uint64_t>(i);
  r.severity_number = 1 + i % 24;
  r.severity_text = "LEVEL" + std::to_string(r.severity_number);
  r.body = i % 2 == 0 ? AnyValue(
                            "unicode: h\xc3\xa9llo w\xc3\xb6rld \xf0\x9f\x90\xa6 \xe4\xb8\xad\n"
                            "second line")
                      : EveryKind();
  r.attributes = {{"http.method", AnyValue("GET")},
                  {"http.status_code", AnyValue(int64_t{500 + i})},
                  {"retry", AnyValue(i % 3 == 0)},
                  {"ratio", AnyValue(0.25 * i)}};
  r.dropped_attributes_count = static_cast<uint32_t>(i);
  r.flags = 0x01;
  r.trace_id = MakeTraceId(static_cast<uint8_t>(i));
  r.span_id = MakeSpanId(static_cast<uint8_t>(i + 1));
  r.event_name = i % 2 == 0 ? "" : "app.startup";
  return r;
}

}  // namespace

LogsData FullLogs() {
  LogsData logs;
  for (int r = 0; r < 2; ++r) {
    ResourceLogs rl;
    rl.resource.attributes = {{"service.name", AnyValue("checkout-" + std::to_string(r))},
                              {"host.name", AnyValue("web-01")},
                              {"process.pid", AnyValue(int64_t{4242})}};
    rl.resource.dropped_attributes_count = 2;
    rl.schema_url = "https://opentelemetry.io/schemas/1.26.0";
    ScopeLogs sl;
    sl.scope.name = "nightjar.test";
    sl.scope.version = "1.2.3";
    sl.scope.attributes = {{"scope.attr", AnyValue("x")}};
    sl.scope.dropped_attributes_count = 1;
    sl.schema_url = "https://opentelemetry.io/schemas/1.25.0";
    for (int i = 0; i < 6; ++i) sl.log_records.push_back(FullRecord(r * 10 + i));
    // A record with nothing set but a body: defaults must survive a round trip.
    LogRecord minimal;
    minimal.body = AnyValue("minimal");
    sl.log_records.push_back(minimal);
    rl.scope_logs.push_back(std::move(sl));
    rl.scope_logs.push_back(ScopeLogs{});  // an empty scope
    logs.resource_logs.push_back(std::move(rl));
  }
  return logs;
}

MetricsData FullMetrics() {
  const uint64_t t0 = 1700000000000000000ULL;
  Exemplar exemplar;
  exemplar.filtered_attributes = {{"user", AnyValue("alice")}};
  exemplar.time_unix_nano = t0 + 5;
  exemplar.value = 0.042;
  exemplar.span_id = MakeSpanId(3);
  exemplar.trace_id = MakeTraceId(4);

  Metric gauge{"system.memory.usage", "Bytes of memory in use.", "By", {}, {}};
  Gauge g;
  g.data_points.push_back(
      NumberDataPoint{{{"state", AnyValue("used")}}, 0, t0, int64_t{123456789012}, {}, 0});
  g.data_points.push_back(NumberDataPoint{{{"state", AnyValue("free")}}, 0, t0, 0.5, {}, 0});
  g.data_points.push_back(
      NumberDataPoint{{{"state", AnyValue("stale")}}, 0, t0, {}, {}, kDataPointNoRecordedValue});
  gauge.data = g;
  gauge.metadata = {{"source", AnyValue("procfs")}};

  Metric sum{"http.server.requests", "Requests served.", "{request}", {}, {}};
  Sum s;
  s.aggregation_temporality = AggregationTemporality::kCumulative;
  s.is_monotonic = true;
  s.data_points.push_back(NumberDataPoint{
      {{"route", AnyValue("/api")}}, t0 - 60'000'000'000, t0, int64_t{42}, {exemplar}, 0});
  sum.data = s;

  Metric hist{"http.server.duration", "Request latency.", "s", {}, {}};
  Histogram h;
  h.aggregation_temporality = AggregationTemporality::kDelta;
  HistogramDataPoint hp;
  hp.attributes = {{"route", AnyValue("/api")}};
  hp.start_time_unix_nano = t0 - 10'000'000'000;
  hp.time_unix_nano = t0;
  hp.count = 10;
  hp.sum = 1.25;
  hp.bucket_counts = {1, 2, 3, 4, 0};
  hp.explicit_bounds = {0.005, 0.01, 0.1, 1.0};
  hp.exemplars = {exemplar};
  hp.min = 0.001;
  hp.max = 0.9;
  h.data_points.push_back(hp);
  HistogramDataPoint no_sum;  // sum/min/max absent must stay absent
  no_sum.time_unix_nano = t0;
  no_sum.count = 0;
  h.data_points.push_back(no_sum);
  hist.data = h;

  Metric expo{"rpc.duration", "", "ms", {}, {}};
  ExponentialHistogram e;
  e.aggregation_temporality = AggregationTemporality::kCumulative;
  ExponentialHistogramDataPoint ep;
  ep.time_unix_nano = t0;
  ep.start_time_unix_nano = t0 - 1;
  ep.count = 7;
  ep.sum = 70.5;
  ep.scale = -3;
  ep.zero_count = 1;
  ep.positive = {-2, {1, 0, 3}};
  ep.negative = {5, {2}};
  ep.min = -4;
  ep.max = 30;
  ep.zero_threshold = 1e-9;
  e.data_points.push_back(ep);
  expo.data = e;

  Metric summary{"gc.pause", "GC pauses.", "ms", {}, {}};
  Summary sm;
  SummaryDataPoint sp;
  sp.time_unix_nano = t0;
  sp.count = 100;
  sp.sum = 512.5;
  sp.quantile_values = {{0.0, 0.1}, {0.5, 4.0}, {0.99, 40.0}, {1.0, 50.0}};
  sm.data_points.push_back(sp);
  summary.data = sm;

  Metric empty{"no.data", "", "", {}, {}};

  MetricsData metrics;
  ResourceMetrics rm;
  rm.resource.attributes = {{"service.name", AnyValue("checkout")}};
  rm.schema_url = "https://opentelemetry.io/schemas/1.26.0";
  ScopeMetrics scope;
  scope.scope.name = "nightjar.test";
  scope.metrics = {gauge, sum, hist, expo, summary, empty};
  rm.scope_metrics.push_back(scope);
  metrics.resource_metrics.push_back(rm);
  return metrics;
}

LogsData AppLogs(size_t records) {
  static const char* kLevels[] = {"INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG"};
  static const int kSeverities[] = {9, 9, 9, 13, 17, 5};
  LogsData logs;
  ResourceLogs rl;
  rl.resource.attributes = {{"service.name", AnyValue("checkout")},
                            {"host.name", AnyValue("web-01.example.internal")},
                            {"os.type", AnyValue("linux")}};
  ScopeLogs sl;
  sl.scope.name = "nightjar.bench";
  sl.log_records.reserve(records);
  for (size_t i = 0; i < records; ++i) {
    LogRecord r;
    r.time_unix_nano = 1700000000000000000ULL + i * 1000;
    r.observed_time_unix_nano = r.time_unix_nano + 500;
    r.severity_number = kSeverities[i % 6];
    r.severity_text = kLevels[i % 6];
    r.body = AnyValue("2026-11-22T10:00:00.123Z " + std::string(kLevels[i % 6]) +
                      " checkout request completed order_id=" + std::to_string(100000 + i) +
                      " user=u" + std::to_string(i % 977) + " items=3 total=129.95 latency_ms=" +
                      std::to_string(i % 250) + " region=eu-west-1 status=ok");
    r.attributes = {{"http.method", AnyValue("POST")},
                    {"http.route", AnyValue("/api/v1/checkout")},
                    {"http.status_code", AnyValue(int64_t{200})},
                    {"user.id", AnyValue("u" + std::to_string(i % 977))},
                    {"order.id", AnyValue(static_cast<int64_t>(100000 + i))},
                    {"latency_ms", AnyValue(static_cast<double>(i % 250))},
                    {"region", AnyValue("eu-west-1")},
                    {"cache.hit", AnyValue(i % 2 == 0)},
                    {"thread", AnyValue("worker-" + std::to_string(i % 8))},
                    {"log.file.name", AnyValue("app.log")}};
    r.trace_id = MakeTraceId(static_cast<uint8_t>(i));
    r.span_id = MakeSpanId(static_cast<uint8_t>(i));
    sl.log_records.push_back(std::move(r));
  }
  rl.scope_logs.push_back(std::move(sl));
  logs.resource_logs.push_back(std::move(rl));
  return logs;
}

}  // namespace nightjar::otlp::testing
