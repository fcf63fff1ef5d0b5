// Tests of OTLP/JSON encoding and decoding: the spec's rules and what real senders do.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "otlp/codec.h"
#include "test_data.h"

namespace nightjar::otlp {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(JsonCodec, LogsRoundTripKeepsEveryField) {
  LogsData logs = testing::FullLogs();
  std::string json = EncodeLogs(logs, Encoding::kJson);
  auto decoded = DecodeLogs(json, Encoding::kJson);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, logs);
}

TEST(JsonCodec, MetricsRoundTripKeepsEveryField) {
  MetricsData metrics = testing::FullMetrics();
  auto decoded = DecodeMetrics(EncodeMetrics(metrics, Encoding::kJson), Encoding::kJson);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, metrics);
}

TEST(JsonCodec, JsonAndProtobufCarryTheSameData) {
  LogsData logs = testing::FullLogs();
  auto via_json = DecodeLogs(EncodeLogs(logs, Encoding::kJson), Encoding::kJson);
  ASSERT_TRUE(via_json.ok());
  EXPECT_EQ(EncodeLogs(*via_json, Encoding::kProtobuf), EncodeLogs(logs, Encoding::kProtobuf));
  MetricsData metrics = testing::FullMetrics();
  auto m = DecodeMetrics(EncodeMetrics(metrics, Encoding::kJson), Encoding::kJson);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(EncodeMetrics(*m, Encoding::kProtobuf), EncodeMetrics(metrics, Encoding::kProtobuf));
}

TEST(JsonCodec, EncodingFollowsTheOtlpJsonRules) {
  LogsData logs;
  LogRecord r;
  r.time_unix_nano = 1700000000123456789ULL;
  r.severity_number = kSeverityError;
  r.body = AnyValue(int64_t{9007199254740993});
  r.trace_id = {0x5B, 0x8E, 0xFF, 0xF7, 0x98, 0x03, 0x81, 0x03,
                0xD2, 0x69, 0xB6, 0x33, 0x81, 0x3F, 0xC6, 0x0C};
  r.span_id = {0xEE, 0xE1, 0x9B, 0x7E, 0xC3, 0xC1, 0xB1, 0x74};
  r.attributes = {{"blob", AnyValue(Bytes{"\x01\x02\x03"})}, {"nan", AnyValue(NAN)}};
  logs.resource_logs.push_back(ResourceLogs{{}, {ScopeLogs{{}, {r}, ""}}, ""});
  std::string json = EncodeLogs(logs, Encoding::kJson);

  EXPECT_THAT(json, HasSubstr(R"("resourceLogs":[)"));
  EXPECT_THAT(json, HasSubstr(R"("scopeLogs":[)"));
  EXPECT_THAT(json, HasSubstr(R"("logRecords":[)"));
  // 64-bit integers are decimal strings; enums are integers.
  EXPECT_THAT(json, HasSubstr(R"("timeUnixNano":"1700000000123456789")"));
  EXPECT_THAT(json, HasSubstr(R"("severityNumber":17)"));
  EXPECT_THAT(json, HasSubstr(R"("body":{"intValue":"9007199254740993"})"));
  // Ids are hex, not base64; bytes values are base64.
  EXPECT_THAT(json, HasSubstr(R"("traceId":"5b8efff798038103d269b633813fc60c")"));
  EXPECT_THAT(json, HasSubstr(R"("spanId":"eee19b7ec3c1b174")"));
  EXPECT_THAT(json, HasSubstr(R"({"bytesValue":"AQID"})"));
  EXPECT_THAT(json, HasSubstr(R"({"doubleValue":"NaN"})"));
  // Defaults are omitted and no snake_case key is ever written.
  EXPECT_THAT(json, Not(HasSubstr("observedTimeUnixNano")));
  EXPECT_THAT(json, Not(HasSubstr("_")));
}

// The example request of the OTLP specification's JSON section, in its own words.
constexpr const char* kSpecStyleLogs = R"({
  "resourceLogs": [{
    "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "my.service"}}]},
    "scopeLogs": [{
      "scope": {"name": "my.library", "version": "1.0.0",
                "attributes": [{"key": "my.scope.attribute", "value": {"stringValue": "x"}}]},
      "logRecords": [{
        "timeUnixNano": "1544712660300000000",
        "observedTimeUnixNano": "1544712660300000000",
        "severityNumber": 10,
        "severityText": "Information",
        "traceId": "5B8EFFF798038103D269B633813FC60C",
        "spanId": "EEE19B7EC3C1B174",
        "body": {"stringValue": "Example log record"},
        "attributes": [
          {"key": "string.attribute", "value": {"stringValue": "some string"}},
          {"key": "boolean.attribute", "value": {"boolValue": true}},
          {"key": "int.attribute", "value": {"intValue": "10"}},
          {"key": "double.attribute", "value": {"doubleValue": 637.704}},
          {"key": "array.attribute", "value": {"arrayValue": {"values": [
            {"stringValue": "many"}, {"stringValue": "values"}]}}},
          {"key": "map.attribute", "value": {"kvlistValue": {"values": [
            {"key": "some.map.key", "value": {"stringValue": "some value"}}]}}}
        ]
      }]
    }]
  }]
})";

TEST(JsonCodec, DecodesTheSpecExample) {
  auto logs = DecodeLogs(kSpecStyleLogs, Encoding::kJson);
  ASSERT_TRUE(logs.ok()) << logs.status().ToString();
  const ResourceLogs& rl = logs->resource_logs.at(0);
  EXPECT_EQ(rl.resource.attributes.at(0).value.string_value(), "my.service");
  const ScopeLogs& sl = rl.scope_logs.at(0);
  EXPECT_EQ(sl.scope.name, "my.library");
  EXPECT_EQ(sl.scope.version, "1.0.0");
  const LogRecord& r = sl.log_records.at(0);
  EXPECT_EQ(r.time_unix_nano, 1544712660300000000ULL);
  EXPECT_EQ(r.severity_number, 10);
  EXPECT_EQ(r.severity_text, "Information");
  EXPECT_EQ(r.trace_id[0], 0x5B);
  EXPECT_EQ(r.trace_id[15], 0x0C);
  EXPECT_EQ(r.span_id[7], 0x74);
  EXPECT_EQ(r.body.string_value(), "Example log record");
  ASSERT_EQ(r.attributes.size(), 6u);
  EXPECT_TRUE(r.attributes[1].value.bool_value());
  EXPECT_EQ(r.attributes[2].value.int_value(), 10);
  EXPECT_DOUBLE_EQ(r.attributes[3].value.double_value(), 637.704);
  EXPECT_EQ(r.attributes[4].value.array_value().at(1).string_value(), "values");
  EXPECT_EQ(r.attributes[5].value.kvlist_value().at(0).key, "some.map.key");
}

TEST(JsonCodec, AcceptsWhatRealSendersWrite) {
  // 64-bit integers as bare numbers (the JavaScript SDK does this for int attributes),
  // original snake_case keys, enum names, upper-case hex, numbers in strings, nulls for
  // defaults, and keys this version does not know.
  constexpr const char* kLenient = R"({
    "resource_logs": [{
      "future_field": {"anything": [1, 2, 3]},
      "scope_logs": [{
        "log_records": [{
          "time_unix_nano": 1544712660300000000,
          "severity_number": "SEVERITY_NUMBER_WARN",
          "trace_id": "5B8EFFF798038103D269B633813FC60C",
          "span_id": null,
          "body": {"int_value": 9007199254740993},
          "attributes": [{"key": "d", "value": {"double_value": "2.5"}},
                         {"key": "inf", "value": {"doubleValue": "-Infinity"}},
                         {"key": "n", "value": null}],
          "dropped_attributes_count": "4",
          "flags": 1.0e0
        }]
      }]
    }]
  })";
  auto logs = DecodeLogs(kLenient, Encoding::kJson);
  ASSERT_TRUE(logs.ok()) << logs.status().ToString();
  const LogRecord& r = logs->resource_logs.at(0).scope_logs.at(0).log_records.at(0);
  EXPECT_EQ(r.time_unix_nano, 1544712660300000000ULL);
  EXPECT_EQ(r.severity_number, kSeverityWarn);
  EXPECT_EQ(r.trace_id[0], 0x5B);
  EXPECT_TRUE(IsZeroId(r.span_id));
  EXPECT_EQ(r.body.int_value(), 9007199254740993);
  EXPECT_DOUBLE_EQ(r.attributes[0].value.double_value(), 2.5);
  EXPECT_TRUE(std::isinf(r.attributes[1].value.double_value()));
  EXPECT_TRUE(r.attributes[2].value.empty());
  EXPECT_EQ(r.dropped_attributes_count, 4u);
  EXPECT_EQ(r.flags, 1u);
}

TEST(JsonCodec, LoneSurrogateEscapesBecomeReplacementCharacters) {
  // JavaScript strings cut inside a surrogate pair serialise as lone \u escapes: legal JSON
  // that encodes no character. Like the sender's own protobuf path, they become U+FFFD.
  auto logs = DecodeLogs(
      R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [
          {"body": {"stringValue": "cut emoji \ud83e"}, "severityText": "\udc00x",
           "eventName": "pair \ud83d\ude00 ok, escaped \\ud83e stays"}]}]}]})",
      Encoding::kJson);
  ASSERT_TRUE(logs.ok()) << logs.status().ToString();
  const LogRecord& r = logs->resource_logs[0].scope_logs[0].log_records[0];
  EXPECT_EQ(r.body.string_value(), "cut emoji \xef\xbf\xbd");
  EXPECT_EQ(r.severity_text, "\xef\xbf\xbdx");
  EXPECT_EQ(r.event_name, "pair \xf0\x9f\x98\x80 ok, escaped \\ud83e stays");
}

TEST(JsonCodec, IntegralNumbersBeyondInt64AreReadAsDoubles) {
  // JavaScript writes any integral double, however large, as a bare intValue number.
  auto logs = DecodeLogs(
      R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body": {"intValue": 1e21},
          "attributes": [{"key": "k", "value": {"intValue": -9223372036854777856}}]}]}]}]})",
      Encoding::kJson);
  ASSERT_TRUE(logs.ok()) << logs.status().ToString();
  const LogRecord& r = logs->resource_logs[0].scope_logs[0].log_records[0];
  EXPECT_EQ(r.body, AnyValue(1e21));
  EXPECT_EQ(r.attributes[0].value, AnyValue(-9223372036854777856.0));
  // -2^63 itself still fits, and a string beyond int64 is still an error.
  EXPECT_TRUE(DecodeLogs(R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body":
      {"intValue": -9223372036854775808}}]}]}]})",
                         Encoding::kJson)
                  .ok());
  EXPECT_FALSE(DecodeLogs(R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body":
      {"intValue": "9223372036854775808"}}]}]}]})",
                          Encoding::kJson)
                   .ok());
}

TEST(JsonCodec, DecodesEveryMetricType) {
  constexpr const char* kMetrics = R"({"resourceMetrics": [{"scopeMetrics": [{"metrics": [
    {"name": "g", "gauge": {"dataPoints": [{"asDouble": 1.5, "timeUnixNano": "10"}]}},
    {"name": "s", "sum": {"dataPoints": [{"asInt": "-3"}], "aggregationTemporality": 2,
                          "isMonotonic": true}},
    {"name": "h", "histogram": {"aggregationTemporality": 1, "dataPoints": [{
       "count": "6", "sum": 9.5, "bucketCounts": ["1", 2, "3"], "explicitBounds": [1, 5],
       "min": 0.5, "max": 7}]}},
    {"name": "e", "exponentialHistogram": {"dataPoints": [{
       "count": 3, "scale": -2, "zeroCount": "1", "positive": {"offset": -1,
       "bucketCounts": [1, 1]}}]}},
    {"name": "q", "summary": {"dataPoints": [{"count": 2, "sum": 3,
       "quantileValues": [{"quantile": 0.5, "value": 1.5}]}]}}
  ]}]}]})";
  auto metrics = DecodeMetrics(kMetrics, Encoding::kJson);
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  const auto& m = metrics->resource_metrics.at(0).scope_metrics.at(0).metrics;
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(std::get<double>(std::get<Gauge>(m[0].data).data_points[0].value), 1.5);
  const Sum& sum = std::get<Sum>(m[1].data);
  EXPECT_EQ(std::get<int64_t>(sum.data_points[0].value), -3);
  EXPECT_TRUE(sum.is_monotonic);
  EXPECT_EQ(sum.aggregation_temporality, AggregationTemporality::kCumulative);
  const HistogramDataPoint& hp = std::get<Histogram>(m[2].data).data_points.at(0);
  EXPECT_EQ(hp.count, 6u);
  EXPECT_EQ(hp.sum, 9.5);
  EXPECT_EQ(hp.bucket_counts, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(hp.explicit_bounds, (std::vector<double>{1, 5}));
  EXPECT_EQ(hp.min, 0.5);
  EXPECT_EQ(hp.max, 7.0);
  const auto& ep = std::get<ExponentialHistogram>(m[3].data).data_points.at(0);
  EXPECT_EQ(ep.scale, -2);
  EXPECT_EQ(ep.zero_count, 1u);
  EXPECT_EQ(ep.positive.offset, -1);
  EXPECT_FALSE(ep.sum.has_value());
  const auto& sp = std::get<Summary>(m[4].data).data_points.at(0);
  EXPECT_EQ(sp.quantile_values.at(0).value, 1.5);
}

TEST(JsonCodec, ResponsesAndStatus) {
  ExportResponse response;
  response.partial_success = ExportResponse::PartialSuccess{2, "2 points had no value"};
  std::string json = EncodeResponse(Signal::kMetrics, response, Encoding::kJson);
  EXPECT_EQ(
      json,
      R"({"partialSuccess":{"rejectedDataPoints":"2","errorMessage":"2 points had no value"}})");
  auto decoded = DecodeResponse(Signal::kMetrics, json, Encoding::kJson);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, response);
  EXPECT_EQ(EncodeResponse(Signal::kLogs, ExportResponse{}, Encoding::kJson), "{}");
  EXPECT_EQ(EncodeRpcStatus(RpcStatus{0, "bad"}, Encoding::kJson), R"({"message":"bad"})");
  auto status = DecodeRpcStatus(R"({"code": 3, "message": "m", "details": []})", Encoding::kJson);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(*status, (RpcStatus{3, "m"}));
}

TEST(JsonCodec, CountsSpans) {
  auto summary = DecodeTraces(R"({"resourceSpans": [{"scopeSpans": [
      {"spans": [{"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
                  "name": "a"}, {"name": "b"}]},
      {"spans": [{"name": "c"}]}]}]})",
                              Encoding::kJson);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->resource_spans, 1u);
  EXPECT_EQ(summary->scope_spans, 2u);
  EXPECT_EQ(summary->spans, 3u);
}

}  // namespace
}  // namespace nightjar::otlp

namespace nightjar::otlp {
namespace {

TEST(JsonNumbers, AreReadExactly) {
  // Inputs that RapidJSON's own parsers misread: zero with an exponent, long mantissas.
  struct Case {
    const char* text;
    double expected;
  } cases[] = {{"0e308", 0.0},
               {"0E-32", 0.0},
               {"0.0e100", 0.0},
               {"0.184467440737095516159", 0.184467440737095516159},
               {"1.7976931348623157e308", 1.7976931348623157e308},
               {"5e-324", 5e-324},
               {"1e-400", 0.0},
               {"0.1", 0.1}};
  for (const Case& c : cases) {
    std::string body =
        std::string(R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body": )") +
        R"({"doubleValue": )" + c.text + "}}]}]}]}";
    auto logs = DecodeLogs(body, Encoding::kJson);
    ASSERT_TRUE(logs.ok()) << c.text << ": " << logs.status().ToString();
    EXPECT_EQ(logs->resource_logs[0].scope_logs[0].log_records[0].body.double_value(), c.expected)
        << c.text;
  }
  auto huge = DecodeLogs(R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body":
      {"doubleValue": 1e400}}]}]}]})",
                         Encoding::kJson);
  ASSERT_FALSE(huge.ok());
  EXPECT_THAT(huge.status().message(), HasSubstr("Number too big to be stored in double"));
}

TEST(JsonCodec, NegativeZeroSurvivesAsInProtobuf) {
  MetricsData metrics;
  Metric m{"s", "", "", {}, {}};
  Summary summary;
  SummaryDataPoint p;
  p.sum = -0.0;
  p.quantile_values = {{-0.0, -0.0}};
  summary.data_points.push_back(p);
  m.data = summary;
  metrics.resource_metrics.push_back(ResourceMetrics{{}, {ScopeMetrics{{}, {m}, ""}}, ""});
  auto back = DecodeMetrics(EncodeMetrics(metrics, Encoding::kJson), Encoding::kJson);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(EncodeMetrics(*back, Encoding::kProtobuf), EncodeMetrics(metrics, Encoding::kProtobuf));
  const auto& q = std::get<Summary>(back->resource_metrics[0].scope_metrics[0].metrics[0].data);
  EXPECT_TRUE(std::signbit(q.data_points[0].sum));
}

}  // namespace
}  // namespace nightjar::otlp
