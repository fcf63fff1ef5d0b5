// Tests of the streaming OTLP/protobuf logs writer: its bytes decode to exactly the records given,
// and equal EncodeLogs's bytes wherever both encode the same data.
#include "otlp/logs_proto_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "otlp/codec.h"
#include "test_data.h"

namespace nightjar::otlp {
namespace {

LogsData Decode(const std::string& body) {
  auto decoded = DecodeLogs(body, Encoding::kProtobuf);
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  return decoded.ok() ? *decoded : LogsData{};
}

TEST(LogsProtoWriter, MatchesEncodeLogsByteForByteOnEveryField) {
  LogsData logs = testing::FullLogs();
  std::string fast = WriteLogsProto(logs);
  EXPECT_EQ(fast, EncodeLogs(logs, Encoding::kProtobuf));
  EXPECT_EQ(Decode(fast), logs);
}

TEST(LogsProtoWriter, MatchesEncodeLogsOnAppLogs) {
  LogsData logs = testing::AppLogs(500);
  EXPECT_EQ(WriteLogsProto(logs), EncodeLogs(logs, Encoding::kProtobuf));
}

TEST(LogsProtoWriter, EmptyRequestIsEmpty) {
  EXPECT_EQ(WriteLogsProto(LogsData{}), "");
  EXPECT_EQ(WriteLogsProto(LogsData{}), EncodeLogs(LogsData{}, Encoding::kProtobuf));
}

TEST(LogsProtoWriter, ViewsDecodeToTheRecordsGiven) {
  const KeyValueView resource_attributes[] = {
      {"service.name", AnyValueView::String("checkout")},
      {"host.name", AnyValueView::String("web-1")},
  };
  const KeyValueView scope_attributes[] = {{"scope.flag", AnyValueView::Bool(false)}};
  AnyValue nested(AnyValue::KvList{{"inner", AnyValue(AnyValue::Array{1, "two", 3.5})}});
  const KeyValueView record_attributes[] = {
      {"count", AnyValueView::Int(-42)},
      {"ratio", AnyValueView::Double(0.25)},
      {"ok", AnyValueView::Bool(true)},
      {"raw", AnyValueView::BytesValue(std::string_view("\x00\xff", 2))},
      {"nested", AnyValueView::Model(&nested)},
      {"", AnyValueView()},
  };
  const KeyValueView file_attributes[] = {
      {"log.file.path", AnyValueView::String("/var/log/app.log")},
      {"log.file.name", AnyValueView::String("app.log")},
  };
  std::string encoded_file_attributes = EncodeRecordAttributes(file_attributes);

  LogsProtoWriter writer;
  writer.BeginResourceLogs(ResourceView{resource_attributes, 3});
  writer.BeginScopeLogs(ScopeView{"nightjar", "1.0", scope_attributes, 1});
  LogRecordView first;
  first.time_unix_nano = 1'700'000'000'000'000'001;
  first.observed_time_unix_nano = 1'700'000'000'000'000'002;
  first.severity_number = kSeverityWarn;
  first.severity_text = "WARN";
  first.body = AnyValueView::String("disk almost full");
  first.attributes = record_attributes;
  first.encoded_attributes = encoded_file_attributes;
  first.dropped_attributes_count = 7;
  first.flags = 1;
  first.trace_id = "0123456789abcdef";
  first.span_id = "01234567";
  first.event_name = "disk.usage";
  writer.AddRecord(first);
  LogRecordView second;  // only defaults: an empty record
  writer.AddRecord(second);
  LogRecordView third;
  third.body = AnyValueView::String("");  // an empty string body is still a body
  third.severity_number = -3;             // unknown values survive, even negative ones
  writer.AddRecord(third);
  writer.EndScopeLogs("https://scope.schema");
  writer.EndResourceLogs("https://resource.schema");
  EXPECT_EQ(writer.record_count(), 3u);

  LogsData expected;
  ResourceLogs& rl = expected.resource_logs.emplace_back();
  rl.resource.attributes = {{"service.name", "checkout"}, {"host.name", "web-1"}};
  rl.resource.dropped_attributes_count = 3;
  rl.schema_url = "https://resource.schema";
  ScopeLogs& sl = rl.scope_logs.emplace_back();
  sl.scope = InstrumentationScope{"nightjar", "1.0", {{"scope.flag", false}}, 1};
  sl.schema_url = "https://scope.schema";
  LogRecord r1;
  r1.time_unix_nano = first.time_unix_nano;
  r1.observed_time_unix_nano = first.observed_time_unix_nano;
  r1.severity_number = kSeverityWarn;
  r1.severity_text = "WARN";
  r1.body = "disk almost full";
  r1.attributes = {{"count", int64_t{-42}},
                   {"ratio", 0.25},
                   {"ok", true},
                   {"raw", Bytes{std::string("\x00\xff", 2)}},
                   {"nested", nested},
                   {"", AnyValue()},
                   {"log.file.path", "/var/log/app.log"},
                   {"log.file.name", "app.log"}};
  r1.dropped_attributes_count = 7;
  r1.flags = 1;
  std::memcpy(r1.trace_id.data(), "0123456789abcdef", 16);
  std::memcpy(r1.span_id.data(), "01234567", 8);
  r1.event_name = "disk.usage";
  sl.log_records.push_back(r1);
  sl.log_records.push_back(LogRecord{});
  LogRecord r3;
  r3.body = "";
  r3.severity_number = -3;
  sl.log_records.push_back(r3);

  std::string body = writer.Release();
  EXPECT_EQ(Decode(body), expected);
  EXPECT_EQ(body, EncodeLogs(expected, Encoding::kProtobuf));
  EXPECT_EQ(writer.size(), 0u);
  EXPECT_EQ(writer.record_count(), 0u);
}

TEST(LogsProtoWriter, ExtremeScalarsRoundTrip) {
  LogsData logs;
  auto& records = logs.resource_logs.emplace_back().scope_logs.emplace_back().log_records;
  for (int64_t v : {std::numeric_limits<int64_t>::min(), int64_t{-1}, int64_t{0},
                    std::numeric_limits<int64_t>::max()}) {
    LogRecord r;
    r.body = v;
    r.time_unix_nano = std::numeric_limits<uint64_t>::max();
    r.severity_number = std::numeric_limits<int32_t>::min();
    r.flags = std::numeric_limits<uint32_t>::max();
    r.dropped_attributes_count = std::numeric_limits<uint32_t>::max();
    records.push_back(r);
  }
  LogRecord doubles;
  doubles.body = AnyValue(AnyValue::Array{-0.0, 1e308, std::numeric_limits<double>::infinity()});
  records.push_back(doubles);
  std::string fast = WriteLogsProto(logs);
  EXPECT_EQ(fast, EncodeLogs(logs, Encoding::kProtobuf));
  EXPECT_EQ(Decode(fast), logs);
}

// A ScopeLogs longer than the three bytes reserved for its length (2 MiB) must be moved to make
// room; a short one is moved the other way. Both decode.
TEST(LogsProtoWriter, FixesUpLengthsOfAnySize) {
  for (size_t body_size : {size_t{0}, size_t{100}, size_t{3} << 20}) {
    LogsData logs;
    auto& records = logs.resource_logs.emplace_back().scope_logs.emplace_back().log_records;
    records.emplace_back().body = std::string(body_size, 'x');
    records.emplace_back().body = "after";
    std::string fast = WriteLogsProto(logs);
    EXPECT_EQ(fast, EncodeLogs(logs, Encoding::kProtobuf)) << body_size;
    EXPECT_EQ(Decode(fast), logs) << body_size;
  }
}

TEST(LogsProtoWriter, ClearDiscardsAPartialRequest) {
  LogsProtoWriter writer;
  writer.BeginResourceLogs({});
  writer.BeginScopeLogs({});
  LogRecordView record;
  record.body = AnyValueView::String("dropped");
  writer.AddRecord(record);
  writer.Clear();
  EXPECT_FALSE(writer.in_resource_logs());
  writer.BeginResourceLogs({});
  writer.BeginScopeLogs({});
  record.body = AnyValueView::String("kept");
  writer.AddRecord(record);
  writer.EndScopeLogs();
  writer.EndResourceLogs();
  LogsData decoded = Decode(writer.Release());
  ASSERT_EQ(CountLogRecords(decoded), 1u);
  EXPECT_EQ(decoded.resource_logs[0].scope_logs[0].log_records[0].body, AnyValue("kept"));
}

}  // namespace
}  // namespace nightjar::otlp
