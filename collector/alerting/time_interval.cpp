// Named time intervals; see time_interval.h.
#include "alerting/time_interval.h"

#include <cctz/civil_time.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <optional>

namespace nightjar::collector::alerting {
namespace {

constexpr std::array<std::string_view, 7> kWeekdays = {"sunday",   "monday", "tuesday", "wednesday",
                                                       "thursday", "friday", "saturday"};
constexpr std::array<std::string_view, 12> kMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<int> Number(std::string_view s) {
  int value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// Reads one bound: a name from `names` (its index + `first`) when given, else a number.
template <size_t N>
std::optional<int> Bound(std::string_view text, const std::array<std::string_view, N>* names,
                         int first) {
  if (names != nullptr) {
    std::string lower = Lower(text);
    for (size_t i = 0; i < N; ++i) {
      if ((*names)[i] == lower) return static_cast<int>(i) + first;
    }
  }
  return Number(text);
}

// Reads "a" or "a:b" into an inclusive range within [min, max] (0 excluded when `no_zero`).
template <size_t N>
std::optional<IntRange> ParseRange(std::string_view text,
                                   const std::array<std::string_view, N>* names, int first, int min,
                                   int max, bool no_zero) {
  size_t colon = text.find(':');
  std::string_view a = text.substr(0, colon);
  std::string_view b = colon == std::string_view::npos ? a : text.substr(colon + 1);
  std::optional<int> begin = Bound(a, names, first);
  std::optional<int> end = Bound(b, names, first);
  if (!begin || !end) return std::nullopt;
  for (int v : {*begin, *end}) {
    if (v < min || v > max || (no_zero && v == 0)) return std::nullopt;
  }
  // Negative days count from the month's end and are only comparable at match time.
  if ((*begin >= 0) == (*end >= 0) && *begin > *end) return std::nullopt;
  return IntRange{*begin, *end};
}

template <size_t N>
std::vector<IntRange> ReadRanges(ConfigNode& node, std::string_view key,
                                 const std::array<std::string_view, N>* names, int first, int min,
                                 int max, bool no_zero, std::string_view expected) {
  std::vector<IntRange> out;
  for (const std::string& text : node.Strings(key)) {
    std::optional<IntRange> range = ParseRange(text, names, first, min, max, no_zero);
    if (!range) {
      node.Error(key, "\"" + text + "\" is not " + std::string(expected));
      continue;
    }
    out.push_back(*range);
  }
  return out;
}

// Reads "HH:MM" (00:00 .. 24:00) as minutes of the day.
std::optional<int> ClockMinutes(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  std::optional<int> h = Number(text.substr(0, 2));
  std::optional<int> m = Number(text.substr(3, 2));
  if (!h || !m || *h < 0 || *m < 0 || *m > 59 || *h > 24 || (*h == 24 && *m != 0)) {
    return std::nullopt;
  }
  return *h * 60 + *m;
}

std::vector<IntRange> ReadTimes(ConfigNode& node) {
  std::vector<IntRange> out;
  for (ConfigNode& item : node.Items("times")) {
    item.AllowKeys({"start_time", "end_time"});
    std::optional<int> start = ClockMinutes(item.String("start_time"));
    std::optional<int> end = ClockMinutes(item.String("end_time"));
    if (!start) item.Error("start_time", "must be a time of day as HH:MM (00:00 to 23:59)");
    if (!end) item.Error("end_time", "must be a time of day as HH:MM (00:01 to 24:00)");
    if (start && end && *start >= *end) {
      item.Error("end_time",
                 "must be later than start_time (an interval does not wrap midnight; "
                 "give two ranges instead)");
    }
    if (start && end) out.push_back(IntRange{*start, *end});
  }
  return out;
}

TimeIntervalSpec ReadSpec(ConfigNode& item) {
  TimeIntervalSpec spec;
  item.AllowKeys({"times", "weekdays", "days_of_month", "months", "years", "location"});
  spec.minutes = ReadTimes(item);
  spec.weekdays = ReadRanges(item, "weekdays", &kWeekdays, 0, 0, 6, false,
                             "a weekday or a range of them (e.g. monday:friday)");
  const std::array<std::string_view, 0>* no_names = nullptr;
  spec.days_of_month = ReadRanges(item, "days_of_month", no_names, 0, -31, 31, true,
                                  "a day of the month or a range (1 to 31, or -31 to -1 from the "
                                  "end)");
  spec.months = ReadRanges(item, "months", &kMonths, 1, 1, 12, false,
                           "a month or a range of them (names or 1 to 12)");
  spec.years = ReadRanges(item, "years", no_names, 0, 1, 9999, false, "a year or a range");
  if (item.Has("location")) {
    std::string name = item.String("location");
    if (name == "Local") {
      spec.location = cctz::local_time_zone();
    } else if (!cctz::load_time_zone(name, &spec.location)) {
      item.Error("location", "\"" + name +
                                 "\" is not a time zone of the tz database (e.g. "
                                 "Europe/Berlin, UTC, Local)");
    }
    spec.location_name = name;
  }
  return spec;
}

bool InRanges(const std::vector<IntRange>& ranges, int value) {
  if (ranges.empty()) return true;
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const IntRange& r) { return value >= r.begin && value <= r.end; });
}

bool InDaysOfMonth(const std::vector<IntRange>& ranges, const cctz::civil_second& cs) {
  if (ranges.empty()) return true;
  int days_in_month = (cctz::civil_day(cctz::civil_month(cs) + 1) - 1).day();
  auto resolve = [&](int d) { return d < 0 ? days_in_month + d + 1 : d; };
  return std::any_of(ranges.begin(), ranges.end(), [&](const IntRange& r) {
    return cs.day() >= resolve(r.begin) && cs.day() <= resolve(r.end);
  });
}

}  // namespace

bool Contains(const TimeIntervalSpec& interval, int64_t unix_nanos) {
  std::chrono::system_clock::time_point when{
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(unix_nanos))};
  cctz::civil_second cs = cctz::convert(when, interval.location);
  int minute = cs.hour() * 60 + cs.minute();
  bool in_times =
      interval.minutes.empty() ||
      std::any_of(interval.minutes.begin(), interval.minutes.end(),
                  [&](const IntRange& r) { return minute >= r.begin && minute < r.end; });
  // cctz numbers weekdays from Monday = 0; the configuration from Sunday = 0.
  int weekday = (static_cast<int>(cctz::get_weekday(cctz::civil_day(cs))) + 1) % 7;
  return in_times && InRanges(interval.weekdays, weekday) &&
         InDaysOfMonth(interval.days_of_month, cs) &&
         InRanges(interval.months, static_cast<int>(cs.month())) &&
         InRanges(interval.years, static_cast<int>(cs.year()));
}

bool Contains(const NamedTimeInterval& named, int64_t unix_nanos) {
  return std::any_of(named.intervals.begin(), named.intervals.end(),
                     [&](const TimeIntervalSpec& i) { return Contains(i, unix_nanos); });
}

std::vector<NamedTimeInterval> ReadTimeIntervals(ConfigNode& section) {
  std::vector<NamedTimeInterval> out;
  for (ConfigNode& item : section.Items("time_intervals")) {
    item.AllowKeys({"name", "time_intervals"});
    NamedTimeInterval named;
    named.name = item.String("name");
    if (named.name.empty()) item.Error("name", "every time interval needs a name");
    for (const NamedTimeInterval& other : out) {
      if (other.name == named.name) item.Error("name", "\"" + named.name + "\" is used twice");
    }
    for (ConfigNode& spec : item.Items("time_intervals")) named.intervals.push_back(ReadSpec(spec));
    out.push_back(std::move(named));
  }
  return out;
}

}  // namespace nightjar::collector::alerting
