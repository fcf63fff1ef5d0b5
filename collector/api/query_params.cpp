// Query API parameters; see query_params.h.
#include "api/query_params.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "base/utf8.h"

namespace nightjar::collector {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, 100));
  if (s.size() > 100) out += "...";
  return out + "\"";
}

Status Bad(std::string_view name, std::string_view expected, std::string_view got) {
  return InvalidArgument(std::string(name) + ": expected " + std::string(expected) + ", got " +
                         Quoted(got));
}

bool ParseInt64(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// Reads exactly `n` digits.
bool Digits(std::string_view& s, size_t n, int* out) {
  if (s.size() < n) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  s.remove_prefix(n);
  *out = v;
  return true;
}

bool Take(std::string_view& s, char c) {
  if (s.empty() || (s[0] != c && !(c == 'T' && (s[0] == 't' || s[0] == ' ')))) return false;
  s.remove_prefix(1);
  return true;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexDigit(text[i + 1]);
      int lo = HexDigit(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<QueryParams> QueryParams::Parse(std::string_view query) {
  QueryParams params;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view part = query.substr(start, end - start);
    start = end + 1;
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string_view raw_name = part.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? "" : part.substr(eq + 1);
    auto name = PercentDecode(raw_name);
    if (!name || name->empty()) {
      return InvalidArgument("malformed query parameter name " + Quoted(raw_name));
    }
    auto value = PercentDecode(raw_value);
    if (!value) return InvalidArgument(*name + ": malformed percent-encoding");
    if (!IsValidUtf8(*name) || !IsValidUtf8(*value)) {
      return InvalidArgument(*name + ": not valid UTF-8");
    }
    params.params_.emplace_back(std::move(*name), std::move(*value));
  }
  return params;
}

std::optional<std::string> QueryParams::Get(std::string_view name) const {
  std::optional<std::string> out;
  for (const auto& [k, v] : params_) {
    if (k == name) out = v;
  }
  return out;
}

std::vector<std::string> QueryParams::GetAll(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : params_) {
    if (k == name) out.push_back(v);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> QueryParams::WithPrefix(
    std::string_view prefix) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : params_) {
    if (k.size() > prefix.size() && k.compare(0, prefix.size(), prefix) == 0) {
      out.emplace_back(k.substr(prefix.size()), v);
    }
  }
  return out;
}

Status QueryParams::AllowOnly(std::initializer_list<std::string_view> names,
                              std::initializer_list<std::string_view> prefixes) const {
  for (const auto& [k, v] : params_) {
    bool known = false;
    for (std::string_view n : names) known |= k == n;
    for (std::string_view p : prefixes) {
      known |= k.size() > p.size() && k.compare(0, p.size(), p) == 0;
    }
    if (!known) {
      std::string list;
      for (std::string_view n : names) list += (list.empty() ? "" : ", ") + std::string(n);
      for (std::string_view p : prefixes) list += ", " + std::string(p) + "<key>";
      return InvalidArgument(k + ": unknown parameter (known: " + list + ")");
    }
  }
  return Status::Ok();
}

Result<int64_t> QueryParams::Int(std::string_view name, int64_t def, int64_t min,
                                 int64_t max) const {
  auto v = Get(name);
  if (!v) return def;
  int64_t n = 0;
  if (!ParseInt64(*v, &n)) return Bad(name, "an integer", *v);
  if (n < min || n > max) {
    return InvalidArgument(std::string(name) + ": must be between " + std::to_string(min) +
                           " and " + std::to_string(max) + ", got " + std::to_string(n));
  }
  return n;
}

Result<std::optional<double>> QueryParams::Double(std::string_view name) const {
  auto v = Get(name);
  if (!v) return std::optional<double>();
  // strtod needs a terminated string, which std::string gives; "inf" and "nan" are refused.
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(v->c_str(), &end);
  if (v->empty() || end != v->c_str() + v->size() || errno == ERANGE || !std::isfinite(d)) {
    return Bad(name, "a number", *v);
  }
  return std::optional<double>(d);
}

Result<int64_t> QueryParams::Time(std::string_view name, int64_t def, int64_t now) const {
  auto v = Get(name);
  if (!v) return def;
  std::string_view s = *v;
  constexpr const char* kExpected =
      "an RFC 3339 time, unix nanoseconds, \"now\" or \"now-<duration>\"";
  if (s == "now") return now;
  if (s.substr(0, 4) == "now-" || s.substr(0, 4) == "now+") {
    auto d = ParseDuration(s.substr(4));
    if (!d) return Bad(name, kExpected, s);
    return s[3] == '-' ? now - d->count() : now + d->count();
  }
  int64_t n = 0;
  if (ParseInt64(s, &n)) {
    if (n < 0) return Bad(name, kExpected, s);
    return n;
  }
  auto t = ParseRfc3339(s);
  if (!t) return Bad(name, kExpected, s);
  return *t;
}

Result<Duration> QueryParams::Dur(std::string_view name, Duration def) const {
  auto v = Get(name);
  if (!v) return def;
  auto d = ParseDuration(*v);
  if (!d || d->count() <= 0) return Bad(name, "a positive duration like 1m, 5m or 1h", *v);
  return *d;
}

Result<int> QueryParams::Severity(std::string_view name, int def, bool upper) const {
  auto v = Get(name);
  if (!v) return def;
  int64_t n = 0;
  if (ParseInt64(*v, &n)) {
    if (n < 0 || n > 24) return Bad(name, "a severity number 0..24 or a level name", *v);
    return static_cast<int>(n);
  }
  static const char* const kLevels[] = {"trace", "debug", "info", "warn", "error", "fatal"};
  std::string lower;
  for (char c : *v) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "warning") lower = "warn";
  for (int i = 0; i < 6; ++i) {
    if (lower == kLevels[i]) return upper ? i * 4 + 4 : i * 4 + 1;
  }
  return Bad(name, "a severity number 0..24 or trace|debug|info|warn|error|fatal", *v);
}

std::optional<int64_t> ParseRfc3339(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 4, &year) || !Take(s, '-') || !Digits(s, 2, &month) || !Take(s, '-') ||
      !Digits(s, 2, &day) || !Take(s, 'T') || !Digits(s, 2, &hour) || !Take(s, ':') ||
      !Digits(s, 2, &minute) || !Take(s, ':') || !Digits(s, 2, &second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  int64_t nanos = 0;
  if (!s.empty() && s[0] == '.') {
    s.remove_prefix(1);
    int digits = 0;
    while (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) {
      if (digits < 9) {
        nanos = nanos * 10 + (s[0] - '0');
        ++digits;
      }
      s.remove_prefix(1);
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 9; ++digits) nanos *= 10;
  }
  int64_t offset_s = 0;
  if (!s.empty() && (s[0] == 'Z' || s[0] == 'z')) {
    s.remove_prefix(1);
  } else if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    int sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
    int oh, om;
    if (!Digits(s, 2, &oh) || !Take(s, ':') || !Digits(s, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_s = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (!s.empty()) return std::nullopt;
  // Days from the civil date (Howard Hinnant's algorithm): no time zone database involved.
  int y = year - (month <= 2 ? 1 : 0);
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  if (seconds < 0 || seconds > INT64_MAX / 1'000'000'000 - 1) return std::nullopt;
  return seconds * 1'000'000'000 + nanos;
}

std::string FormatRfc3339(int64_t unix_nano) {
  time_t secs = static_cast<time_t>(unix_nano / 1'000'000'000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(unix_nano % 1'000'000'000));
  return buf;
}

}  // namespace nightjar::collector
