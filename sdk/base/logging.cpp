// Structured stderr logging; see logging.h.
#include "base/logging.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>

namespace nightjar::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
// -1 = not decided yet, 0 = timestamps, 1 = journald prefixes.
std::atomic<int> g_journal{-1};
std::mutex g_mutex;
std::function<void(std::string_view)>* g_sink = nullptr;  // guarded by g_mutex

bool UseJournalFormat() {
  int journal = g_journal.load(std::memory_order_relaxed);
  if (journal < 0) {
    journal = std::getenv("JOURNAL_STREAM") != nullptr ? 1 : 0;
    g_journal.store(journal, std::memory_order_relaxed);
  }
  return journal == 1;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kCritical:
      return "CRIT";
    case Level::kError:
      return "ERROR";
    case Level::kWarning:
      return "WARN";
    case Level::kNotice:
      return "NOTICE";
    case Level::kInfo:
      return "INFO";
    case Level::kDebug:
      return "DEBUG";
  }
  return "?";
}

void AppendTimestamp(std::string* out) {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  out->append(buf);
}

// Values with spaces, quotes, '=' or control characters are quoted (logfmt style), so that a
// line stays one line and can be parsed back.
void AppendValue(std::string* out, std::string_view value) {
  bool needs_quotes = value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) {
      needs_quotes = true;
      break;
    }
  }
  if (!needs_quotes) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char c : value) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char hex[8];
          std::snprintf(hex, sizeof(hex), "\\x%02x", static_cast<unsigned char>(c));
          out->append(hex);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

}  // namespace

Field::Field(std::string_view k, double v) : key(k) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  value = buf;
}

void SetLevel(Level level) { g_level.store(static_cast<int>(level), std::memory_order_relaxed); }

Level GetLevel() { return static_cast<Level>(g_level.load(std::memory_order_relaxed)); }

bool ParseLevel(std::string_view text, Level* level) {
  if (text == "debug")
    *level = Level::kDebug;
  else if (text == "info")
    *level = Level::kInfo;
  else if (text == "notice")
    *level = Level::kNotice;
  else if (text == "warning" || text == "warn")
    *level = Level::kWarning;
  else if (text == "error")
    *level = Level::kError;
  else if (text == "critical" || text == "crit")
    *level = Level::kCritical;
  else
    return false;
  return true;
}

bool Enabled(Level level) {
  return static_cast<int>(level) <= g_level.load(std::memory_order_relaxed);
}

void SetJournalFormat(bool journal) { g_journal.store(journal ? 1 : 0); }

void SetSinkForTesting(std::function<void(std::string_view)> sink) {
  std::lock_guard<std::mutex> lock(g_mutex);
  delete g_sink;
  g_sink = sink ? new std::function<void(std::string_view)>(std::move(sink)) : nullptr;
}

void Write(Level level, std::string_view component, std::string_view message,
           std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  std::string line;
  line.reserve(128);
  if (UseJournalFormat()) {
    line.push_back('<');
    line.push_back(static_cast<char>('0' + static_cast<int>(level)));
    line.push_back('>');
  } else {
    AppendTimestamp(&line);
    line.append(LevelName(level));
    line.push_back(' ');
  }
  line.append(component);
  line.append(": ");
  line.append(message);
  for (const Field& f : fields) {
    line.push_back(' ');
    line.append(f.key);
    line.push_back('=');
    AppendValue(&line, f.value);
  }
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_sink != nullptr) {
    (*g_sink)(line);
    return;
  }
  line.push_back('\n');
  // One write(2) per line keeps lines whole even when several processes share stderr.
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace nightjar::log
