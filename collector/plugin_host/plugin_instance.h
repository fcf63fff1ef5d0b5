// One configured instance of a plugin: its options, the host services lent to it, and the rules
// every call goes through.
//
// Call() is the only way into the plugin's hooks. It skips the call while the instance is
// suspended, serialises calls unless the plugin declares NJ_PLUGIN_THREAD_SAFE, times the call,
// turns a C++ exception that escapes a plugin into an error, and counts everything in the
// metrics registry. A hook that keeps failing is suspended with a doubling backoff
// (failure_backoff.h), logged as "will suspend it for N".
//
// Thread-safety: Call() and Stats() may be used from any thread; Create() and the destructor
// are called once, by the owner, with no call in progress.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "nightjar/plugin.h"
#include "plugin_host/failure_backoff.h"
#include "plugin_host/hook_types.h"
#include "plugin_host/option_schema.h"
#include "plugin_host/plugin_library.h"
#include "runtime/clock.h"
#include "runtime/metrics.h"

namespace nightjar::plugins {

// What happened to one call.
enum class CallStatus { kOk, kFailed, kSkipped };

// A snapshot of one instance for GET /api/v1/plugins.
struct InstanceStats {
  std::string name;
  // "running", "suspended", "failed" (refused or create failed) or "disabled" (enabled: false).
  std::string state;
  std::string error;  // why it failed, or the last hook error
  uint64_t calls = 0;
  uint64_t errors = 0;
  uint64_t skipped = 0;  // calls skipped while suspended
  uint64_t suspensions = 0;
  double seconds = 0;                     // time spent in the plugin's hooks
  int64_t suspended_until_unix_nano = 0;  // while suspended; 0 otherwise
  // When the plugin's create ran: tells a fresh instance from one a reload carried over (their
  // counters, by plugin and instance name, continue either way). 0 when not running.
  int64_t created_unix_nano = 0;
  uint32_t consecutive_failures = 0;
  StringPairs options;  // as validated, secrets hidden
  std::vector<std::string> match;
};

class PluginInstance {
 public:
  PluginInstance(std::shared_ptr<PluginLibrary> library, std::string name, OptionValues options,
                 std::vector<std::string> match, const Clock* clock, SuspendPolicy policy,
                 metrics::Registry* registry, std::string host_version);
  // Destroys the plugin's instance if Create succeeded.
  ~PluginInstance();
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  // Calls the plugin's create. Fails with the plugin's message.
  Status Create();

  // Runs `hook(instance, error)` -> int32_t under the rules above and returns what happened.
  // On kFailed, `error_out` (when given) receives the plugin's message.
  template <typename Hook>
  CallStatus Call(std::string_view hook_name, Hook&& hook, std::string* error_out = nullptr);

  // Returns true when a detector instance should see points of `metric_name` (its `match`
  // globs; no globs = every metric).
  bool Matches(std::string_view metric_name) const;

  // Returns the time left in the current suspension (0 when not suspended).
  Duration SuspendedFor() const;

  const std::string& name() const { return name_; }
  const PluginLibrary& library() const { return *library_; }
  const nj_plugin_descriptor& descriptor() const { return library_->descriptor(); }

  // Returns a snapshot of the counters and state.
  InstanceStats Stats() const;

 private:
  static constexpr size_t kErrorCapacity = 1024;

  bool Suspended() const {
    int64_t until = suspended_until_.load(std::memory_order_relaxed);
    return until != 0 && clock_->MonotonicNanos() < until;
  }
  void Account(std::string_view hook_name, bool ok, std::chrono::steady_clock::duration elapsed,
               std::string_view error);
  void OnFailure(std::string_view hook_name, std::string_view error);
  void OnSuccess();

  static void LogThunk(void* context, uint32_t level, nj_str message);
  static int64_t NowThunk(void* context);
  static int64_t MonotonicThunk(void* context);

  std::shared_ptr<PluginLibrary> library_;
  std::string name_;
  OptionValues options_;
  std::vector<std::string> match_;
  const Clock* clock_;
  std::string host_version_;
  nj_host host_{};
  void* instance_ = nullptr;
  bool created_ = false;
  int64_t created_unix_nano_ = 0;
  const bool thread_safe_;

  std::mutex call_mutex_;  // serialises hooks of instances that are not thread-safe
  std::atomic<int64_t> suspended_until_{0};  // monotonic ns; 0 = not suspended
  std::atomic<uint32_t> failure_streak_{0};

  mutable std::mutex state_mutex_;  // guards backoff_ and last_error_
  FailureBackoff backoff_;
  std::string last_error_;

  metrics::Counter& calls_;
  metrics::Counter& errors_;
  metrics::Counter& skipped_;
  metrics::Counter& seconds_;
  metrics::Counter& suspensions_;
  metrics::Gauge& suspended_;
};

template <typename Hook>
CallStatus PluginInstance::Call(std::string_view hook_name, Hook&& hook, std::string* error_out) {
  if (Suspended()) {
    skipped_.Inc();
    return CallStatus::kSkipped;
  }
  char message[kErrorCapacity];
  nj_buffer error{message, sizeof(message), 0};
  std::unique_lock<std::mutex> lock(call_mutex_, std::defer_lock);
  if (!thread_safe_) lock.lock();
  auto start = std::chrono::steady_clock::now();
  bool ok = false;
  try {
    ok = hook(instance_, &error) == NJ_OK;
  } catch (...) {
    // Undefined by the ABI, but a C++ plugin that lets an exception escape should cost it an
    // error, not the collector.
    static constexpr std::string_view kThrew = "the plugin let a C++ exception escape";
    nj_buffer_set(&error, kThrew.data(), kThrew.size());
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  if (lock.owns_lock()) lock.unlock();
  std::string_view text(message, std::min(error.size, sizeof(message)));
  Account(hook_name, ok, elapsed, text);
  if (!ok && error_out != nullptr) *error_out = text.empty() ? "no reason given" : text;
  return ok ? CallStatus::kOk : CallStatus::kFailed;
}

}  // namespace nightjar::plugins
