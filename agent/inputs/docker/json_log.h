// Docker's json-file log format: one JSON object per line, {"log": "...", "stream": "stdout",
// "time": "2024-05-01T12:00:00.123456789Z"}. Docker cuts a line longer than 16 KiB into entries
// whose "log" does not end with "\n" (partial entries); the last piece ends with "\n".
//
// Thread-safety: DecodeJsonLogLine is reentrant; a PartialMerger belongs to one file and is used
// by the tail thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nightjar::agent::docker {

enum class LogStream : uint8_t { kStdout = 0, kStderr = 1 };

// Returns "stdout" or "stderr".
std::string_view StreamName(LogStream stream);

struct JsonLogEntry {
  std::string log;  // unescaped, with its "\n" when the entry ends a line
  LogStream stream = LogStream::kStdout;
  int64_t time_unix_nano = 0;  // 0 when absent or unreadable
  bool partial = false;        // no "\n" at the end: the line continues in a later entry
};

// Decodes one line of a json-file log into `out`. Returns false when the line is not a JSON
// object with a string "log" member.
bool DecodeJsonLogLine(std::string_view line, JsonLogEntry* out);

// One log line put back together from its entries.
struct MergedLine {
  std::string_view text;  // without the trailing "\n"; valid until the next Push
  LogStream stream = LogStream::kStdout;
  int64_t time_unix_nano = 0;  // the time of the first entry
  uint64_t start = 0;          // file offset of the first entry
};

// Joins partial entries, per stream (stdout and stderr pieces may interleave), into lines.
class PartialMerger {
 public:
  // Feeds `entry`, which starts at file offset `start`. Returns true and fills `out` when the
  // entry completes a line; a line that grows past `max_bytes` is handed out in pieces of about
  // that size, so that memory stays bounded.
  bool Push(JsonLogEntry& entry, uint64_t start, size_t max_bytes, MergedLine* out);

  // Returns the file offset of the earliest entry of an unfinished line, if any: the file's
  // checkpoint must not pass it.
  std::optional<uint64_t> pending_start() const;

  // Hands out the unfinished line of `stream`, if any (the file will not grow any more).
  bool Flush(LogStream stream, MergedLine* out);

 private:
  struct Pending {
    std::string text;
    int64_t time_unix_nano = 0;
    uint64_t start = 0;
    bool active = false;
  };
  Pending pending_[2];
  std::string out_;
};

}  // namespace nightjar::agent::docker
