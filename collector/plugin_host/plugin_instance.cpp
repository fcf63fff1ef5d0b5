// A plugin instance and the rules of calling it; see plugin_instance.h.
#include "plugin_host/plugin_instance.h"

#include <fnmatch.h>

#include "base/logging.h"
#include "plugin_host/abi_views.h"
#include "runtime/units.h"

namespace nightjar::plugins {
namespace {

constexpr const char* kComponent = "plugins";

metrics::Counter& InstanceCounter(metrics::Registry* registry, const std::string& name,
                                  const std::string& help, const std::string& plugin,
                                  const std::string& instance) {
  return registry->Counter(name, help, {"plugin", "instance"}).With({plugin, instance});
}

}  // namespace

PluginInstance::PluginInstance(std::shared_ptr<PluginLibrary> library, std::string name,
                               OptionValues options, std::vector<std::string> match,
                               const Clock* clock, SuspendPolicy policy,
                               metrics::Registry* registry, std::string host_version)
    : library_(std::move(library)),
      name_(std::move(name)),
      options_(std::move(options)),
      match_(std::move(match)),
      clock_(clock),
      host_version_(std::move(host_version)),
      thread_safe_(library_->thread_safe()),
      backoff_(policy),
      calls_(InstanceCounter(registry, "nightjar_plugin_calls_total",
                             "Calls of plugin hooks, by plugin and instance.", library_->name(),
                             name_)),
      errors_(InstanceCounter(registry, "nightjar_plugin_errors_total",
                              "Plugin hook calls that returned an error.", library_->name(),
                              name_)),
      skipped_(InstanceCounter(registry, "nightjar_plugin_skipped_total",
                               "Plugin hook calls skipped because the instance was suspended.",
                               library_->name(), name_)),
      seconds_(InstanceCounter(registry, "nightjar_plugin_call_seconds_total",
                               "Time spent in plugin hooks.", library_->name(), name_)),
      suspensions_(InstanceCounter(registry, "nightjar_plugin_suspensions_total",
                                   "Times a plugin instance was suspended after failing "
                                   "repeatedly.",
                                   library_->name(), name_)),
      suspended_(registry
                     ->Gauge("nightjar_plugin_suspended",
                             "1 while a plugin instance is suspended after failing repeatedly.",
                             {"plugin", "instance"})
                     .With({library_->name(), name_})) {
  host_.struct_size = sizeof(nj_host);
  host_.abi_major = NJ_PLUGIN_ABI_MAJOR;
  host_.abi_minor = NJ_PLUGIN_ABI_MINOR;
  host_.context = this;
  host_.plugin_name = {library_->name().c_str(), library_->name().size()};
  host_.instance_name = {name_.c_str(), name_.size()};
  host_.host_version = {host_version_.c_str(), host_version_.size()};
  host_.log = &LogThunk;
  host_.now_unix_nanos = &NowThunk;
  host_.monotonic_nanos = &MonotonicThunk;
  suspended_.Set(0);
}

PluginInstance::~PluginInstance() {
  if (!created_) return;
  try {
    descriptor().destroy(instance_);
  } catch (...) {
    log::Error(kComponent, "plugin destroy let a C++ exception escape",
               {{"plugin", library_->name()}, {"instance", name_}});
  }
}

Status PluginInstance::Create() {
  char message[kErrorCapacity];
  nj_buffer error{message, sizeof(message), 0};
  int32_t rc = NJ_ERROR;
  try {
    rc = descriptor().create(&host_, options_.view(), &instance_, &error);
  } catch (...) {
    static constexpr std::string_view kThrew = "the plugin let a C++ exception escape";
    nj_buffer_set(&error, kThrew.data(), kThrew.size());
  }
  if (rc != NJ_OK) {
    std::string why(message, std::min(error.size, sizeof(message)));
    if (why.empty()) why = "no reason given";
    return FailedPrecondition("create failed: " + why);
  }
  created_ = true;
  created_unix_nano_ = clock_->NowUnixNanos();
  return Status::Ok();
}

bool PluginInstance::Matches(std::string_view metric_name) const {
  if (match_.empty()) return true;
  std::string name(metric_name);
  for (const std::string& glob : match_) {
    if (fnmatch(glob.c_str(), name.c_str(), 0) == 0) return true;
  }
  return false;
}

Duration PluginInstance::SuspendedFor() const {
  int64_t until = suspended_until_.load(std::memory_order_relaxed);
  if (until == 0) return Duration(0);
  int64_t left = until - clock_->MonotonicNanos();
  return Duration(left > 0 ? left : 0);
}

void PluginInstance::Account(std::string_view hook_name, bool ok,
                             std::chrono::steady_clock::duration elapsed, std::string_view error) {
  calls_.Inc();
  seconds_.Inc(std::chrono::duration<double>(elapsed).count());
  if (ok) {
    // The common case touches one relaxed atomic; the lock is taken only to end a streak.
    if (failure_streak_.load(std::memory_order_relaxed) != 0) OnSuccess();
    return;
  }
  errors_.Inc();
  OnFailure(hook_name, error.empty() ? std::string_view("no reason given") : error);
}

void PluginInstance::OnSuccess() {
  std::lock_guard<std::mutex> lock(state_mutex_);
  backoff_.OnSuccess();
  failure_streak_.store(0, std::memory_order_relaxed);
  suspended_until_.store(0, std::memory_order_relaxed);
  suspended_.Set(0);
}

void PluginInstance::OnFailure(std::string_view hook_name, std::string_view error) {
  std::lock_guard<std::mutex> lock(state_mutex_);
  last_error_ = std::string(error);
  std::optional<Duration> suspension = backoff_.OnFailure(clock_->MonotonicNanos());
  uint32_t streak = backoff_.consecutive_failures();
  failure_streak_.store(streak, std::memory_order_relaxed);
  if (suspension) {
    suspended_until_.store(backoff_.suspended_until(), std::memory_order_relaxed);
    suspensions_.Inc();
    suspended_.Set(1);
    log::Warning(kComponent,
                 std::string(hook_name) + " failed " + std::to_string(streak) +
                     " times in a row; will suspend it for " + FormatDuration(*suspension),
                 {{"plugin", library_->name()}, {"instance", name_}, {"error", error}});
  } else if (streak == 1) {
    // Only the first failure of a streak is logged: a plugin failing on every record must not
    // flood the log.
    log::Warning(kComponent, std::string(hook_name) + " failed",
                 {{"plugin", library_->name()}, {"instance", name_}, {"error", error}});
  }
}

InstanceStats PluginInstance::Stats() const {
  InstanceStats s;
  s.name = name_;
  s.calls = static_cast<uint64_t>(calls_.Value());
  s.errors = static_cast<uint64_t>(errors_.Value());
  s.skipped = static_cast<uint64_t>(skipped_.Value());
  s.suspensions = static_cast<uint64_t>(suspensions_.Value());
  s.seconds = seconds_.Value();
  s.created_unix_nano = created_unix_nano_;
  s.options = options_.Display();
  s.match = match_;
  Duration left = SuspendedFor();
  s.state = left.count() > 0 ? "suspended" : "running";
  if (left.count() > 0) s.suspended_until_unix_nano = clock_->NowUnixNanos() + left.count();
  // A suspension that ended without a call since still shows as 1 until the next call; fix
  // the gauge whenever someone looks.
  suspended_.Set(left.count() > 0 ? 1 : 0);
  std::lock_guard<std::mutex> lock(state_mutex_);
  s.error = last_error_;
  s.consecutive_failures = backoff_.consecutive_failures();
  return s;
}

void PluginInstance::LogThunk(void* context, uint32_t level, nj_str message) {
  auto* self = static_cast<PluginInstance*>(context);
  log::Level l = log::Level::kInfo;
  if (level <= NJ_LOG_ERROR) {
    l = log::Level::kError;
  } else if (level == NJ_LOG_WARNING) {
    l = log::Level::kWarning;
  } else if (level >= NJ_LOG_DEBUG) {
    l = log::Level::kDebug;
  }
  if (!log::Enabled(l)) return;
  log::Write(l, kComponent, FromStr(message),
             {{"plugin", self->library_->name()}, {"instance", self->name_}});
}

int64_t PluginInstance::NowThunk(void* context) {
  return static_cast<PluginInstance*>(context)->clock_->NowUnixNanos();
}

int64_t PluginInstance::MonotonicThunk(void* context) {
  return static_cast<PluginInstance*>(context)->clock_->MonotonicNanos();
}

}  // namespace nightjar::plugins
