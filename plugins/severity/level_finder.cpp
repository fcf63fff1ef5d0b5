// Finding log levels in text; see level_finder.h.
#include "level_finder.h"

#include <cstdlib>
#include <string>

namespace nightjar::severity {
namespace {

struct Word {
  std::string_view word;  // upper case
  int32_t number;
};

// Level words and their OTLP severity numbers (TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17,
// FATAL 21; the sub-levels follow syslog's order: NOTICE above INFO, EMERG above ALERT).
constexpr Word kWords[] = {
    {"TRACE", 1}, {"FINEST", 1},   {"FINER", 2},  {"DEBUG", 5},     {"DBG", 5},
    {"FINE", 5},  {"VERBOSE", 5},  {"INFO", 9},   {"INF", 9},       {"NOTICE", 10},
    {"WARN", 13}, {"WARNING", 13}, {"WRN", 13},   {"ERROR", 17},    {"ERR", 17},
    {"ERRO", 17}, {"SEVERE", 17},  {"CRIT", 21},  {"CRITICAL", 21}, {"FATAL", 21},
    {"FTL", 21},  {"ALERT", 22},   {"PANIC", 24}, {"EMERG", 24},    {"EMERGENCY", 24},
};

// Syslog severities 0..7 (RFC 5424) as OTLP numbers and names.
constexpr Level kSyslog[] = {{24, "EMERG"},   {22, "ALERT"},  {21, "CRIT"}, {17, "ERR"},
                             {13, "WARNING"}, {10, "NOTICE"}, {9, "INFO"},  {5, "DEBUG"}};

// Single-letter levels of glog, Android logcat and others.
std::optional<Level> LetterLevel(char c) {
  switch (c) {
    case 'F':
      return Level{21, "FATAL"};
    case 'E':
      return Level{17, "ERROR"};
    case 'W':
      return Level{13, "WARN"};
    case 'I':
      return Level{9, "INFO"};
    case 'D':
      return Level{5, "DEBUG"};
    case 'V':
      return Level{5, "VERBOSE"};
    default:
      return std::nullopt;
  }
}

// ASCII only, and inline: the <cctype> functions look up the locale on every byte.
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsWordChar(char c) { return IsDigit(c) || IsLower(c) || (c >= 'A' && c <= 'Z'); }
char Upper(char c) { return IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

std::optional<Level> WordLevel(std::string_view word, bool any_case) {
  if (word.size() < 3 || word.size() > 9) return std::nullopt;
  char upper[9];
  for (size_t i = 0; i < word.size(); ++i) {
    if (!any_case && IsLower(word[i])) return std::nullopt;
    upper[i] = Upper(word[i]);
  }
  std::string_view key(upper, word.size());
  for (const Word& w : kWords) {
    if (w.word == key) return Level{w.number, w.word};
  }
  return std::nullopt;
}

// Pino/bunyan numeric levels, and syslog severities 0..7.
std::optional<Level> NumericLevel(long n) {
  if (n >= 0 && n <= 7) return kSyslog[n];
  switch (n) {
    case 10:
      return Level{1, "TRACE"};
    case 20:
      return Level{5, "DEBUG"};
    case 30:
      return Level{9, "INFO"};
    case 40:
      return Level{13, "WARN"};
    case 50:
      return Level{17, "ERROR"};
    case 60:
      return Level{21, "FATAL"};
    default:
      return std::nullopt;
  }
}

namespace {

// "<N>" at the start: a syslog priority, facility * 8 + severity.
std::optional<Level> SyslogPriority(std::string_view text) {
  if (text.size() < 3 || text[0] != '<') return std::nullopt;
  size_t close = text.find('>');
  if (close == std::string_view::npos || close < 2 || close > 4) return std::nullopt;
  int pri = 0;
  for (size_t i = 1; i < close; ++i) {
    if (!IsDigit(text[i])) return std::nullopt;
    pri = pri * 10 + (text[i] - '0');
  }
  if (pri > 191) return std::nullopt;
  return kSyslog[pri % 8];
}

// The value after `"key"` and a colon in JSON text: a level name or number.
std::optional<Level> JsonLevel(std::string_view text) {
  static constexpr std::string_view kKeys[] = {"\"level\"",    "\"severity\"",  "\"lvl\"",
                                               "\"loglevel\"", "\"log.level\"", "\"levelname\""};
  for (std::string_view key : kKeys) {
    size_t at = text.find(key);
    if (at == std::string_view::npos) continue;
    size_t i = at + key.size();
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= text.size() || text[i] != ':') continue;
    ++i;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i < text.size() && text[i] == '"') {
      size_t end = text.find('"', i + 1);
      if (end == std::string_view::npos) continue;
      if (auto level = WordLevel(text.substr(i + 1, end - i - 1), true)) return level;
    } else if (i < text.size() && IsDigit(text[i])) {
      long n = std::strtol(std::string(text.substr(i, 3)).c_str(), nullptr, 10);
      if (auto level = NumericLevel(n)) return level;
    }
  }
  return std::nullopt;
}

// "level=warn" (logfmt), the key at the start or after a space.
std::optional<Level> LogfmtLevel(std::string_view text) {
  static constexpr std::string_view kKeys[] = {"level=", "lvl=", "severity="};
  for (std::string_view key : kKeys) {
    size_t at = 0;
    while ((at = text.find(key, at)) != std::string_view::npos) {
      if (at == 0 || text[at - 1] == ' ') {
        size_t start = at + key.size();
        if (start < text.size() && text[start] == '"') ++start;
        size_t end = start;
        while (end < text.size() && IsWordChar(text[end])) ++end;
        if (auto level = WordLevel(text.substr(start, end - start), true)) return level;
      }
      at += key.size();
    }
  }
  return std::nullopt;
}

// A level word in free text (see the file comment for what counts).
std::optional<Level> TextLevel(std::string_view text) {
  // glog "E0512 12:00:00.000 ..." and Android "E/Tag: ..." at the very start.
  if (text.size() >= 2) {
    bool glog = text.size() >= 5 && IsDigit(text[1]) && IsDigit(text[2]) && IsDigit(text[3]) &&
                IsDigit(text[4]);
    if (glog || text[1] == '/') {
      if (auto level = LetterLevel(text[0])) return level;
    }
  }
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !IsWordChar(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && IsWordChar(text[i])) ++i;
    if (start == i) break;
    std::string_view word = text.substr(start, i - start);
    char before = start > 0 ? text[start - 1] : ' ';
    char after = i < text.size() ? text[i] : ' ';
    bool bracketed = (before == '[' && after == ']') || (before == '<' && after == '>') ||
                     (before == '(' && after == ')');
    bool marked = bracketed || after == ':';
    if (word.size() == 1 && bracketed) {
      if (auto level = LetterLevel(word[0])) return level;
    }
    if (auto level = WordLevel(word, marked)) return level;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Level> BodyLevel(std::string_view body, size_t scan_bytes, size_t max_json_bytes) {
  if (body.empty()) return std::nullopt;
  std::string_view head = body.substr(0, scan_bytes);
  size_t start = head.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return std::nullopt;
  head.remove_prefix(start);
  if (auto level = SyslogPriority(head)) return level;
  if (head[0] == '{') {
    // Structured bodies: a level field, if any, is the answer; words inside are not.
    return JsonLevel(body.substr(start, max_json_bytes));
  }
  if (auto level = LogfmtLevel(head)) return level;
  return TextLevel(head);
}

int Band(int32_t number) { return number >= 1 && number <= 24 ? (number - 1) / 4 : -1; }

std::string_view BandName(int32_t number) {
  static constexpr std::string_view kNames[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
  int band = Band(number);
  return band < 0 ? std::string_view() : kNames[band];
}

}  // namespace nightjar::severity
