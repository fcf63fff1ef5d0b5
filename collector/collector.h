// The collector process's parts wired together: plugin host, store, pipeline, detection, OTLP
// receiver, query API, and the operational endpoints (/healthz, /readyz, /metrics), from a
// CollectorConfig.
//
// Start() brings them up in dependency order and Stop() takes them down in reverse: the HTTP
// servers stop accepting and finish the requests in progress (each waits for its commit), then
// the pipeline commits what is queued, then detection finishes the points it was given, then
// the database closes and the plugins are unloaded. main.cpp owns signals and systemd; keeping
// the wiring here lets tests run a whole collector in-process and lets a reload build a new
// configuration's parts beside the old ones.
//
// Plugins (the `plugins:` section): the host starts first; a plugin file or instance it refuses
// is logged and listed in GET /api/v1/plugins, and the collector runs with the rest. Classifier
// instances run on each log record before it is stored (PluginClassifier, a LogEnricher, ahead
// of any added with AddLogEnricher); detector instances run on each committed metric point on a
// thread of their own (DetectionRunner, a CommitObserver), which stores anomalies and then
// tells the AnomalyObservers. Nothing of either is installed when no such instance runs.
//
// Rules and alerting (the `rules:` and `alerting:` sections): the Lua rules engine sees committed
// log batches and stored anomalies and runs periodic rules; what its rules find goes to the
// alert lifecycle (alerts.db), which notifies through notifier plugin instances. Rules reload on
// POST /api/v1/rules/reload and a change in the rules directory.
//
// Reload (SIGHUP, main.cpp): Reload() checks a whole new configuration first (plugin instances
// start, routes name running notifiers, rule files load) and refuses it with nothing changed
// when a check fails. Otherwise it binds the listeners whose address changed, then swaps in the
// new plugin host (the classifier and detection hooks of the pipeline are replaceable for
// this), the tokens, retention, API limits, alerting and rules settings, and only then stops
// the listeners it replaced. Listeners whose address did not change, the store, the pipeline
// and everything queued in it stay as they are. Settings only a restart can change
// (config/restart_only.h) are logged and kept.
//
// Hooks for more observers (all before Start()):
//   AddCommitObserver   OnLogsCommitted(batch, ids) for every committed log batch (on_log),
//                       OnPointsCommitted(points) for committed points (writer thread)
//   AddAnomalyObserver  OnAnomaly(anomaly) for every stored anomaly (on_anomaly; detection
//                       thread)
//   plugin_host()       Notify(instance, notification) through a notifier plugin
//
// Thread-safety: Start()/Stop()/Reload() and the Add* calls from one thread; accessors from any
// thread after Start().
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "alerting/alert_manager.h"
#include "api/query_api.h"
#include "auth/bearer_auth.h"
#include "config/collector_config.h"
#include "config/config_locator.h"
#include "detection/anomaly_observer.h"
#include "detection/detection_runner.h"
#include "pipeline/pipeline.h"
#include "pipeline/replaceable_hooks.h"
#include "plugin_host/plugin_host.h"
#include "receiver/otlp_http_receiver.h"
#include "rules/rules_dir_watcher.h"
#include "rules/rules_engine.h"
#include "runtime/http_server.h"
#include "self_metrics.h"
#include "store/store.h"

namespace nightjar::collector {

class Collector {
 public:
  explicit Collector(CollectorConfig config);
  ~Collector();

  // Adds a log enricher (classifiers) or a commit observer (detectors, rules) to the pipeline.
  // Call before Start(); see pipeline.h for the threads they run on.
  void AddLogEnricher(std::shared_ptr<LogEnricher> enricher);
  void AddCommitObserver(std::shared_ptr<CommitObserver> observer);

  // Adds an observer of stored anomalies (see detection/anomaly_observer.h). Call before
  // Start(); it is called only when a detector instance runs.
  void AddAnomalyObserver(std::shared_ptr<AnomalyObserver> observer);

  // Opens the store, starts the writer thread and the listeners.
  Status Start();

  // Stops accepting, commits what was accepted, closes the database. Idempotent.
  void Stop();

  // Returns true when the store is open and the writer thread runs (what /readyz answers).
  bool Ready() const;

  // The bound ports (useful when the configuration asked for port 0).
  uint16_t otlp_port() const;
  uint16_t api_port() const;

  const CollectorConfig& config() const { return config_; }
  SelfMetrics& metrics() { return metrics_; }
  Pipeline& pipeline() { return *pipeline_; }
  Store& store() { return *store_; }

  // Returns the plugin host (null before Start() and after Stop()): notifiers are reached
  // through it (Notify, Notifiers), and its Stats() are what GET /api/v1/plugins shows. Hold
  // the shared_ptr while calling into it.
  std::shared_ptr<plugins::PluginHost> plugin_host() const;

  // Returns the detection runner, or null when no detector instance runs. A reload may replace
  // it: hold the shared_ptr while calling into it.
  std::shared_ptr<DetectionRunner> detection() const;

  // Returns the alert lifecycle (null before Start() and after Stop()): the rules engine's
  // AlertSink, and what /api/v1/alerts and /api/v1/silences serve.
  alerting::AlertManager* alerts() { return alerts_.get(); }

  // Returns the Lua rules engine (null before Start() and after Stop()).
  rules::RulesEngine* rules() { return rules_.get(); }

  // Reloads the rule files (POST /api/v1/rules/reload, a change in the rules directory): a
  // file with an error is refused with its message, logged, and its previous version keeps
  // running.
  rules::LoadReport ReloadRules();

  // Applies `next` to the running collector (after Start()) as described above; `locator` adds line
  // and column to the problems of plugin instances. Fails, with every change left undone, when
  // `next` is refused or a new listener cannot bind; the message names each problem.
  Status Reload(CollectorConfig next, const ConfigLocator& locator);

 private:
  // What a reload prepares before anything changes: undone by dropping it.
  struct Prepared;
  struct PreparedListener;

  void RegisterOps(HttpServer& server);
  void RegisterApi(HttpServer& server);
  // The listeners of `config`, not yet started; `port` replaces the configured one (a listener
  // that takes over a running one's address keeps the port it was given).
  Result<std::unique_ptr<HttpServer>> MakeOtlpServer(const CollectorConfig& config, uint16_t port);
  Result<std::unique_ptr<HttpServer>> MakeApiServer(const CollectorConfig& config, uint16_t port);
  // Starts a plugin host; on a reload `running` is the current one, whose unchanged instances
  // the new host takes over.
  std::shared_ptr<plugins::PluginHost> StartPlugins(const plugins::PluginHostConfig& config,
                                                    const plugins::PluginHost* running = nullptr);
  Result<std::shared_ptr<DetectionRunner>> StartDetection(
      const std::shared_ptr<plugins::PluginHost>& host);
  void InstallPlugins(std::shared_ptr<plugins::PluginHost> host,
                      std::shared_ptr<DetectionRunner> detection);
  Status StartAlerting();
  void StartRules();
  void WatchRules(const std::string& dir);
  void RegisterRulesRoutes(HttpServer& server);
  Status CheckReloadable(const CollectorConfig& next, const ConfigLocator& locator) const;
  Status PrepareReload(const CollectorConfig& next, Prepared* prepared);
  void ApplySettings(const CollectorConfig& next);
  std::unique_ptr<HttpServer> SwapListener(std::unique_ptr<HttpServer>* running,
                                           PreparedListener* next, std::string* tls_digest);

  CollectorConfig config_;
  SelfMetrics metrics_;
  std::vector<std::shared_ptr<LogEnricher>> enrichers_;
  std::vector<std::shared_ptr<CommitObserver>> observers_;
  std::vector<std::shared_ptr<AnomalyObserver>> anomaly_observers_;
  // Guards plugin_host_ and detection_, which a reload replaces while others read them.
  mutable std::mutex plugins_mutex_;
  std::shared_ptr<plugins::PluginHost> plugin_host_;
  std::shared_ptr<DetectionRunner> detection_;
  // The pipeline's hooks to the classifier and detector instances of the current host.
  std::shared_ptr<ReplaceableEnricher> classifier_hook_;
  std::shared_ptr<ReplaceableCommitObserver> detection_hook_;
  std::unique_ptr<alerting::AlertManager> alerts_;
  std::shared_ptr<rules::RulesEngine> rules_;
  std::unique_ptr<rules::RulesDirWatcher> rules_watcher_;
  BearerAuth ingest_auth_;
  BearerAuth api_auth_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<OtlpHttpReceiver> receiver_;
  std::unique_ptr<QueryApi> api_;
  std::unique_ptr<HttpServer> otlp_server_;
  std::unique_ptr<HttpServer> api_server_;  // null when the API shares the OTLP listener
  // What the listeners' TLS files held when they started (see TlsFilesDigest): a reload after
  // a certificate was renewed in place rebuilds the listener.
  std::string otlp_tls_digest_;
  std::string api_tls_digest_;
};

}  // namespace nightjar::collector
