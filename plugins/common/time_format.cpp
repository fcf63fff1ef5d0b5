// Time formats; see time_format.h.
#include "time_format.h"

#include <cstdio>
#include <ctime>

namespace nightjar::plugins::common {
namespace {

std::tm Utc(int64_t unix_nanos) {
  time_t secs = static_cast<time_t>(unix_nanos / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

}  // namespace

std::string Rfc3339(int64_t unix_nanos) {
  if (unix_nanos <= 0) return "0001-01-01T00:00:00Z";
  std::tm tm = Utc(unix_nanos);
  int millis = static_cast<int>((unix_nanos % 1'000'000'000) / 1'000'000);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

std::string HumanTime(int64_t unix_nanos) {
  if (unix_nanos <= 0) return "";
  std::tm tm = Utc(unix_nanos);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace nightjar::plugins::common
