// Parsers turn one log record's text into OTLP fields: body, time, severity and attributes.
//
// Parsers never drop a line: text that does not follow the parser's format is shipped whole as
// the body, with `failed` set so that the caller counts it.
//
// Thread-safety: a Parser keeps scratch space; use each instance from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "otlp/logs_proto_writer.h"
#include "parsers/timestamp.h"

namespace nightjar::agent {

// What a parser extracted from one record. Views point into the parsed text or into the
// parser's scratch and stay valid until the parser's next call.
struct ParsedRecord {
  otlp::AnyValueView body;
  uint64_t time_unix_nano = 0;  // 0: no time found (the caller falls back to observed time)
  int32_t severity_number = 0;
  std::string_view severity_text;
  std::vector<otlp::KeyValueView> attributes;
  bool failed = false;       // the text did not follow the format; body is the whole text
  bool time_failed = false;  // a time field was present but did not follow the time format

  void Clear() {
    body = otlp::AnyValueView();
    time_unix_nano = 0;
    severity_number = 0;
    severity_text = {};
    attributes.clear();
    failed = false;
    time_failed = false;
  }
};

class Parser {
 public:
  virtual ~Parser() = default;
  // Parses `text` (valid UTF-8, one record) into `out`, which the caller has cleared.
  // `now_unix_nanos` supplies the year for time formats without one.
  virtual void Parse(std::string_view text, int64_t now_unix_nanos, ParsedRecord* out) = 0;
};

// Which fields carry time, severity and message, shared by the JSON and regex parsers.
struct FieldKeys {
  std::string time_key = "time";
  std::string severity_key = "level";
  std::string message_key = "message";
  // The format of the time field; nullopt means RFC 3339 text or a number since the epoch in
  // s, ms, µs or ns (chosen by magnitude).
  std::optional<TimeFormat> time_format;
};

// Returns a parser that ships the text as the body, unchanged.
std::unique_ptr<Parser> MakePlainParser();

// Returns a parser of one JSON object per record: members become attributes (nested objects and
// arrays as OTLP maps and arrays), except the time, severity and message members, which fill
// those fields. Numeric severities follow the bunyan/pino scale (10 trace .. 60 fatal).
std::unique_ptr<Parser> MakeJsonParser(FieldKeys keys);

// Returns a parser that matches `pattern` and turns named groups into attributes, except the
// groups named by `keys`. Fails when the pattern does not compile or has no named group.
Result<std::unique_ptr<Parser>> MakeRegexParser(std::string_view pattern, FieldKeys keys);

// Parses a time field's text with `format`, or with the automatic rules when nullopt.
std::optional<uint64_t> ParseTimeField(const std::optional<TimeFormat>& format,
                                       std::string_view text, int64_t now_unix_nanos);

}  // namespace nightjar::agent
