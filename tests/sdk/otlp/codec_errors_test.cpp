// Bad input gets a clear error naming where and what: malformed protobuf and JSON, wrong
// types, invalid UTF-8, ids of the wrong length, absurd lengths and nesting.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp/codec.h"
#include "test_data.h"

namespace nightjar::otlp {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace logs_pb = ::opentelemetry::proto::collector::logs::v1;

std::string ErrorOf(std::string_view body, Encoding encoding) {
  auto result = DecodeLogs(body, encoding);
  EXPECT_FALSE(result.ok()) << "decoding unexpectedly succeeded";
  if (result.ok()) return "";
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  return result.status().message();
}

// A request with one record whose body is set by `fill`.
std::string OneRecord(const std::function<void(logs_pb::ExportLogsServiceRequest*)>& fill) {
  logs_pb::ExportLogsServiceRequest request;
  request.add_resource_logs()->add_scope_logs()->add_log_records();
  fill(&request);
  return request.SerializeAsString();
}

TEST(ProtoErrors, EveryTruncationFailsCleanly) {
  std::string body = EncodeLogs(testing::FullLogs(), Encoding::kProtobuf);
  int failures = 0;
  for (size_t cut = 1; cut < body.size(); cut += 7) {
    auto result = DecodeLogs(std::string_view(body).substr(0, cut), Encoding::kProtobuf);
    if (!result.ok()) {
      ++failures;
      EXPECT_THAT(result.status().message(), StartsWith("OTLP/protobuf logs request: "));
    }
  }
  // Almost every prefix cuts a length-delimited field short.
  EXPECT_GT(failures, static_cast<int>(body.size() / 7) * 9 / 10);
}

TEST(ProtoErrors, TruncationNamesTheField) {
  std::string body = OneRecord([](auto* r) {
    r->mutable_resource_logs(0)->mutable_scope_logs(0)->mutable_log_records(0)->set_severity_text(
        "WARNING");
  });
  std::string error = ErrorOf(body.substr(0, body.size() - 3), Encoding::kProtobuf);
  EXPECT_THAT(error, HasSubstr("resource_logs[0]"));
  EXPECT_THAT(error, HasSubstr("exceeds"));
}

TEST(ProtoErrors, WrongWireTypeIsNamed) {
  // Field 1 (resource_logs) is a message, sent here as a varint.
  std::string error = ErrorOf(std::string("\x08\x01", 2), Encoding::kProtobuf);
  EXPECT_THAT(error,
              HasSubstr("resource_logs[0]: wire type varint does not match field type message"));
}

TEST(ProtoErrors, InvalidUtf8InAStringIsNamed) {
  std::string body = OneRecord([](auto* r) {
    r->mutable_resource_logs(0)
        ->mutable_scope_logs(0)
        ->mutable_log_records(0)
        ->mutable_body()
        ->set_string_value("ok");
  });
  // Replace "ok" with bytes that are not UTF-8.
  size_t at = body.find("ok");
  ASSERT_NE(at, std::string::npos);
  body[at] = '\xC3';
  body[at + 1] = '\x28';
  std::string error = ErrorOf(body, Encoding::kProtobuf);
  EXPECT_THAT(error, HasSubstr("resource_logs[0].scope_logs[0].log_records[0].body.string_value: "
                               "invalid UTF-8 at byte 0"));
}

TEST(ProtoErrors, AbsurdLengthIsRefused) {
  // Field 1, length-delimited, claiming 4 GiB.
  std::string error = ErrorOf(std::string("\x0a\xff\xff\xff\xff\x0f", 6), Encoding::kProtobuf);
  EXPECT_THAT(error, HasSubstr("length 4294967295 exceeds the 0 bytes left"));
}

TEST(ProtoErrors, IdOfTheWrongLengthIsNamed) {
  std::string body = OneRecord([](auto* r) {
    r->mutable_resource_logs(0)->mutable_scope_logs(0)->mutable_log_records(0)->set_trace_id("abc");
  });
  EXPECT_EQ(ErrorOf(body, Encoding::kProtobuf),
            "OTLP/protobuf logs request: resource_logs[0].scope_logs[0].log_records[0].trace_id: "
            "must be 16 bytes, got 3");
}

TEST(ProtoErrors, DeepNestingIsRefusedNotRecursed) {
  // 200 nested array values: deeper than any sender needs, an attempt at the stack.
  logs_pb::ExportLogsServiceRequest request;
  auto* any = request.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_body();
  for (int i = 0; i < 200; ++i) any = any->mutable_array_value()->add_values();
  std::string body;
  request.SerializeToString(&body);
  std::string error = ErrorOf(body, Encoding::kProtobuf);
  EXPECT_THAT(error, HasSubstr("nested deeper than"));
}

TEST(ProtoErrors, NestingLimitMatchesJson) {
  // 65 levels (depth 0..64) are accepted in both encodings; 66 are refused in both.
  for (int levels : {65, 66}) {
    logs_pb::ExportLogsServiceRequest request;
    auto* any = request.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_body();
    for (int i = 1; i < levels; ++i) any = any->mutable_array_value()->add_values();
    any->set_int_value(1);
    auto from_proto = DecodeLogs(request.SerializeAsString(), Encoding::kProtobuf);
    EXPECT_EQ(from_proto.ok(), levels == 65) << from_proto.status().ToString();
    if (!from_proto.ok()) {
      EXPECT_THAT(from_proto.status().message(), HasSubstr("values nested deeper than 64 levels"));
      continue;
    }
    auto from_json = DecodeLogs(EncodeLogs(*from_proto, Encoding::kJson), Encoding::kJson);
    EXPECT_TRUE(from_json.ok()) << from_json.status().ToString();
  }
}

TEST(ProtoErrors, GarbageIsRefused) {
  std::string error = ErrorOf("this is not protobuf at all", Encoding::kProtobuf);
  EXPECT_THAT(error, StartsWith("OTLP/protobuf logs request: "));
}

TEST(JsonErrors, SyntaxErrorGivesTheOffset) {
  EXPECT_EQ(ErrorOf(R"({"resourceLogs": [})", Encoding::kJson),
            "OTLP/JSON logs request: invalid JSON at byte 18: Invalid value.");
  EXPECT_EQ(ErrorOf(R"({"resourceLogs": [] "x")", Encoding::kJson),
            "OTLP/JSON logs request: invalid JSON at byte 20: Missing a comma or '}' after an "
            "object member.");
}

TEST(JsonErrors, RootMustBeAnObject) {
  EXPECT_THAT(ErrorOf("[]", Encoding::kJson), HasSubstr("expected a JSON object, got an array"));
  EXPECT_THAT(ErrorOf("", Encoding::kJson), HasSubstr("invalid JSON at byte 0"));
}

TEST(JsonErrors, WrongTypesAreNamedWithTheirPath) {
  EXPECT_EQ(ErrorOf(R"({"resourceLogs": {}})", Encoding::kJson),
            "OTLP/JSON logs request: resourceLogs: expected an array, got an object");
  EXPECT_EQ(
      ErrorOf(
          R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{}, {"timeUnixNano": true}]}]}]})",
          Encoding::kJson),
      "OTLP/JSON logs request: resourceLogs[0].scopeLogs[0].logRecords[1].timeUnixNano: "
      "expected an unsigned 64-bit integer (string or number), got a boolean");
  EXPECT_EQ(ErrorOf(R"({"resourceLogs": [7]})", Encoding::kJson),
            "OTLP/JSON logs request: resourceLogs[0]: expected an object, got a number");
  EXPECT_EQ(
      ErrorOf(
          R"({"resourceLogs": [{"resource": {"attributes": [{"key": "k", "value": {"intValue": "12x"}}]}}]})",
          Encoding::kJson),
      "OTLP/JSON logs request: resourceLogs[0].resource.attributes[0].value.intValue: "
      "expected a 64-bit integer, got \"12x\"");
}

TEST(JsonErrors, OutOfRangeNumbersAreRefused) {
  EXPECT_THAT(
      ErrorOf(R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"timeUnixNano": "-1"}]}]}]})",
              Encoding::kJson),
      HasSubstr("timeUnixNano: expected an unsigned 64-bit integer"));
  EXPECT_THAT(
      ErrorOf(
          R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body": {"intValue": "9223372036854775808"}}]}]}]})",
          Encoding::kJson),
      HasSubstr("body.intValue: 64-bit integer out of range"));
  EXPECT_THAT(
      ErrorOf(R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"flags": 4294967296}]}]}]})",
              Encoding::kJson),
      HasSubstr("flags: value 4294967296 is out of range for a 32-bit integer"));
  EXPECT_THAT(ErrorOf(R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"flags": 1.5}]}]}]})",
                      Encoding::kJson),
              HasSubstr("flags: expected a 64-bit integer, got a number out of range"));
}

TEST(JsonErrors, BadIdsAndBytesAreNamed) {
  EXPECT_THAT(
      ErrorOf(R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"traceId": "abcd"}]}]}]})",
              Encoding::kJson),
      HasSubstr("logRecords[0].traceId: must be 32 hex digits, got 4 characters"));
  EXPECT_THAT(
      ErrorOf(
          R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"spanId": "zzzzzzzzzzzzzzzz"}]}]}]})",
          Encoding::kJson),
      HasSubstr("spanId: not a hex string"));
  EXPECT_THAT(
      ErrorOf(
          R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body": {"bytesValue": "@@@"}}]}]}]})",
          Encoding::kJson),
      HasSubstr("body.bytesValue: not valid base64"));
}

TEST(JsonErrors, InvalidUtf8IsRefused) {
  std::string raw =
      std::string(
          R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body": {"stringValue": ")") +
      "\xff\xfe" + R"("}}]}]}]})";
  EXPECT_THAT(ErrorOf(raw, Encoding::kJson), HasSubstr("Invalid encoding in string."));
}

TEST(JsonErrors, AnyValueWithTwoValuesIsRefused) {
  EXPECT_THAT(
      ErrorOf(
          R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body": {"stringValue": "a", "intValue": 1}}]}]}]})",
          Encoding::kJson),
      HasSubstr("body.intValue: an AnyValue may hold only one value"));
}

TEST(JsonErrors, DeepNestingIsRefused) {
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += R"({"arrayValue": {"values": [)";
  for (int i = 0; i < 5000; ++i) deep += "]}}";
  std::string body =
      R"({"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body": )" + deep + "}]}]}]}";
  EXPECT_THAT(ErrorOf(body, Encoding::kJson), HasSubstr("values nested deeper than 64 levels"));
}

TEST(JsonErrors, TwoMetricTypesAreRefused) {
  auto result = DecodeMetrics(R"({"resourceMetrics": [{"scopeMetrics": [{"metrics": [
      {"name": "x", "gauge": {"dataPoints": []}, "sum": {"dataPoints": []}}]}]}]})",
                              Encoding::kJson);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(
      result.status().message(),
      HasSubstr(
          "resourceMetrics[0].scopeMetrics[0].metrics[0].sum: a metric may hold only one of"));
}

TEST(JsonErrors, ElementErrorsNameTheIndex) {
  auto result = DecodeMetrics(R"({"resourceMetrics": [{"scopeMetrics": [{"metrics": [
      {"name": "h", "histogram": {"dataPoints": [{"bucketCounts": ["1", "x"]}]}}]}]}]})",
                              Encoding::kJson);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(),
              HasSubstr("metrics[0].histogram.dataPoints[0].bucketCounts[1]: expected an unsigned "
                        "64-bit integer, got \"x\""));
}

}  // namespace
}  // namespace nightjar::otlp

namespace nightjar::otlp {
namespace {

TEST(ProtoErrors, KeyValueListNestingLimitMatchesJson) {
  // Maps cost three message levels per value level; 64 nested maps are within the value limit
  // in both encodings.
  logs_pb::ExportLogsServiceRequest request;
  auto* any = request.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_body();
  for (int i = 0; i < 64; ++i) {
    auto* kv = any->mutable_kvlist_value()->add_values();
    kv->set_key("k");
    any = kv->mutable_value();
  }
  any->set_bool_value(true);
  auto from_proto = DecodeLogs(request.SerializeAsString(), Encoding::kProtobuf);
  ASSERT_TRUE(from_proto.ok()) << from_proto.status().ToString();
  EXPECT_TRUE(DecodeLogs(EncodeLogs(*from_proto, Encoding::kJson), Encoding::kJson).ok());
}

TEST(ProtoErrors, ParentSpanIdLengthIsCheckedAsInJson) {
  ::opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
  request.add_resource_spans()->add_scope_spans()->add_spans()->set_parent_span_id("abc");
  auto summary = DecodeTraces(request.SerializeAsString(), Encoding::kProtobuf);
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.status().message(),
              HasSubstr("resource_spans[0].scope_spans[0].spans[0].parent_span_id: must be 8 "
                        "bytes, got 3"));
}

TEST(ProtoErrors, BadFieldNumberInsideAGroupIsExplained) {
  // Field 15 as a start-group, then a tag with field number 0.
  std::string error = ErrorOf(std::string("\x7b\x00\x00\x7c", 4), Encoding::kProtobuf);
  EXPECT_THAT(error, HasSubstr("invalid field number 0"));
  EXPECT_THAT(error, HasSubstr("inside a group"));
}

}  // namespace
}  // namespace nightjar::otlp

namespace nightjar::otlp {
namespace {

TEST(ProtoErrors, OverlongTagIsExplained) {
  // Field 1 as a varint, with its tag padded to six bytes: libprotobuf reads tags as 32-bit
  // varints of at most five bytes.
  std::string error = ErrorOf(std::string("\x88\x80\x80\x80\x80\x00\x01", 7), Encoding::kProtobuf);
  EXPECT_THAT(error, HasSubstr("truncated or overlong tag at byte 0"));
}

}  // namespace
}  // namespace nightjar::otlp
