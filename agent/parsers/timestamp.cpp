// Timestamp parsing; see timestamp.h.
#include "parsers/timestamp.h"

#include <cctype>
#include <ctime>

namespace nightjar::agent {
namespace {

constexpr int64_t kNanos = 1'000'000'000;

constexpr std::string_view kMonths[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::string_view kMonthTails[12] = {"uary", "ruary", "ch",     "il",   "",      "e",
                                              "y",    "ust",   "tember", "ober", "ember", "ember"};
constexpr std::string_view kDays[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::string_view kDayTails[7] = {"day", "sday", "nesday", "rsday", "day", "urday", "day"};

// A cursor over the text being parsed.
struct Cursor {
  std::string_view s;
  size_t i = 0;

  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool Eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  // Reads between `min` and `max` digits.
  // At most 19 digits fit in the unsigned accumulator; a value above INT64_MAX is refused.
  bool Digits(int min, int max, int64_t* out) {
    uint64_t v = 0;
    int n = 0;
    while (n < max && !done() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      ++i;
      ++n;
    }
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
    return n >= min;
  }
  // Reads a fraction of a second (1-9 digits, more are ignored) as nanoseconds.
  bool Fraction(int64_t* nanos) {
    int64_t v = 0;
    int n = 0;
    while (!done() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (n < 9) {
        v = v * 10 + (s[i] - '0');
        ++n;
      }
      ++i;
    }
    if (n == 0) return false;
    for (int k = n; k < 9; ++k) v *= 10;
    *nanos = v;
    return true;
  }
  // Matches a case-insensitive prefix word from `words`, with an optional long-form tail.
  template <size_t N>
  bool Word(const std::string_view (&words)[N], const std::string_view (&tails)[N], int* index) {
    for (size_t w = 0; w < N; ++w) {
      std::string_view word = words[w];
      if (s.size() - i < word.size()) continue;
      bool match = true;
      for (size_t k = 0; k < word.size(); ++k) {
        if (std::tolower(static_cast<unsigned char>(s[i + k])) != word[k]) {
          match = false;
          break;
        }
      }
      if (!match) continue;
      i += word.size();
      std::string_view tail = tails[w];
      if (!tail.empty() && s.size() - i >= tail.size()) {
        bool long_form = true;
        for (size_t k = 0; k < tail.size(); ++k) {
          if (std::tolower(static_cast<unsigned char>(s[i + k])) != tail[k]) long_form = false;
        }
        if (long_form) i += tail.size();
      }
      *index = static_cast<int>(w);
      return true;
    }
    return false;
  }
  // Reads a zone: Z, UTC, GMT, +hh, +hhmm, +hh:mm. Returns the offset in seconds east of UTC.
  bool Zone(int64_t* offset) {
    if (Eat('Z') || Eat('z')) {
      *offset = 0;
      return true;
    }
    if (s.substr(i, 3) == "UTC" || s.substr(i, 3) == "GMT") {
      i += 3;
      *offset = 0;
      if (peek() != '+' && peek() != '-') return true;
    }
    int sign = peek() == '+' ? 1 : peek() == '-' ? -1 : 0;
    if (sign == 0) return false;
    ++i;
    int64_t hh = 0;
    int64_t mm = 0;
    if (!Digits(2, 2, &hh)) return false;
    Eat(':');
    if (std::isdigit(static_cast<unsigned char>(peek())) && !Digits(2, 2, &mm)) return false;
    if (hh > 23 || mm > 59) return false;
    *offset = sign * (hh * 3600 + mm * 60);
    return true;
  }
};

struct Fields {
  int64_t year = -1;
  int64_t month = 1;
  int64_t day = 1;
  int64_t hour = 0;
  int64_t minute = 0;
  int64_t second = 0;
  int64_t nanos = 0;
  int pm = -1;  // -1: no %p; 0: AM; 1: PM
  bool twelve_hour = false;
  std::optional<int64_t> zone_offset;
  std::optional<int64_t> epoch_seconds;
};

int64_t LocalOffsetAt(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm {};
  localtime_r(&t, &tm);
  return tm.tm_gmtoff;
}

int64_t CurrentYear(int64_t now_unix_nanos) {
  int64_t days = now_unix_nanos / kNanos / 86400;
  // civil_from_days, year only.
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  return yoe + era * 400 + (month <= 2 ? 1 : 0);
}

std::optional<uint64_t> Assemble(Fields f, TimeFormat::Zone zone, int64_t now_unix_nanos) {
  if (f.epoch_seconds) {
    if (*f.epoch_seconds < 0) return std::nullopt;
    return static_cast<uint64_t>(*f.epoch_seconds * kNanos + f.nanos);
  }
  bool year_given = f.year >= 0;
  if (!year_given) f.year = CurrentYear(now_unix_nanos);
  if (f.twelve_hour) {
    if (f.hour < 1 || f.hour > 12) return std::nullopt;
    if (f.hour == 12) f.hour = 0;
    if (f.pm == 1) f.hour += 12;
  }
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31 || f.hour > 23 || f.minute > 59 ||
      f.second > 60 || f.year > 9999) {
    return std::nullopt;
  }
  auto to_seconds = [&](int64_t year) {
    int64_t s =
        DaysFromCivil(year, static_cast<unsigned>(f.month), static_cast<unsigned>(f.day)) * 86400 +
        f.hour * 3600 + f.minute * 60 + f.second;
    if (f.zone_offset) return s - *f.zone_offset;
    if (zone == TimeFormat::Zone::kLocal) {
      // The offset at the wall time itself; a second look settles DST transitions.
      int64_t guess = s - LocalOffsetAt(s);
      return s - LocalOffsetAt(guess);
    }
    return s;
  };
  int64_t seconds = to_seconds(f.year);
  if (!year_given && seconds * kNanos > now_unix_nanos + 86400 * kNanos) {
    seconds = to_seconds(f.year - 1);
  }
  if (seconds < 0) return std::nullopt;
  return static_cast<uint64_t>(seconds) * kNanos + static_cast<uint64_t>(f.nanos);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Parses "123", "123.456" as an integer part and a fraction scaled to `unit_nanos`.
std::optional<uint64_t> ParseEpoch(std::string_view text, int64_t unit_nanos) {
  Cursor c{text};
  int64_t whole = 0;
  if (!c.Digits(1, 19, &whole) || whole < 0) return std::nullopt;
  int64_t fraction = 0;
  if (c.Eat('.') && !c.Fraction(&fraction)) return std::nullopt;
  if (!c.done()) return std::nullopt;
  // Reject values that would overflow 64-bit nanoseconds.
  if (whole > static_cast<int64_t>(UINT64_MAX / 2) / unit_nanos) return std::nullopt;
  // fraction < 1e9 and unit_nanos <= 1e9, so the product fits in 63 bits.
  return static_cast<uint64_t>(whole) * static_cast<uint64_t>(unit_nanos) +
         static_cast<uint64_t>(fraction * unit_nanos / kNanos);
}

}  // namespace

int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  unsigned yoe = static_cast<unsigned>(year - era * 400);
  unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Result<TimeFormat> TimeFormat::Compile(std::string_view spec, Zone zone) {
  if (spec == "rfc3339" || spec == "iso8601") return TimeFormat(Kind::kRfc3339, "rfc3339", zone);
  if (spec == "unix") return TimeFormat(Kind::kUnix, std::string(spec), zone);
  if (spec == "unix_ms") return TimeFormat(Kind::kUnixMs, std::string(spec), zone);
  if (spec == "unix_us") return TimeFormat(Kind::kUnixUs, std::string(spec), zone);
  if (spec == "unix_ns") return TimeFormat(Kind::kUnixNs, std::string(spec), zone);
  if (spec.empty()) return InvalidArgument("empty time format");
  for (size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] != '%') continue;
    if (i + 1 >= spec.size()) return InvalidArgument("time format ends with a lone '%'");
    char d = spec[++i];
    if (std::string_view("YymdeHIpMSfbBaAzZsTF%").find(d) == std::string_view::npos) {
      return InvalidArgument(std::string("unknown time format directive %") + d +
                             " (known: %Y %y %m %d %e %H %I %p %M %S %f %b %B %a %A %z %Z %s %T "
                             "%F %%, or rfc3339, unix, unix_ms, unix_us, unix_ns)");
    }
  }
  return TimeFormat(Kind::kPattern, std::string(spec), zone);
}

std::optional<uint64_t> TimeFormat::Parse(std::string_view text, int64_t now_unix_nanos) const {
  text = Trim(text);
  switch (kind_) {
    case Kind::kUnix:
      return ParseEpoch(text, kNanos);
    case Kind::kUnixMs:
      return ParseEpoch(text, 1'000'000);
    case Kind::kUnixUs:
      return ParseEpoch(text, 1'000);
    case Kind::kUnixNs:
      return ParseEpoch(text, 1);
    case Kind::kRfc3339: {
      Cursor c{text};
      Fields f;
      if (!c.Digits(4, 4, &f.year) || !c.Eat('-') || !c.Digits(2, 2, &f.month) || !c.Eat('-') ||
          !c.Digits(2, 2, &f.day)) {
        return std::nullopt;
      }
      if (!c.Eat('T') && !c.Eat('t') && !c.Eat(' ')) return std::nullopt;
      if (!c.Digits(2, 2, &f.hour) || !c.Eat(':') || !c.Digits(2, 2, &f.minute) || !c.Eat(':') ||
          !c.Digits(2, 2, &f.second)) {
        return std::nullopt;
      }
      if ((c.Eat('.') || c.Eat(',')) && !c.Fraction(&f.nanos)) return std::nullopt;
      if (!c.done()) {
        c.Eat(' ');
        int64_t offset = 0;
        if (!c.Zone(&offset) || !c.done()) return std::nullopt;
        f.zone_offset = offset;
      }
      return Assemble(f, zone_, now_unix_nanos);
    }
    case Kind::kPattern:
      return ParsePattern(spec_, text, now_unix_nanos);
  }
  return std::nullopt;
}

std::optional<uint64_t> TimeFormat::ParsePattern(std::string_view pattern, std::string_view text,
                                                 int64_t now_unix_nanos) const {
  Cursor c{text};
  Fields f;
  for (size_t p = 0; p < pattern.size(); ++p) {
    char ch = pattern[p];
    if (ch == ' ') {
      if (!c.Eat(' ')) return std::nullopt;
      while (c.Eat(' ')) {
      }
      continue;
    }
    if (ch != '%') {
      if (!c.Eat(ch)) return std::nullopt;
      continue;
    }
    char d = pattern[++p];
    int index = 0;
    bool ok = true;
    switch (d) {
      case 'Y':
        ok = c.Digits(4, 4, &f.year);
        break;
      case 'y': {
        int64_t yy = 0;
        ok = c.Digits(2, 2, &yy);
        f.year = yy < 69 ? 2000 + yy : 1900 + yy;
        break;
      }
      case 'm':
        ok = c.Digits(1, 2, &f.month);
        break;
      case 'd':
        ok = c.Digits(1, 2, &f.day);
        break;
      case 'e':
        c.Eat(' ');
        ok = c.Digits(1, 2, &f.day);
        break;
      case 'H':
        ok = c.Digits(1, 2, &f.hour);
        break;
      case 'I':
        ok = c.Digits(1, 2, &f.hour);
        f.twelve_hour = true;
        break;
      case 'p': {
        std::string_view rest = text.substr(c.i);
        if (rest.size() < 2) return std::nullopt;
        char a = static_cast<char>(std::toupper(static_cast<unsigned char>(rest[0])));
        char m = static_cast<char>(std::toupper(static_cast<unsigned char>(rest[1])));
        if ((a != 'A' && a != 'P') || m != 'M') return std::nullopt;
        f.pm = a == 'P' ? 1 : 0;
        c.i += 2;
        break;
      }
      case 'M':
        ok = c.Digits(1, 2, &f.minute);
        break;
      case 'S':
        ok = c.Digits(1, 2, &f.second);
        break;
      case 'f':
        ok = c.Fraction(&f.nanos);
        break;
      case 'b':
      case 'B':
        ok = c.Word(kMonths, kMonthTails, &index);
        f.month = index + 1;
        break;
      case 'a':
      case 'A':
        ok = c.Word(kDays, kDayTails, &index);
        break;
      case 'z':
      case 'Z': {
        int64_t offset = 0;
        ok = c.Zone(&offset);
        f.zone_offset = offset;
        break;
      }
      case 's': {
        int64_t seconds = 0;
        ok = c.Digits(1, 19, &seconds);
        f.epoch_seconds = seconds;
        break;
      }
      case 'T':
        ok = c.Digits(1, 2, &f.hour) && c.Eat(':') && c.Digits(1, 2, &f.minute) && c.Eat(':') &&
             c.Digits(1, 2, &f.second);
        break;
      case 'F':
        ok = c.Digits(4, 4, &f.year) && c.Eat('-') && c.Digits(1, 2, &f.month) && c.Eat('-') &&
             c.Digits(1, 2, &f.day);
        break;
      case '%':
        ok = c.Eat('%');
        break;
      default:
        ok = false;
    }
    if (!ok) return std::nullopt;
  }
  if (!c.done()) return std::nullopt;
  return Assemble(f, zone_, now_unix_nanos);
}

}  // namespace nightjar::agent
