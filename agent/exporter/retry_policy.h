// When to retry an export and how long to wait: OTLP's rules (retry only 429, 502, 503, 504 and
// network failures; honour Retry-After given as seconds or as an HTTP-date) with exponential
// backoff and jitter, so that many agents coming back at once do not hit the collector in step.
//
// Thread-safety: a Backoff belongs to one thread; the functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

#include "runtime/units.h"

namespace nightjar::agent {

struct RetryOptions {
  Duration initial_interval = std::chrono::seconds(1);
  Duration max_interval = std::chrono::seconds(30);
  double multiplier = 2.0;
  // Each wait is drawn uniformly from interval * [1 - jitter, 1 + jitter].
  double jitter = 0.5;
  // A Retry-After longer than this is shortened to it (a collector asking for an hour would
  // otherwise stall delivery for an hour).
  Duration max_retry_after = std::chrono::minutes(5);
};

class Backoff {
 public:
  explicit Backoff(RetryOptions options, uint64_t seed = std::random_device{}());

  // Returns the wait before the next attempt, then grows the interval up to max_interval.
  Duration Next();
  // Starts again from initial_interval (after a success).
  void Reset() { interval_ = options_.initial_interval; }
  // Returns the interval the next wait is drawn around.
  Duration interval() const { return interval_; }

 private:
  RetryOptions options_;
  Duration interval_;
  std::mt19937_64 rng_;
};

// Returns true for the HTTP statuses OTLP/HTTP says to retry: 429, 502, 503 and 504.
bool IsRetryableStatus(int status);

// Parses a Retry-After header: delay-seconds, or an HTTP-date in IMF-fixdate, RFC 850 or asctime
// form. Returns the delay from `now_unix_nanos` (zero for a date in the past), or nullopt when
// the value is malformed.
std::optional<Duration> ParseRetryAfter(std::string_view value, int64_t now_unix_nanos);

}  // namespace nightjar::agent
