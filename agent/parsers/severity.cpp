// Level words to OTLP severity numbers; see severity.h.
#include "parsers/severity.h"

#include <array>
#include <cctype>

namespace nightjar::agent {
namespace {

struct Level {
  std::string_view word;
  int32_t number;
};

// Lower-case level words. Syslog's notice, critical, alert and emergency sit one or two steps
// above their base level, as in the OpenTelemetry mapping of syslog severities.
constexpr std::array<Level, 32> kLevels = {{
    {"trace", 1},      {"trc", 1},         {"finest", 1},        {"finer", 2},   {"debug", 5},
    {"dbg", 5},        {"fine", 5},        {"verbose", 5},       {"config", 6},  {"info", 9},
    {"inf", 9},        {"information", 9}, {"informational", 9}, {"notice", 10}, {"warn", 13},
    {"warning", 13},   {"wrn", 13},        {"error", 17},        {"err", 17},    {"eror", 17},
    {"severe", 17},    {"crit", 18},       {"critical", 18},     {"alert", 21},  {"fatal", 21},
    {"ftl", 21},       {"emerg", 22},      {"emergency", 22},    {"panic", 22},  {"dpanic", 21},
    {"exception", 17}, {"failure", 17},
}};

// Single letters used by glog, klog and Android.
int32_t FromLetter(char c) {
  switch (c) {
    case 't':
      return 1;
    case 'v':
      return 1;
    case 'd':
      return 5;
    case 'i':
      return 9;
    case 'n':
      return 10;
    case 'w':
      return 13;
    case 'e':
      return 17;
    case 'c':
      return 18;
    case 'f':
      return 21;
    default:
      return 0;
  }
}

bool IsTrim(char c) {
  return c == ' ' || c == '\t' || c == '[' || c == ']' || c == '<' || c == '>' || c == ':' ||
         c == '"' || c == '\'';
}

}  // namespace

int32_t SeverityFromText(std::string_view text) {
  while (!text.empty() && IsTrim(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsTrim(text.back())) text.remove_suffix(1);
  if (text.empty() || text.size() > 16) return 0;
  char lower[16];
  for (size_t i = 0; i < text.size(); ++i) {
    lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  }
  std::string_view word(lower, text.size());
  if (word.size() == 1) return FromLetter(word[0]);
  int step = 0;
  if (word.back() >= '1' && word.back() <= '4') {
    step = word.back() - '1';
    word.remove_suffix(1);
  }
  for (const Level& level : kLevels) {
    if (level.word == word) {
      int32_t n = level.number + step;
      // A step never crosses into the next level (e.g. "notice4" stays within INFO).
      return (n - 1) / 4 == (level.number - 1) / 4 ? n : level.number;
    }
  }
  return 0;
}

}  // namespace nightjar::agent
