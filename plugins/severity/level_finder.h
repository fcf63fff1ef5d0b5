// Finding a log level in what a record says about itself: level words, syslog priorities, JSON
// and logfmt level fields, glog and Android letters. Part of the severity plugin.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace nightjar::severity {

// A level found somewhere: the OTLP severity number and the name to store as severity text.
struct Level {
  int32_t number;
  std::string_view text;  // static storage
};

// Looks up a level word ("ERROR", "warning", "crit", ...); `any_case` accepts "error" and
// "Error" as well as "ERROR", otherwise only upper case counts.
std::optional<Level> WordLevel(std::string_view word, bool any_case);

// Maps pino/bunyan numeric levels (10..60) and syslog severities (0..7).
std::optional<Level> NumericLevel(long n);

// Finds the level a body states: a syslog priority "<N>" at the start; for a JSON object, its
// level field (searching `max_json_bytes`), and nothing else; a logfmt "level=..." pair; or a
// level word in the first `scan_bytes` (upper-case words anywhere, words in any case when
// bracketed or followed by ':', single letters in glog/Android form).
std::optional<Level> BodyLevel(std::string_view body, size_t scan_bytes, size_t max_json_bytes);

// Returns which sixth of the OTLP scale (TRACE, DEBUG, INFO, WARN, ERROR, FATAL) a severity
// number is in, or -1 for 0 and numbers outside 1..24.
int Band(int32_t number);

// Returns "TRACE", "DEBUG", "INFO", "WARN", "ERROR" or "FATAL" for a severity number, or "".
std::string_view BandName(int32_t number);

}  // namespace nightjar::severity
