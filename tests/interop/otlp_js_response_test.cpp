// Nightjar's Export*ServiceResponse as OpenTelemetry's JavaScript SDK reads it: directly with
// the deserializers of @opentelemetry/otlp-transformer, and end to end through the SDK's
// exporters, which report a partial success only as a warning.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <string>
#include <vector>

#include "capture_server.h"
#include "interop_expect.h"
#include "js_runner.h"
#include "otlp/codec.h"
#include "test_env.h"

namespace nightjar::interop {
namespace {

otlp::ExportResponse PartialSuccess(int64_t rejected, std::string message) {
  otlp::ExportResponse response;
  response.partial_success = otlp::ExportResponse::PartialSuccess{rejected, std::move(message)};
  return response;
}

struct ResponseCase {
  const char* name;
  otlp::Signal signal;
  otlp::Encoding encoding;
  otlp::ExportResponse response;
  // What JSON.stringify prints for the SDK's deserialized response. OTLP/JSON writes int64 as a
  // string and the SDK's JSON deserializer is JSON.parse, so the count stays a string there; its
  // protobuf reader returns a number.
  std::string sdk_sees;
};

TEST(JsResponseDeserializer, ReadsNightjarResponsesInBothEncodings) {
  // The message is UTF-8 with a 3-byte and a 4-byte sequence; the SDK must get it byte-exact.
  const std::string message = "rejected: too large \xe2\x9c\x97 \xf0\x9f\xa6\x89";
  const std::string message_json = R"("errorMessage":"rejected: too large ✗ 🦉")";
  const std::vector<ResponseCase> cases = {
      {"logs-proto", otlp::Signal::kLogs, otlp::Encoding::kProtobuf, PartialSuccess(3, message),
       R"({"partialSuccess":{"rejectedLogRecords":3,)" + message_json + "}}"},
      {"logs-json", otlp::Signal::kLogs, otlp::Encoding::kJson, PartialSuccess(3, message),
       R"({"partialSuccess":{"rejectedLogRecords":"3",)" + message_json + "}}"},
      // 2^40 + 1 needs a 64-bit varint and is still exact as a JavaScript number.
      {"metrics-proto", otlp::Signal::kMetrics, otlp::Encoding::kProtobuf,
       PartialSuccess(1099511627777, message),
       R"({"partialSuccess":{"rejectedDataPoints":1099511627777,)" + message_json + "}}"},
      {"metrics-json", otlp::Signal::kMetrics, otlp::Encoding::kJson,
       PartialSuccess(1099511627777, message),
       R"({"partialSuccess":{"rejectedDataPoints":"1099511627777",)" + message_json + "}}"},
      // A warning without rejections: rejected = 0 is a default and is not written.
      {"logs-proto-warning", otlp::Signal::kLogs, otlp::Encoding::kProtobuf,
       PartialSuccess(0, "deprecated attribute"),
       R"({"partialSuccess":{"errorMessage":"deprecated attribute"}})"},
      {"metrics-json-warning", otlp::Signal::kMetrics, otlp::Encoding::kJson,
       PartialSuccess(0, "deprecated attribute"),
       R"({"partialSuccess":{"errorMessage":"deprecated attribute"}})"},
      // Full success: an empty message (zero bytes in protobuf, {} in JSON).
      {"logs-proto-success", otlp::Signal::kLogs, otlp::Encoding::kProtobuf, {}, "{}"},
      {"metrics-proto-success", otlp::Signal::kMetrics, otlp::Encoding::kProtobuf, {}, "{}"},
      {"logs-json-success", otlp::Signal::kLogs, otlp::Encoding::kJson, {}, "{}"},
  };

  TempDir scratch;
  std::vector<std::string> args;
  for (const ResponseCase& c : cases) {
    auto file = scratch.path() / (std::string(c.name) + ".bin");
    ASSERT_TRUE(WriteFile(file, otlp::EncodeResponse(c.signal, c.response, c.encoding)).ok());
    args.push_back(std::string(c.signal == otlp::Signal::kLogs ? "logs" : "metrics") + ":" +
                   (c.encoding == otlp::Encoding::kProtobuf ? "proto" : "json") + ":" +
                   file.string());
  }
  ProcessResult run = RunNodeScript("decode_response.mjs", args);
  ASSERT_TRUE(run.Succeeded()) << run.Describe();

  rapidjson::Document results;
  results.Parse(run.stdout_text.data(), run.stdout_text.size());
  ASSERT_TRUE(!results.HasParseError() && results.IsArray()) << run.stdout_text;
  ASSERT_EQ(results.Size(), cases.size()) << run.stdout_text;
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].name);
    rapidjson::Document expected;
    expected.Parse(cases[i].sdk_sees.c_str());
    ASSERT_FALSE(expected.HasParseError());
    // rapidjson compares objects member by member regardless of order, numbers by value and
    // type, so "3" (string) and 3 (number) differ, as they must.
    EXPECT_TRUE(results[static_cast<rapidjson::SizeType>(i)] == expected)
        << "expected " << cases[i].sdk_sees << "\nfull output: " << run.stdout_text;
  }
}

// Returns the warnings the SDK's exporters logged about a partial success, without the prefix.
std::vector<std::string> PartialSuccessWarnings(const ExportRun& run) {
  const std::string prefix = "Received Partial Success response: ";
  std::vector<std::string> out;
  for (const auto& d : SummaryOf(run).diagnostics) {
    if (d.level == "warn" && d.text.starts_with(prefix))
      out.push_back(d.text.substr(prefix.size()));
  }
  return out;
}

// A capture server answering with Nightjar's partial_success: the SDK's exporters still report
// the export as a success (partial success is success in OTLP) and log what was rejected.
TEST(JsExporterResponse, LogsExporterReportsNightjarsPartialSuccess) {
  CaptureServer server(PartialSuccess(2, "2 records over the size limit"));
  ExportRun run = RunExportScript(
      server, "export_logs.mjs",
      {(InteropDir() / "fixtures" / "logs.json").string(), "proto:none", "json:gzip"}, 2);
  ASSERT_NO_FATAL_FAILURE(ExpectCleanExport(run, 2, /*allow_diagnostics=*/true));
  std::vector<std::string> warnings = PartialSuccessWarnings(run);
  std::sort(warnings.begin(), warnings.end());
  EXPECT_EQ(warnings,
            (std::vector<std::string>{
                R"({"rejectedLogRecords":"2","errorMessage":"2 records over the size limit"})",
                R"({"rejectedLogRecords":2,"errorMessage":"2 records over the size limit"})"}));
  EXPECT_EQ(SummaryOf(run).diagnostics.size(), 2u) << "only the two partial-success warnings";
}

TEST(JsExporterResponse, MetricsExporterReportsNightjarsPartialSuccess) {
  CaptureServer server(PartialSuccess(7, "7 points of an unknown type"));
  ExportRun run = RunExportScript(server, "export_metrics.mjs", {"proto:gzip", "json:none"}, 8);
  ASSERT_NO_FATAL_FAILURE(ExpectCleanExport(run, 8, /*allow_diagnostics=*/true));
  std::vector<std::string> warnings = PartialSuccessWarnings(run);
  ASSERT_EQ(warnings.size(), 8u);
  ASSERT_EQ(SummaryOf(run).diagnostics.size(), 8u) << "only partial-success warnings";
  size_t as_number = 0;
  size_t as_string = 0;
  for (const std::string& w : warnings) {
    if (w == R"({"rejectedDataPoints":7,"errorMessage":"7 points of an unknown type"})") {
      ++as_number;
    } else if (w == R"({"rejectedDataPoints":"7","errorMessage":"7 points of an unknown type"})") {
      ++as_string;
    } else {
      ADD_FAILURE() << "unexpected warning: " << w;
    }
  }
  EXPECT_EQ(as_number, 4u) << "from the protobuf exporter";
  EXPECT_EQ(as_string, 4u) << "from the JSON exporter";
}

}  // namespace
}  // namespace nightjar::interop
