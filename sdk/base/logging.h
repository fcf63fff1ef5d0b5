// Structured logging to stderr for the agent, the collector and the tools.
//
// Each line is one event: a level, a component, a message and key=value fields. When stderr is
// connected to journald (systemd sets $JOURNAL_STREAM), lines start with the syslog priority
// prefix "<N>" so that journald records the right priority; otherwise lines start with an
// RFC 3339 UTC timestamp and the level name, for humans and files.
//
// Thread-safety: every function here may be called from any thread; lines never interleave.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

namespace nightjar::log {

// Levels carry their syslog priority numbers.
enum class Level : int {
  kCritical = 2,
  kError = 3,
  kWarning = 4,
  kNotice = 5,
  kInfo = 6,
  kDebug = 7,
};

// One key=value pair attached to a log line.
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  Field(std::string_view k, int64_t v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, uint64_t v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, int v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, unsigned v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, double v);
  Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}

  std::string_view key;
  std::string value;
};

// Sets the most verbose level that is written (default kInfo).
void SetLevel(Level level);

// Returns the level set by SetLevel.
Level GetLevel();

// Parses "debug", "info", "notice", "warning"/"warn", "error", "critical".
bool ParseLevel(std::string_view text, Level* level);

// Returns true when a line at `level` would be written.
bool Enabled(Level level);

// Chooses the line format: journald priority prefixes (true) or timestamps (false). The
// default is decided from $JOURNAL_STREAM at first use.
void SetJournalFormat(bool journal);

// Replaces the destination of log lines (default: stderr). Pass nullptr to restore stderr.
// Used by tests to capture lines; the sink is called with the complete line, no newline.
void SetSinkForTesting(std::function<void(std::string_view)> sink);

// Writes one log line if `level` is enabled.
void Write(Level level, std::string_view component, std::string_view message,
           std::initializer_list<Field> fields = {});

inline void Debug(std::string_view component, std::string_view message,
                  std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, component, message, fields);
}
inline void Info(std::string_view component, std::string_view message,
                 std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kInfo)) Write(Level::kInfo, component, message, fields);
}
inline void Notice(std::string_view component, std::string_view message,
                   std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kNotice)) Write(Level::kNotice, component, message, fields);
}
inline void Warning(std::string_view component, std::string_view message,
                    std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kWarning)) Write(Level::kWarning, component, message, fields);
}
inline void Error(std::string_view component, std::string_view message,
                  std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kError)) Write(Level::kError, component, message, fields);
}

}  // namespace nightjar::log
