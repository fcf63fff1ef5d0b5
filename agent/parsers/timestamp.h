// Parsing of the timestamps found in log lines, with a configurable format.
//
// Formats are "rfc3339" (also written "iso8601": date, 'T' or ' ', time, optional fraction and
// zone), "unix", "unix_ms", "unix_us", "unix_ns" (a number since the epoch, fractions allowed),
// or a strptime-like pattern:
//   %Y year  %y two-digit year  %m month  %d day  %e day (space-padded)  %H hour  %I hour (12h)
//   %p AM/PM  %M minute  %S second  %f fraction of a second (1-9 digits, after '.' or ',')
//   %b %B month name  %a %A weekday name (ignored)  %z zone (Z, +hh:mm, +hhmm, +hh)
//   %Z zone name (UTC, GMT, Z)  %s seconds since the epoch  %T = %H:%M:%S  %F = %Y-%m-%d  %%
// A space in the pattern matches one or more spaces. A pattern without a zone reads times in
// the configured zone (UTC or the host's local zone); one without a year takes the current year,
// or the previous one when that would put the time more than a day in the future (syslog lines
// written on 31 December and read on 1 January).
//
// Thread-safety: a TimeFormat is immutable after Parse(); Parse on text is reentrant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace nightjar::agent {

class TimeFormat {
 public:
  enum class Zone : uint8_t { kUtc, kLocal };

  // Compiles a format specification; fails on an unknown directive.
  static Result<TimeFormat> Compile(std::string_view spec, Zone zone = Zone::kUtc);

  // Returns the time in `text` as nanoseconds since the Unix epoch, or nullopt when `text` does
  // not follow the format (surrounding blanks are ignored). `now_unix_nanos` supplies the year
  // when the format has none.
  std::optional<uint64_t> Parse(std::string_view text, int64_t now_unix_nanos) const;

  const std::string& spec() const { return spec_; }

 private:
  enum class Kind : uint8_t { kRfc3339, kUnix, kUnixMs, kUnixUs, kUnixNs, kPattern };
  TimeFormat(Kind kind, std::string spec, Zone zone)
      : kind_(kind), spec_(std::move(spec)), zone_(zone) {}

  std::optional<uint64_t> ParsePattern(std::string_view pattern, std::string_view text,
                                       int64_t now_unix_nanos) const;

  Kind kind_;
  std::string spec_;
  Zone zone_;
};

// Returns the days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

}  // namespace nightjar::agent
