// Parsing of the query API's URL parameters: the query string itself (percent-decoding) and
// the values people write — times, durations, severities, limits, cursors.
//
// Every failure names the parameter and what was expected, e.g.
//   "from: expected an RFC 3339 time, unix nanoseconds or now-<duration>, got \"yesterday\"".
//
// Thread-safety: QueryParams belongs to one request; the functions are pure.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "runtime/units.h"

namespace nightjar::collector {

class QueryParams {
 public:
  // Parses a query string ("a=1&b=x%20y"; '+' is a space). Fails on bad percent escapes,
  // empty names and invalid UTF-8.
  static Result<QueryParams> Parse(std::string_view query);

  // Returns the last value of `name`, or nullopt.
  std::optional<std::string> Get(std::string_view name) const;
  // Returns every value of `name`, in order.
  std::vector<std::string> GetAll(std::string_view name) const;
  // Returns (suffix, value) for every parameter named "<prefix><suffix>".
  std::vector<std::pair<std::string, std::string>> WithPrefix(std::string_view prefix) const;

  // Fails naming the first parameter that is neither in `names` nor starts with one of
  // `prefixes`.
  Status AllowOnly(std::initializer_list<std::string_view> names,
                   std::initializer_list<std::string_view> prefixes = {}) const;

  // Typed readers: nullopt/default when absent, an error naming the parameter when invalid.
  Result<int64_t> Int(std::string_view name, int64_t def, int64_t min, int64_t max) const;
  // A time: RFC 3339 ("2024-05-01T12:00:00Z", fractions and offsets allowed), unix
  // nanoseconds, "now", "now-<duration>" or "now+<duration>".
  Result<int64_t> Time(std::string_view name, int64_t def, int64_t now_unix_nano) const;
  Result<Duration> Dur(std::string_view name, Duration def) const;
  // A finite decimal number (e.g. "3.5", "1e3").
  Result<std::optional<double>> Double(std::string_view name) const;
  // A severity: a number 0..24 or a level name (trace, debug, info, warn, error, fatal).
  // `upper` makes a level name mean its highest number (ERROR = 20 as an upper bound).
  Result<int> Severity(std::string_view name, int def, bool upper) const;

  const std::vector<std::pair<std::string, std::string>>& all() const { return params_; }

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

// Decodes %XX escapes and '+'; nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text);

// Parses an RFC 3339 timestamp into unix nanoseconds.
std::optional<int64_t> ParseRfc3339(std::string_view text);

// Formats unix nanoseconds as RFC 3339 UTC with nanoseconds ("2024-05-01T12:00:00.000000001Z").
std::string FormatRfc3339(int64_t unix_nano);

}  // namespace nightjar::collector
