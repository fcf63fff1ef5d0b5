// Fuzz target for the JSON line parser; see fuzz_json_parser.h.
#include "fuzz_json_parser.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/utf8.h"
#include "otlp/codec.h"
#include "otlp/logs_proto_writer.h"
#include "parsers/parser.h"

namespace nightjar::agent::testing {
namespace {

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_json_parser: broken invariant: %s\n", what);
  std::abort();
}

}  // namespace

void FuzzJsonParser(const uint8_t* data, size_t size) {
  static Parser* parser = MakeJsonParser(FieldKeys{}).release();
  std::string text = RepairUtf8(std::string_view(reinterpret_cast<const char*>(data), size));
  ParsedRecord record;
  parser->Parse(text, 1'700'000'000'000'000'000, &record);
  if (record.failed) {
    Check(record.body.text() == text, "a failed parse ships the whole line");
    Check(record.attributes.empty(), "a failed parse has no attributes");
  }
  // Whatever the parser produced must encode into a valid OTLP request.
  otlp::LogRecordView view;
  view.time_unix_nano = record.time_unix_nano;
  view.severity_number = record.severity_number;
  view.severity_text = record.severity_text;
  view.body = record.body;
  view.attributes = record.attributes;
  otlp::LogsProtoWriter writer;
  writer.BeginResourceLogs({});
  writer.BeginScopeLogs({});
  writer.AddRecord(view);
  writer.EndScopeLogs();
  writer.EndResourceLogs();
  auto decoded = otlp::DecodeLogs(writer.Release(), otlp::Encoding::kProtobuf);
  if (!decoded.ok()) std::fprintf(stderr, "%s\n", decoded.status().ToString().c_str());
  Check(decoded.ok(), "the parsed record encodes into valid OTLP");
  Check(otlp::CountLogRecords(*decoded) == 1, "one record in, one record out");
  Check(decoded->resource_logs[0].scope_logs[0].log_records[0].attributes.size() ==
            record.attributes.size(),
        "every attribute survives encoding");
}

}  // namespace nightjar::agent::testing

#ifdef NJ_FUZZ_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nightjar::agent::testing::FuzzJsonParser(data, size);
  return 0;
}
#endif
