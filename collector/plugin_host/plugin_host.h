// The collector's plugin host: loads classifier, detector and notifier plugins, creates their
// configured instances, and runs them for the pipeline.
//
//   auto host = plugins::PluginHost::Start(plugins::ReadPluginHostConfig(root.Child("plugins")),
//                                          {&clock, &registry});
//   host->ClassifyLogs(&logs);                                      // before storing, or
//   plugins::Classification c = host->Classify(record, resource.attributes, scope.name);
//   plugins::ApplyClassification(c, &record);
//   for (const plugins::Detection& d : host->Detect(point)) ...    // after storing a point
//   Result<plugins::NotifyOutcome> r = host->Notify("oncall", notification);
//   server.Route("GET", "/api/v1/plugins", ... plugins::PluginsJson(host->Stats()) ...);
//
// Start never fails because of a plugin: a file that cannot be loaded, an instance whose options
// are refused or whose create fails are logged, listed in problems() (for --check-config) and
// shown in Stats() with the reason, and everything else runs. Hooks that keep failing are
// suspended with backoff (plugin_instance.h). Instances of one kind run in configuration order.
//
// Metrics (in the given registry): nightjar_plugin_calls_total, _errors_total, _skipped_total,
// _call_seconds_total, _suspensions_total and the gauge nightjar_plugin_suspended, each by
// {plugin, instance}; nightjar_plugins_loaded and nightjar_plugin_instances{state}.
//
// Thread-safety: Classify, Detect, Notify and Stats may be called from any thread at once; an
// instance that is not declared thread-safe is still called by one thread at a time. The host
// is immutable after Start. Reloading means starting a new host and dropping the old one once
// no call into it is in progress (hold it by shared_ptr on the hot path). The new host takes
// over the old one's instances whose configuration did not change, so that a reload does not
// make a detector forget what it learned; an instance is destroyed (before its library is
// unloaded) when the last host holding it goes.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "otlp/model.h"
#include "plugin_host/hook_types.h"
#include "plugin_host/option_schema.h"
#include "plugin_host/plugin_host_config.h"
#include "plugin_host/plugin_instance.h"
#include "plugin_host/plugin_library.h"
#include "runtime/clock.h"
#include "runtime/metrics.h"

namespace nightjar::plugins {

// A snapshot of one plugin (a loaded or refused file) and its instances.
struct PluginStats {
  std::string name;  // declared name; for a refused file, the file name
  std::string kind;  // "classifier", "detector", "notifier"; "" when unknown
  std::string version;
  std::string description;
  std::string path;
  std::string abi;  // ABI version the plugin was built for, e.g. "1.0"
  bool thread_safe = false;
  // "loaded", "failed" (the file was refused) or "missing" (instances name a plugin that no
  // file provides).
  std::string state;
  std::string error;
  std::vector<OptionDecl> options;  // the declared table
  std::vector<InstanceStats> instances;
};

// What the host needs from the collector.
struct PluginHostServices {
  const Clock* clock = &Clock::System();  // for suspensions and plugins' clock service
  metrics::Registry* registry = nullptr;  // null: the host keeps a private registry
};

class PluginHost {
 public:
  // Loads every plugin file and starts every configured instance. An instance of `previous`
  // (a running host being replaced) with the same name, plugin file, options and match is
  // shared, state and statistics included, instead of created anew, when both hosts use the
  // same clock, registry and suspension policy (a host keeping a private registry shares
  // nothing).
  static std::unique_ptr<PluginHost> Start(const PluginHostConfig& config,
                                           PluginHostServices services = {},
                                           const PluginHost* previous = nullptr);
  ~PluginHost();
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  bool has_classifiers() const { return !classifiers_.empty(); }
  bool has_detectors() const { return !detectors_.empty(); }

  // Runs every classifier instance on a record and returns what they added. Each instance sees
  // the severity set by earlier ones. What an instance added in a call that failed is dropped.
  Classification Classify(const otlp::LogRecord& record,
                          const otlp::Attributes& resource_attributes,
                          std::string_view scope_name = {});
  // The same into `out`, which is cleared first and keeps its capacity: the form for a hot
  // loop over many records.
  void Classify(const otlp::LogRecord& record, const otlp::Attributes& resource_attributes,
                std::string_view scope_name, Classification* out);

  // Classifies every record of a request in place (ApplyClassification on each) and returns
  // how many records changed. The convenient form for the receive path.
  size_t ClassifyLogs(otlp::LogsData* logs);

  // Runs every detector instance whose `match` covers the point's metric and fills `out` with
  // one Detection per instance that answered (failing and suspended ones are left out).
  void Detect(const SeriesPoint& point, std::vector<Detection>* out);
  std::vector<Detection> Detect(const SeriesPoint& point);

  // Delivers a notification through the notifier instance named `instance`. Fails only when
  // there is no such running instance; a plugin error or a suspended instance comes back as
  // kRetryLater (with the time left in the suspension), so the caller simply obeys outcomes.
  Result<NotifyOutcome> Notify(std::string_view instance, const Notification& notification);

  // Returns the names of the running notifier instances.
  std::vector<std::string> Notifiers() const;

  // Returns a snapshot of every plugin and instance, for GET /api/v1/plugins.
  std::vector<PluginStats> Stats() const;

  // Returns one line per file or instance that was refused, each naming the file and reason.
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  // An instance that is not running, kept for Stats().
  struct InactiveInstance {
    std::string plugin;
    InstanceStats stats;
  };
  struct RefusedFile {
    std::string path;
    std::string error;
  };

  explicit PluginHost(PluginHostServices services);
  void LoadFiles(const PluginHostConfig& config);
  void LoadFile(const std::string& path);
  void StartInstances(const PluginHostConfig& config, const PluginHost* previous);
  void StartInstance(const InstanceConfig& config, std::vector<std::string>* names,
                     const PluginHost* previous);
  // Returns `previous`'s running instance made from the same configuration, or null. Only a
  // host with the same clock, (caller's) registry and suspension policy can share: an instance
  // keeps those it was made with.
  std::shared_ptr<PluginInstance> Unchanged(const PluginHost* previous,
                                            const InstanceConfig& config,
                                            const PluginLibrary& library) const;
  void Refuse(const InstanceConfig& config, std::string state, std::string error);
  const PluginLibrary* FindLibrary(std::string_view name) const;

  PluginHostServices services_;
  SuspendPolicy suspend_policy_;
  std::string host_version_;
  std::unique_ptr<metrics::Registry> own_registry_;
  std::vector<std::shared_ptr<PluginLibrary>> libraries_;
  std::vector<RefusedFile> refused_files_;
  std::vector<std::shared_ptr<PluginInstance>> instances_;  // running, in configuration order
  std::vector<InstanceConfig> instance_configs_;            // what each was made from
  std::vector<InactiveInstance> inactive_;
  std::vector<PluginInstance*> classifiers_;
  std::vector<PluginInstance*> detectors_;
  std::vector<PluginInstance*> notifiers_;
  std::vector<std::string> problems_;
};

// Renders Stats() as the JSON body of GET /api/v1/plugins:
//   {"plugins": [{"name", "kind", "version", "description", "path", "abi", "thread_safe",
//                 "state", "error", "options": [{"name", "type", "required", "default",
//                 "description"}], "instances": [{"name", "state", "error", "calls", "errors",
//                 "skipped", "suspensions", "time_spent_seconds", "suspended_until",
//                 "consecutive_failures", "match", "options": {...}}]}]}
// suspended_until is an RFC 3339 UTC time or null.
std::string PluginsJson(const std::vector<PluginStats>& stats);

}  // namespace nightjar::plugins
