// RFC 3339 times; see time_text.h.
#include "alerting/time_text.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>

#include <cstdio>
#include <ctime>

namespace nightjar::collector::alerting {

std::string FormatTime(int64_t unix_nano) {
  int64_t secs = unix_nano / 1'000'000'000;
  int64_t rem = unix_nano % 1'000'000'000;
  if (rem < 0) {  // floor for times before 1970
    rem += 1'000'000'000;
    --secs;
  }
  time_t t = static_cast<time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(rem / 1'000'000));
  return buf;
}

std::optional<int64_t> ParseTime(std::string_view text) {
  // Poco accepts some sloppy forms; insist on the date-time shape first.
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't')) {
    return std::nullopt;
  }
  try {
    int tzd = 0;
    Poco::DateTime dt;
    if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT,
                                        std::string(text), dt, tzd)) {
      return std::nullopt;
    }
    // Poco keeps microseconds; nanoseconds beyond them are dropped, which no operator notices.
    int64_t micros = dt.timestamp().epochMicroseconds() - static_cast<int64_t>(tzd) * 1'000'000;
    return micros * 1000;
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

}  // namespace nightjar::collector::alerting
