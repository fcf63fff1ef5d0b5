// When to stop calling a plugin instance whose hook keeps failing, and for how long.
//
// After `after_failures` failures in a row the instance is suspended for `initial`. When the
// suspension ends the instance is on probation: its next failure suspends it again for twice as
// long (up to `max`), its next success forgets everything. This is collectd's "will suspend it
// for N seconds" with a doubling interval, so a broken plugin costs almost nothing while a
// flaky one recovers by itself.
//
// Thread-safety: none; the owner serialises access.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "runtime/units.h"

namespace nightjar::plugins {

struct SuspendPolicy {
  uint32_t after_failures = 5;  // consecutive failures that start a suspension; 0 = never
  Duration initial = std::chrono::seconds(10);
  Duration max = std::chrono::minutes(10);

  bool operator==(const SuspendPolicy&) const = default;
};

class FailureBackoff {
 public:
  explicit FailureBackoff(SuspendPolicy policy) : policy_(policy), next_(policy.initial) {}

  // Records a success: past failures are forgotten and backoff starts again from `initial`.
  void OnSuccess();

  // Records a failure at monotonic time `now_nanos`. Returns the length of the suspension it
  // starts, or nullopt when the instance keeps running.
  std::optional<Duration> OnFailure(int64_t now_nanos);

  // Returns true while the instance is suspended at monotonic time `now_nanos`.
  bool SuspendedAt(int64_t now_nanos) const { return now_nanos < suspended_until_; }

  // Monotonic time at which the current or last suspension ends (0 = never suspended since the
  // last success).
  int64_t suspended_until() const { return suspended_until_; }
  uint32_t consecutive_failures() const { return consecutive_failures_; }

 private:
  SuspendPolicy policy_;
  Duration next_;
  uint32_t consecutive_failures_ = 0;
  bool probation_ = false;
  int64_t suspended_until_ = 0;
};

}  // namespace nightjar::plugins
