// Named time intervals, as Prometheus Alertmanager defines them, for routes that must stay quiet
// at some times (`mute_time_intervals`: a maintenance window, nights for a non-urgent team) or
// speak only at others (`active_time_intervals`: business hours).
//
//   alerting:
//     time_intervals:
//       - name: offhours
//         time_intervals:                 # the name matches when any of these matches
//           - times: [{start_time: "18:00", end_time: "24:00"}]   # [start, end), minutes
//             weekdays: ["monday:friday"] # ranges or single days
//             days_of_month: ["1:5", "-3:-1"]   # negative: from the month's end
//             months: ["december", "1:3"] # names or numbers
//             years: ["2026:2027"]
//             location: Europe/Berlin     # IANA zone the fields are read in; default UTC
//
// An interval matches a moment when every field it gives matches (a field left out matches
// always). Zones come from the system's tz database (cctz reads /usr/share/zoneinfo).
//
// Thread-safety: immutable after parsing; Contains() may be called from any thread.
#pragma once

#include <cctz/time_zone.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/config.h"

namespace nightjar::collector::alerting {

// An inclusive range of integers (a day of the week 0 = Sunday, a day of the month, ...).
struct IntRange {
  int begin = 0;
  int end = 0;
};

// One time interval: all given fields must match.
struct TimeIntervalSpec {
  std::vector<IntRange> minutes;  // minutes of the day, [begin, end)
  std::vector<IntRange> weekdays;
  std::vector<IntRange> days_of_month;  // may be negative: -1 is the last day
  std::vector<IntRange> months;         // 1 = January
  std::vector<IntRange> years;
  cctz::time_zone location = cctz::utc_time_zone();
  std::string location_name = "UTC";
};

struct NamedTimeInterval {
  std::string name;
  std::vector<TimeIntervalSpec> intervals;  // any may match
};

// Returns true when `unix_nanos` falls in `interval`.
bool Contains(const TimeIntervalSpec& interval, int64_t unix_nanos);
// Returns true when `unix_nanos` falls in any of `named`'s intervals.
bool Contains(const NamedTimeInterval& named, int64_t unix_nanos);

// Reads the `time_intervals:` list; errors land in the configuration document.
std::vector<NamedTimeInterval> ReadTimeIntervals(ConfigNode& section);

}  // namespace nightjar::collector::alerting
