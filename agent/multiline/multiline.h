// Joining the lines of one logical record (a stack trace, a multi-line message) before parsing.
//
// Rules say which lines begin a record (start pattern) or which continue the previous one
// (continuation pattern). A record is complete when a line arrives that does not continue it, or
// when no line has arrived for the flush timeout (the tail input checks that), or when it
// reaches max_lines or max_bytes (so memory stays bounded, and the rest starts a new record
// instead of being dropped). Presets cover Java and Python stack traces.
//
// An aggregator belongs to one file and remembers where its pending record starts, so that the
// file's checkpoint never moves past a record that is not yet shipped: after a restart the
// pending lines are read and joined again.
//
// Thread-safety: rules and aggregators are used by the tail thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "common/regex.h"
#include "runtime/units.h"

namespace nightjar::agent {

struct MultilineRules {
  enum class Mode : uint8_t { kStartPattern, kContinuationPattern };

  // Returns the rules of a preset: "java" or "python".
  static Result<MultilineRules> Preset(std::string_view name);
  // Returns rules from a pattern.
  static Result<MultilineRules> FromPattern(Mode mode, std::string_view pattern);

  Mode mode = Mode::kStartPattern;
  std::optional<Regex> pattern;
  // Python's final "ValueError: message" line is not indented; it continues a record when the
  // line before it was indented and it matches this pattern.
  std::optional<Regex> after_indented;
  Duration flush_timeout = std::chrono::seconds(1);
  size_t max_lines = 1000;
  size_t max_bytes = 1 << 20;
};

// A completed record and the file offset just past its last line.
struct MultilineRecord {
  std::string text;
  uint64_t end_offset = 0;
  size_t lines = 0;
};

class MultilineAggregator {
 public:
  // Feeds one line (without its newline) that occupies [start, end) in the file, seen at
  // `now_nanos` (monotonic). Returns true and fills `out` when the line completes the pending
  // record; the line then starts the next one.
  bool Push(MultilineRules& rules, std::string_view line, uint64_t start, uint64_t end,
            int64_t now_nanos, MultilineRecord* out);

  // Moves the pending record, if any, to `out`. Returns false when nothing was pending.
  bool Flush(MultilineRecord* out);

  bool pending() const { return lines_ > 0; }
  // Returns the file offset where the pending record starts.
  uint64_t pending_start() const { return start_; }
  // Returns when the last line was pushed (monotonic nanoseconds).
  int64_t last_line_nanos() const { return last_line_nanos_; }

 private:
  void Start(std::string_view line, uint64_t start, uint64_t end, int64_t now_nanos);

  std::string text_;
  uint64_t start_ = 0;
  uint64_t end_ = 0;
  size_t lines_ = 0;
  bool last_indented_ = false;
  int64_t last_line_nanos_ = 0;
};

}  // namespace nightjar::agent
