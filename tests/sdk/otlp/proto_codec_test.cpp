// Tests of OTLP/protobuf encoding and decoding against the generated libprotobuf classes.
#include <gtest/gtest.h>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp/codec.h"
#include "test_data.h"

namespace nightjar::otlp {
namespace {

namespace logs_pb = ::opentelemetry::proto::collector::logs::v1;
namespace metrics_pb = ::opentelemetry::proto::collector::metrics::v1;
namespace trace_pb = ::opentelemetry::proto::collector::trace::v1;

TEST(ProtoCodec, LogsRoundTripKeepsEveryField) {
  LogsData logs = testing::FullLogs();
  auto decoded = DecodeLogs(EncodeLogs(logs, Encoding::kProtobuf), Encoding::kProtobuf);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, logs);
  EXPECT_EQ(CountLogRecords(*decoded), 14u);
}

TEST(ProtoCodec, MetricsRoundTripKeepsEveryField) {
  MetricsData metrics = testing::FullMetrics();
  auto decoded = DecodeMetrics(EncodeMetrics(metrics, Encoding::kProtobuf), Encoding::kProtobuf);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, metrics);
  EXPECT_EQ(CountDataPoints(*decoded), 8u);
}

TEST(ProtoCodec, EncodedLogsUseTheSpecFieldNumbers) {
  LogsData logs = testing::FullLogs();
  logs_pb::ExportLogsServiceRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(EncodeLogs(logs, Encoding::kProtobuf)));
  ASSERT_EQ(parsed.resource_logs_size(), 2);
  const auto& rl = parsed.resource_logs(0);
  EXPECT_EQ(rl.schema_url(), "https://opentelemetry.io/schemas/1.26.0");
  EXPECT_EQ(rl.resource().attributes(0).key(), "service.name");
  EXPECT_EQ(rl.resource().attributes(0).value().string_value(), "checkout-0");
  EXPECT_EQ(rl.resource().dropped_attributes_count(), 2u);
  const auto& sl = rl.scope_logs(0);
  EXPECT_EQ(sl.scope().name(), "nightjar.test");
  EXPECT_EQ(sl.scope().version(), "1.2.3");
  const auto& record = sl.log_records(1);
  const LogRecord& expected = logs.resource_logs[0].scope_logs[0].log_records[1];
  EXPECT_EQ(record.time_unix_nano(), expected.time_unix_nano);
  EXPECT_EQ(record.observed_time_unix_nano(), expected.observed_time_unix_nano);
  EXPECT_EQ(static_cast<int>(record.severity_number()), expected.severity_number);
  EXPECT_EQ(record.severity_text(), expected.severity_text);
  EXPECT_EQ(record.trace_id(), std::string(expected.trace_id.begin(), expected.trace_id.end()));
  EXPECT_EQ(record.span_id(), std::string(expected.span_id.begin(), expected.span_id.end()));
  EXPECT_EQ(record.flags(), 1u);
  EXPECT_EQ(record.event_name(), "app.startup");
  ASSERT_TRUE(record.body().has_kvlist_value());
  const auto& body = record.body().kvlist_value();
  EXPECT_EQ(body.values(3).key(), "int_max");
  EXPECT_EQ(body.values(3).value().int_value(), INT64_MAX);
  EXPECT_EQ(body.values(8).value().bytes_value(), std::string("\x00\x01\xfe\xff binary", 11));
  // An empty value is an AnyValue with no oneof member set, not a missing value.
  EXPECT_TRUE(body.values(9).has_value());
  EXPECT_EQ(body.values(9).value().value_case(), 0);
  // A record without a trace id encodes no trace_id bytes at all.
  EXPECT_TRUE(sl.log_records(6).trace_id().empty());
}

TEST(ProtoCodec, DecodesMessagesBuiltByLibprotobuf) {
  metrics_pb::ExportMetricsServiceRequest request;
  auto* metric = request.add_resource_metrics()->add_scope_metrics()->add_metrics();
  metric->set_name("queue.depth");
  metric->set_unit("{item}");
  auto* point = metric->mutable_sum()->add_data_points();
  metric->mutable_sum()->set_is_monotonic(false);
  metric->mutable_sum()->set_aggregation_temporality(
      ::opentelemetry::proto::metrics::v1::AGGREGATION_TEMPORALITY_DELTA);
  point->set_as_int(-7);
  point->set_time_unix_nano(99);
  auto* attr = point->add_attributes();
  attr->set_key("queue");
  attr->mutable_value()->set_string_value("emails");

  auto decoded = DecodeMetrics(request.SerializeAsString(), Encoding::kProtobuf);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  const Metric& m = decoded->resource_metrics[0].scope_metrics[0].metrics[0];
  EXPECT_EQ(m.name, "queue.depth");
  EXPECT_EQ(m.unit, "{item}");
  ASSERT_EQ(m.type(), MetricType::kSum);
  const Sum& sum = std::get<Sum>(m.data);
  EXPECT_FALSE(sum.is_monotonic);
  EXPECT_EQ(sum.aggregation_temporality, AggregationTemporality::kDelta);
  EXPECT_EQ(std::get<int64_t>(sum.data_points[0].value), -7);
  EXPECT_EQ(sum.data_points[0].time_unix_nano, 99u);
  EXPECT_EQ(sum.data_points[0].attributes[0].value.string_value(), "emails");
}

TEST(ProtoCodec, EmptyBodyIsAnEmptyRequest) {
  auto logs = DecodeLogs("", Encoding::kProtobuf);
  ASSERT_TRUE(logs.ok());
  EXPECT_TRUE(logs->resource_logs.empty());
}

TEST(ProtoCodec, IgnoresUnknownFieldsFromNewerSenders) {
  std::string body = EncodeLogs(testing::FullLogs(), Encoding::kProtobuf);
  // Field 15, length-delimited, 3 bytes; and field 16 as a varint.
  body += std::string(
      "\x7a\x03"
      "abc"
      "\x80\x01\x05",
      8);
  auto decoded = DecodeLogs(body, Encoding::kProtobuf);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, testing::FullLogs());
}

TEST(ProtoCodec, CountsSpansInTraceRequests) {
  trace_pb::ExportTraceServiceRequest request;
  for (int r = 0; r < 2; ++r) {
    auto* rs = request.add_resource_spans();
    for (int s = 0; s < 3; ++s) {
      auto* ss = rs->add_scope_spans();
      for (int i = 0; i < 4; ++i) {
        auto* span = ss->add_spans();
        span->set_trace_id(std::string(16, 'a'));
        span->set_span_id(std::string(8, 'b'));
        span->set_name("GET /");
      }
    }
  }
  auto summary = DecodeTraces(request.SerializeAsString(), Encoding::kProtobuf);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->resource_spans, 2u);
  EXPECT_EQ(summary->scope_spans, 6u);
  EXPECT_EQ(summary->spans, 24u);
}

TEST(ProtoCodec, ResponsesCarryPartialSuccess) {
  for (Signal signal : {Signal::kLogs, Signal::kMetrics, Signal::kTraces}) {
    ExportResponse response;
    response.partial_success = ExportResponse::PartialSuccess{3, "3 records had no body"};
    std::string body = EncodeResponse(signal, response, Encoding::kProtobuf);
    auto decoded = DecodeResponse(signal, body, Encoding::kProtobuf);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, response) << SignalName(signal);
  }
  logs_pb::ExportLogsServiceResponse parsed;
  ExportResponse response;
  response.partial_success = ExportResponse::PartialSuccess{7, "why"};
  ASSERT_TRUE(parsed.ParseFromString(EncodeResponse(Signal::kLogs, response, Encoding::kProtobuf)));
  EXPECT_EQ(parsed.partial_success().rejected_log_records(), 7);
  EXPECT_EQ(parsed.partial_success().error_message(), "why");
}

TEST(ProtoCodec, FullSuccessLeavesPartialSuccessUnset) {
  std::string body = EncodeResponse(Signal::kLogs, ExportResponse{}, Encoding::kProtobuf);
  EXPECT_TRUE(body.empty());
  auto decoded = DecodeResponse(Signal::kLogs, body, Encoding::kProtobuf);
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(decoded->partial_success.has_value());
}

TEST(ProtoCodec, RpcStatusRoundTrip) {
  RpcStatus status{3, "resource_logs[0]: bad"};
  auto decoded = DecodeRpcStatus(EncodeRpcStatus(status, Encoding::kProtobuf), Encoding::kProtobuf);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, status);
}

TEST(ContentType, RecognisesOtlpMediaTypes) {
  EXPECT_EQ(EncodingFromContentType("application/x-protobuf"), Encoding::kProtobuf);
  EXPECT_EQ(EncodingFromContentType("application/json"), Encoding::kJson);
  EXPECT_EQ(EncodingFromContentType("Application/JSON; charset=utf-8"), Encoding::kJson);
  EXPECT_EQ(EncodingFromContentType(" application/x-protobuf ;q=1"), Encoding::kProtobuf);
  EXPECT_EQ(EncodingFromContentType("text/plain"), std::nullopt);
  EXPECT_EQ(EncodingFromContentType(""), std::nullopt);
  EXPECT_STREQ(ContentType(Encoding::kJson), "application/json");
  EXPECT_STREQ(ContentType(Encoding::kProtobuf), "application/x-protobuf");
}

}  // namespace
}  // namespace nightjar::otlp
