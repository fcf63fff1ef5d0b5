// Time as a dependency: components ask a Clock for the time so that tests can drive alert
// timers, batching deadlines and retention with a FakeClock instead of sleeping.
//
// Thread-safety: SystemClock and FakeClock may be used from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace nightjar {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, nanoseconds since the Unix epoch (for timestamps users see).
  virtual int64_t NowUnixNanos() const = 0;
  // Monotonic time in nanoseconds from an arbitrary start (for timeouts and intervals).
  virtual int64_t MonotonicNanos() const = 0;

  // Returns the process-wide real clock.
  static const Clock& System();
};

class SystemClock final : public Clock {
 public:
  int64_t NowUnixNanos() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  int64_t MonotonicNanos() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that moves only when told to; wall and monotonic time advance together.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t unix_nanos = 1'700'000'000'000'000'000) : now_(unix_nanos) {}
  int64_t NowUnixNanos() const override { return now_.load(); }
  int64_t MonotonicNanos() const override { return now_.load(); }
  void Advance(std::chrono::nanoseconds d) { now_.fetch_add(d.count()); }
  void Set(int64_t unix_nanos) { now_.store(unix_nanos); }

 private:
  std::atomic<int64_t> now_;
};

inline const Clock& Clock::System() {
  static const SystemClock clock;
  return clock;
}

}  // namespace nightjar
