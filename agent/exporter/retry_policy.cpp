// Retry rules; see retry_policy.h.
#include "exporter/retry_policy.h"

#include <algorithm>
#include <cctype>

#include "parsers/timestamp.h"

namespace nightjar::agent {

Backoff::Backoff(RetryOptions options, uint64_t seed)
    : options_(options), interval_(options.initial_interval), rng_(seed) {}

Duration Backoff::Next() {
  double jitter = std::clamp(options_.jitter, 0.0, 1.0);
  std::uniform_real_distribution<double> spread(1.0 - jitter, 1.0 + jitter);
  auto wait = Duration(static_cast<int64_t>(static_cast<double>(interval_.count()) * spread(rng_)));
  double next = static_cast<double>(interval_.count()) * std::max(1.0, options_.multiplier);
  interval_ = Duration(
      static_cast<int64_t>(std::min(next, static_cast<double>(options_.max_interval.count()))));
  return wait;
}

bool IsRetryableStatus(int status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

std::optional<Duration> ParseRetryAfter(std::string_view value, int64_t now_unix_nanos) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
    value.remove_prefix(1);
  }
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return std::isdigit(c) != 0; })) {
    if (value.size() > 9) return std::chrono::hours(24 * 365);  // absurd, but not malformed
    int64_t seconds = 0;
    for (char c : value) seconds = seconds * 10 + (c - '0');
    return std::chrono::seconds(seconds);
  }
  // RFC 9110 section 5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms.
  static const TimeFormat kFormats[] = {
      *TimeFormat::Compile("%a, %d %b %Y %H:%M:%S GMT"),
      *TimeFormat::Compile("%a, %d-%b-%y %H:%M:%S GMT"),
      *TimeFormat::Compile("%a %b %e %H:%M:%S %Y"),
  };
  for (const TimeFormat& format : kFormats) {
    std::optional<uint64_t> at = format.Parse(value, now_unix_nanos);
    if (!at) continue;
    int64_t delay = static_cast<int64_t>(*at) - now_unix_nanos;
    return Duration(std::max<int64_t>(0, delay));
  }
  return std::nullopt;
}

}  // namespace nightjar::agent
