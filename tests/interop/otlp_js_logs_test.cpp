// Logs from OpenTelemetry's JavaScript SDK (sdk-logs and the OTLP/HTTP exporters from npm)
// through Nightjar's OTLP codec: every field of fixtures/logs.json must arrive exactly, in
// protobuf and JSON, with and without gzip; Nightjar's re-encoding of what arrived must be the
// same message again (judged by protoc) and the same JSON the SDK writes (judged by Node); and
// what the SDK does to values it cannot send as given is pinned down per encoding.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "capture_server.h"
#include "captured_body.h"
#include "interop_expect.h"
#include "js_runner.h"
#include "logs_fixture.h"
#include "model_print.h"
#include "otlp/codec.h"
#include "protoc_text.h"
#include "test_env.h"

namespace nightjar::interop {
namespace {

constexpr char kLogsRequestType[] =
    "opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest";
constexpr char kLogsServiceProto[] = "opentelemetry/proto/collector/logs/v1/logs_service.proto";

std::string Fixture(const char* name) { return (InteropDir() / "fixtures" / name).string(); }

struct Variant {
  const char* protocol;
  const char* compression;
  const char* test_name;
};

void PrintTo(const Variant& v, std::ostream* os) { *os << v.protocol << ":" << v.compression; }

class JsLogsExport : public ::testing::TestWithParam<Variant> {};

// Every field of every record survives the SDK's exporter and Nightjar's decoder unchanged:
// nanosecond times, all 24 severities with their texts, each AnyValue kind (int64 beyond 2^53,
// doubles down to the last bit, bytes 0x00..0xff, nested arrays and maps, empty values), UTF-8
// byte for byte, trace context, event names, resource and scope with their schema URLs.
TEST_P(JsLogsExport, DecodesEveryFieldExactly) {
  const Variant& v = GetParam();
  Result<otlp::LogsData> expected = LoadLogsFixture(Fixture("logs.json"));
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();

  CaptureServer server;
  std::string variant = std::string(v.protocol) + ":" + v.compression;
  ExportRun run = RunExportScript(server, "export_logs.mjs", {Fixture("logs.json"), variant}, 1);
  ASSERT_NO_FATAL_FAILURE(ExpectCleanExport(run, 1));

  const CapturedRequest& request = run.requests[0];
  std::string path = "/" + std::string(v.protocol) + "/" + v.compression + "/v1/logs";
  ASSERT_NO_FATAL_FAILURE(ExpectExporterRequest(request, path, v.protocol, v.compression));
  Result<otlp::LogsData> decoded = DecodeLogsRequest(request);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(otlp::CountLogRecords(*decoded), otlp::CountLogRecords(*expected));
  ExpectLogsEqual(*expected, *decoded);
}

INSTANTIATE_TEST_SUITE_P(AllEncodings, JsLogsExport,
                         ::testing::Values(Variant{"proto", "none", "Protobuf"},
                                           Variant{"proto", "gzip", "ProtobufGzip"},
                                           Variant{"json", "none", "Json"},
                                           Variant{"json", "gzip", "JsonGzip"}),
                         [](const auto& p) { return std::string(p.param.test_name); });

// Runs the fixture through the SDK's protobuf and JSON exporters in one go.
class JsLogsRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    run_ = RunExportScript(server_, "export_logs.mjs",
                           {Fixture("logs.json"), "proto:none", "json:none"}, 2);
    ASSERT_NO_FATAL_FAILURE(ExpectCleanExport(run_, 2));
    proto_ = RequestTo(run_.requests, "/proto/none/v1/logs");
    json_ = RequestTo(run_.requests, "/json/none/v1/logs");
    ASSERT_NE(proto_, nullptr);
    ASSERT_NE(json_, nullptr);
  }

  TempDir scratch_;
  CaptureServer server_;
  ExportRun run_;
  const CapturedRequest* proto_ = nullptr;
  const CapturedRequest* json_ = nullptr;
};

// The SDK's protobuf bytes and Nightjar's re-encoding of what it decoded from them are the same
// message: protoc prints identical text for both.
TEST_F(JsLogsRoundTrip, ProtobufReencodesToTheSameMessage) {
  Result<otlp::LogsData> decoded = otlp::DecodeLogs(proto_->body, otlp::Encoding::kProtobuf);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  std::string ours = otlp::EncodeLogs(*decoded, otlp::Encoding::kProtobuf);

  Result<std::string> sdk_text =
      ProtocDecode(kLogsRequestType, kLogsServiceProto, proto_->body, scratch_.path());
  ASSERT_TRUE(sdk_text.ok()) << sdk_text.status().ToString();
  Result<std::string> our_text =
      ProtocDecode(kLogsRequestType, kLogsServiceProto, ours, scratch_.path());
  ASSERT_TRUE(our_text.ok()) << our_text.status().ToString();
  // A sanity check that protoc saw the data and not an empty message.
  EXPECT_NE(sdk_text->find("nightjar.interop.kitchen_sink"), std::string::npos);
  EXPECT_EQ(*our_text, *sdk_text) << FirstDifference(*sdk_text, *our_text);

  Result<otlp::LogsData> again = otlp::DecodeLogs(ours, otlp::Encoding::kProtobuf);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(*again == *decoded) << "decode(encode(x)) differs from x";
}

// The SDK's protobuf and JSON requests for the same records decode to the same data.
TEST_F(JsLogsRoundTrip, ProtobufAndJsonDecodeToTheSameData) {
  Result<otlp::LogsData> from_proto = DecodeLogsRequest(*proto_);
  ASSERT_TRUE(from_proto.ok()) << from_proto.status().ToString();
  Result<otlp::LogsData> from_json = DecodeLogsRequest(*json_);
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  ExpectLogsEqual(*from_proto, *from_json);
}

// Nightjar's OTLP/JSON of the decoded data, whether it was decoded from the SDK's protobuf or
// from its JSON, is the JSON the SDK itself writes for those records, up to what OTLP/JSON
// leaves open (int64 as string or number, defaults present or omitted, key order); Node judges,
// with the rules written down in js/compare_json.mjs.
TEST_F(JsLogsRoundTrip, JsonMatchesWhatTheSdkWrites) {
  Result<otlp::LogsData> from_proto = DecodeLogsRequest(*proto_);
  ASSERT_TRUE(from_proto.ok()) << from_proto.status().ToString();
  Result<otlp::LogsData> from_json = DecodeLogsRequest(*json_);
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();

  auto sdk_file = scratch_.path() / "sdk.json";
  auto ours_from_proto = scratch_.path() / "nightjar-from-protobuf.json";
  auto ours_from_json = scratch_.path() / "nightjar-from-json.json";
  ASSERT_TRUE(WriteFile(sdk_file, json_->body).ok());
  ASSERT_TRUE(
      WriteFile(ours_from_proto, otlp::EncodeLogs(*from_proto, otlp::Encoding::kJson)).ok());
  ASSERT_TRUE(WriteFile(ours_from_json, otlp::EncodeLogs(*from_json, otlp::Encoding::kJson)).ok());

  ProcessResult compare = RunNodeScript(
      "compare_json.mjs", {sdk_file.string(), ours_from_proto.string(), ours_from_json.string()});
  EXPECT_TRUE(compare.Succeeded()) << compare.stdout_text << compare.Describe();
}

// What the SDK does with values it cannot send as given, per encoding, and what Nightjar makes
// of it. These are facts about the SDK that a receiver has to live with, not choices of ours.
class JsLogsQuirks : public ::testing::Test {
 protected:
  // Exports a quirks fixture as protobuf and JSON; fills the raw requests.
  void Export(const char* fixture, bool expect_warnings) {
    run_ = RunExportScript(server_, "export_logs.mjs",
                           {Fixture(fixture), "proto:none", "json:none"}, 2);
    ASSERT_NO_FATAL_FAILURE(ExpectCleanExport(run_, 2, expect_warnings));
    proto_ = RequestTo(run_.requests, "/proto/none/v1/logs");
    json_ = RequestTo(run_.requests, "/json/none/v1/logs");
    ASSERT_NE(proto_, nullptr);
    ASSERT_NE(json_, nullptr);
  }

  CaptureServer server_;
  ExportRun run_;
  const CapturedRequest* proto_ = nullptr;
  const CapturedRequest* json_ = nullptr;
};

const otlp::AnyValue* Attribute(const otlp::LogRecord& record, std::string_view key) {
  return otlp::FindAttribute(record.attributes, key);
}

TEST_F(JsLogsQuirks, ValuesTheSdkChangesOnTheWay) {
  ASSERT_NO_FATAL_FAILURE(Export("logs_quirks.json", /*expect_warnings=*/true));

  // The SDK drops a BigInt attribute, and a map attribute holding one, with a warning each:
  // BigInt is not an attribute value type in the JavaScript API.
  std::vector<std::string> warnings;
  for (const auto& d : SummaryOf(run_).diagnostics) warnings.push_back(d.level + ": " + d.text);
  EXPECT_EQ(warnings, (std::vector<std::string>{
                          "warn: Invalid attribute value set for key: bigint",
                          "warn: Invalid attribute value set for key: map_with_bigint"}));

  Result<otlp::LogsData> from_proto = DecodeLogsRequest(*proto_);
  ASSERT_TRUE(from_proto.ok()) << from_proto.status().ToString();
  Result<otlp::LogsData> from_json = DecodeLogsRequest(*json_);
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  ASSERT_EQ(otlp::CountLogRecords(*from_proto), 4u);
  ASSERT_EQ(otlp::CountLogRecords(*from_json), 4u);
  const auto& p = from_proto->resource_logs[0].scope_logs[0].log_records;
  const auto& j = from_json->resource_logs[0].scope_logs[0].log_records;

  for (const auto* records : {&p, &j}) {
    const otlp::LogRecord& r = (*records)[0];
    SCOPED_TRACE(records == &p ? "protobuf" : "JSON");
    EXPECT_EQ(Attribute(r, "bigint"), nullptr);
    EXPECT_EQ(Attribute(r, "map_with_bigint"), nullptr);
    EXPECT_EQ(r.attributes.size(), 6u);
    // Integral doubles are ints to the SDK: 2.0 is sent as int 2, and -0.0 as int 0.
    ASSERT_NE(Attribute(r, "integral_double"), nullptr);
    EXPECT_EQ(*Attribute(r, "integral_double"), otlp::AnyValue(int64_t{2}));
    ASSERT_NE(Attribute(r, "negative_zero"), nullptr);
    EXPECT_EQ(*Attribute(r, "negative_zero"), otlp::AnyValue(int64_t{0}));
    // -2^63 is exact in both: JSON writes -9223372036854776000, which is below INT64_MIN as an
    // integer but is -2^63 as the double it denotes, and Nightjar reads it as such.
    ASSERT_NE(Attribute(r, "min_int64"), nullptr);
    EXPECT_EQ(*Attribute(r, "min_int64"), otlp::AnyValue(std::numeric_limits<int64_t>::min()));
    // A BigInt body is not validated; it becomes an AnyValue with nothing set, in a map too.
    EXPECT_TRUE((*records)[1].body.empty()) << otlp::Describe((*records)[1].body);
    EXPECT_TRUE((*records)[2].body.empty()) << otlp::Describe((*records)[2].body);
    otlp::AnyValue::KvList map_body = {{"big", otlp::AnyValue()}, {"kept", "yes"}};
    EXPECT_EQ((*records)[3].body, otlp::AnyValue(map_body));
  }

  // 2^60 is exact as a JavaScript number. Protobuf carries it exactly; JSON carries the
  // shortest decimal that reads back as the same double, 1152921504606847000, which as an
  // integer is a different int64. The two encodings of one export disagree.
  EXPECT_EQ(*Attribute(p[0], "two_to_60"), otlp::AnyValue(int64_t{1152921504606846976}));
  EXPECT_EQ(*Attribute(j[0], "two_to_60"), otlp::AnyValue(int64_t{1152921504606847000}));
  // NaN and Infinity are doubles in protobuf; JSON.stringify turns them into null, which OTLP/JSON
  // reads as an absent value.
  ASSERT_EQ(Attribute(p[0], "nan")->kind(), otlp::ValueKind::kDouble);
  EXPECT_TRUE(std::isnan(Attribute(p[0], "nan")->double_value()));
  EXPECT_EQ(*Attribute(p[0], "infinity"), otlp::AnyValue(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(*Attribute(j[0], "nan"), otlp::AnyValue());
  EXPECT_EQ(*Attribute(j[0], "infinity"), otlp::AnyValue());
}

// An integral number at or beyond 2^63 (any double >= 2^53 is integral) is a double in protobuf
// but a bare intValue in JSON, which no int64 can hold. Nightjar reads that JSON number as the
// double it denotes, so both encodings of one export decode to the same value and no request
// is lost over one large number.
TEST_F(JsLogsQuirks, IntegralNumberBeyondInt64IsTheSameDoubleInBothEncodings) {
  ASSERT_NO_FATAL_FAILURE(Export("logs_int64_overflow.json", /*expect_warnings=*/false));

  Result<otlp::LogsData> from_proto = DecodeLogsRequest(*proto_);
  ASSERT_TRUE(from_proto.ok()) << from_proto.status().ToString();
  const otlp::LogRecord& record = from_proto->resource_logs[0].scope_logs[0].log_records[0];
  ASSERT_NE(Attribute(record, "two_to_63"), nullptr);
  EXPECT_EQ(*Attribute(record, "two_to_63"), otlp::AnyValue(9223372036854775808.0));

  EXPECT_NE(json_->body.find("\"intValue\":9223372036854776000"), std::string::npos) << json_->body;
  Result<otlp::LogsData> from_json = DecodeLogsRequest(*json_);
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  const otlp::LogRecord& json_record = from_json->resource_logs[0].scope_logs[0].log_records[0];
  ASSERT_NE(Attribute(json_record, "two_to_63"), nullptr);
  EXPECT_EQ(*Attribute(json_record, "two_to_63"), otlp::AnyValue(9223372036854775808.0));
}

// A string cut inside a surrogate pair: protobuf gets U+FFFD from the SDK's TextEncoder, JSON
// gets a lone "\ud83e" escape, which encodes no Unicode character. Nightjar replaces it with
// U+FFFD too, so both encodings decode to the same text.
TEST_F(JsLogsQuirks, LoneSurrogateBecomesTheReplacementCharacterInBothEncodings) {
  ASSERT_NO_FATAL_FAILURE(Export("logs_lone_surrogate.json", /*expect_warnings=*/false));

  Result<otlp::LogsData> from_proto = DecodeLogsRequest(*proto_);
  ASSERT_TRUE(from_proto.ok()) << from_proto.status().ToString();
  EXPECT_EQ(from_proto->resource_logs[0].scope_logs[0].log_records[0].body,
            otlp::AnyValue("cut emoji \xef\xbf\xbd"));

  EXPECT_NE(json_->body.find("cut emoji \\ud83e\""), std::string::npos) << json_->body;
  Result<otlp::LogsData> from_json = DecodeLogsRequest(*json_);
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  EXPECT_EQ(from_json->resource_logs[0].scope_logs[0].log_records[0].body,
            otlp::AnyValue("cut emoji \xef\xbf\xbd"));
}

}  // namespace
}  // namespace nightjar::interop
