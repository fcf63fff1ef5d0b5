// Wiring of the collector's parts; see collector.h.
#include "collector.h"

#include <utility>

#include "alerting/alerts_api.h"
#include "base/logging.h"
#include "config/plugin_check.h"
#include "config/restart_only.h"
#include "pipeline/plugin_classifier.h"
#include "runtime/tls_context.h"

namespace nightjar::collector {
namespace {

Result<HttpServerOptions> ServerOptions(const ListenAddress& listen, uint16_t port, int threads,
                                        const TlsServerSettings& tls, const char* name) {
  HttpServerOptions o;
  o.address = listen.host;
  o.port = port;
  o.threads = threads;
  o.max_queued = 256;
  o.name = name;
  if (tls.enabled()) {
    Result<Poco::Net::Context::Ptr> context = MakeServerContext(tls);
    if (!context.ok()) {
      return InvalidArgument(std::string(name) + " listener: " + context.status().message());
    }
    ServeTls(&o, *context);
  }
  return o;
}

// The TLS files' digest of a listener ("" without TLS).
Result<std::string> ListenerDigest(const TlsServerSettings& tls) {
  if (!tls.enabled()) return std::string();
  return TlsFilesDigest(tls);
}

bool SameAddress(const ListenAddress& a, const ListenAddress& b) {
  return a.host == b.host && a.port == b.port;
}

RetentionOptions Retention(const CollectorConfig& config) {
  RetentionOptions r;
  r.logs = config.retention.logs;
  r.metrics = config.retention.metrics;
  r.max_bytes = config.retention.max_size;
  r.interval = config.retention.interval;
  return r;
}

QueryApiOptions ApiLimits(const CollectorConfig& config) {
  QueryApiOptions o;
  o.query_timeout = config.api.query_timeout;
  o.max_limit = config.api.max_limit;
  return o;
}

}  // namespace

Collector::Collector(CollectorConfig config)
    : config_(std::move(config)),
      ingest_auth_(config_.auth.ingest_tokens),
      api_auth_(config_.auth.api_tokens) {}

Collector::~Collector() { Stop(); }

void Collector::AddLogEnricher(std::shared_ptr<LogEnricher> enricher) {
  enrichers_.push_back(std::move(enricher));
}

void Collector::AddCommitObserver(std::shared_ptr<CommitObserver> observer) {
  observers_.push_back(std::move(observer));
}

void Collector::AddAnomalyObserver(std::shared_ptr<AnomalyObserver> observer) {
  anomaly_observers_.push_back(std::move(observer));
}

std::shared_ptr<plugins::PluginHost> Collector::plugin_host() const {
  std::lock_guard<std::mutex> lock(plugins_mutex_);
  return plugin_host_;
}

std::shared_ptr<DetectionRunner> Collector::detection() const {
  std::lock_guard<std::mutex> lock(plugins_mutex_);
  return detection_;
}

std::shared_ptr<plugins::PluginHost> Collector::StartPlugins(
    const plugins::PluginHostConfig& config, const plugins::PluginHost* running) {
  plugins::PluginHostServices services;
  services.registry = &metrics_.registry();
  std::shared_ptr<plugins::PluginHost> host = plugins::PluginHost::Start(config, services, running);
  std::vector<plugins::PluginStats> stats = host->Stats();
  if (stats.empty()) return host;
  // The host logged each refusal; this line says what runs, and where to look.
  int64_t loaded = 0;
  for (const plugins::PluginStats& plugin : stats) loaded += plugin.state == "loaded";
  bool clean = host->problems().empty();
  log::Level level = clean ? log::Level::kNotice : log::Level::kWarning;
  if (!log::Enabled(level)) return host;
  log::Write(level, "collector",
             clean ? "plugins started"
                   : "plugins started without the refused ones (logged above; see also GET "
                     "/api/v1/plugins)",
             {{"loaded", loaded},
              {"instances_running", static_cast<int64_t>(CountInstances(stats, "running"))},
              {"instances_refused", static_cast<int64_t>(CountInstances(stats, "failed"))},
              {"problems", static_cast<int64_t>(host->problems().size())}});
  return host;
}

// Returns a started runner for the detector instances of `host`, or null when it has none.
Result<std::shared_ptr<DetectionRunner>> Collector::StartDetection(
    const std::shared_ptr<plugins::PluginHost>& host) {
  if (!host->has_detectors()) return std::shared_ptr<DetectionRunner>();
  DetectionOptions options;
  options.queue_max_bytes = config_.pipeline.detection_queue_max_bytes;
  auto detection = std::make_shared<DetectionRunner>(host, store_->options(), pipeline_.get(),
                                                     options, &metrics_);
  detection->AddAnomalyObserver(rules_);
  for (const auto& observer : anomaly_observers_) detection->AddAnomalyObserver(observer);
  NJ_RETURN_IF_ERROR(detection->Start());
  return detection;
}

// Points the pipeline's hooks at `host`'s classifiers and at `detection`, then stops the runner
// they replace once the writer no longer calls it.
void Collector::InstallPlugins(std::shared_ptr<plugins::PluginHost> host,
                               std::shared_ptr<DetectionRunner> detection) {
  classifier_hook_->Replace(
      host->has_classifiers() ? std::make_shared<PluginClassifier>(host, &metrics_) : nullptr);
  detection_hook_->Replace(detection);
  std::shared_ptr<DetectionRunner> previous;
  {
    std::lock_guard<std::mutex> lock(plugins_mutex_);
    previous = std::exchange(detection_, std::move(detection));
    plugin_host_ = std::move(host);
  }
  // Its last points are detected and their anomalies stored through the running pipeline.
  if (previous) previous->Stop();
}

Status Collector::StartAlerting() {
  alerting::AlertManagerOptions options;
  options.database_path = config_.alerting.DatabasePath(config_.data_dir);
  options.config = config_.alerting;
  options.registry = &metrics_.registry();
  // Asked on each delivery, so that a reload's new host is used; Stop() stops the dispatcher
  // before it drops the host.
  options.plugin_host = [this] { return plugin_host(); };
  NJ_ASSIGN_OR_RETURN(alerts_, alerting::AlertManager::Open(std::move(options)));
  return alerts_->Start();
}

// The engine observes commits and anomalies from the start, and reports to the lifecycle.
void Collector::StartRules() {
  rules::RulesEngineOptions options;
  options.config = config_.rules;
  options.store = store_.get();
  options.registry = &metrics_.registry();
  options.sink = alerts_.get();
  rules_ = std::make_shared<rules::RulesEngine>(std::move(options));
  rules::LoadReport report = rules_->Load();
  if (!report.ok()) {
    log::Error("collector", "some rule files were refused (see GET /api/v1/rules)",
               {{"errors", report.Errors()}});
  }
  rules_->Start();
  WatchRules(config_.rules.dir);
}

// Watches `dir` (none when empty) instead of the directory watched so far.
void Collector::WatchRules(const std::string& dir) {
  if (rules_watcher_) rules_watcher_->Stop();
  rules_watcher_.reset();
  if (dir.empty()) return;
  rules_watcher_ = std::make_unique<rules::RulesDirWatcher>(dir, [this] { ReloadRules(); });
  rules_watcher_->Start();
}

rules::LoadReport Collector::ReloadRules() {
  rules::LoadReport report = rules_->Reload();
  if (report.ok()) {
    log::Notice("collector", "rules reloaded", {{"dir", rules_->Config().dir}});
  } else {
    log::Error("collector", "rule files refused on reload; their previous versions keep running",
               {{"errors", report.Errors()}});
  }
  return report;
}

void Collector::RegisterRulesRoutes(HttpServer& server) {
  auto authorized = [this](HttpServer::Request& req, HttpServer::Response& res) {
    if (api_auth_.Check(req.get("Authorization", ""))) return true;
    metrics_.unauthorized.With({"api"}).Inc();
    HttpServer::Send(
        res, 401, "application/json",
        R"({"error":"a valid API bearer token is required","code":"unauthenticated"})");
    return false;
  };
  server.Route("GET", "/api/v1/rules",
               [this, authorized](HttpServer::Request& req, HttpServer::Response& res) {
                 if (!authorized(req, res)) return metrics_.RecordHttp("api_rules", 401, 0);
                 HttpServer::Send(res, 200, "application/json",
                                  rules::RulesSnapshotJson(rules_->Snapshot()));
                 metrics_.RecordHttp("api_rules", 200, 0);
               });
  // 200 when every file loaded, 422 when some were refused (the snapshot names them and says
  // their previous versions run).
  server.Route("POST", "/api/v1/rules/reload",
               [this, authorized](HttpServer::Request& req, HttpServer::Response& res) {
                 if (!authorized(req, res)) return metrics_.RecordHttp("api_rules_reload", 401, 0);
                 int status = ReloadRules().ok() ? 200 : 422;
                 HttpServer::Send(res, status, "application/json",
                                  rules::RulesSnapshotJson(rules_->Snapshot()));
                 metrics_.RecordHttp("api_rules_reload", status, 0);
               });
}

Status Collector::Start() {
  StoreOptions store;
  store.path = config_.DatabasePath();
  store.synchronous = config_.store.synchronous == "full" ? "FULL" : "NORMAL";
  store.writer_cache_mib = static_cast<int64_t>(config_.store.cache_size >> 20);
  store.readers = config_.store.readers;
  auto opened = Store::Open(store);
  if (!opened.ok()) return opened.status();
  store_ = std::move(opened).value();
  std::shared_ptr<plugins::PluginHost> host = StartPlugins(config_.plugins);
  {
    std::lock_guard<std::mutex> lock(plugins_mutex_);
    plugin_host_ = host;
  }
  NJ_RETURN_IF_ERROR(StartAlerting());
  StartRules();

  PipelineOptions pipeline;
  pipeline.queue_max_bytes = config_.pipeline.queue_max_bytes;
  pipeline.max_batch_bytes = config_.pipeline.max_batch_bytes;
  pipeline.retention = Retention(config_);
  pipeline_ = std::make_unique<Pipeline>(store_.get(), pipeline, &metrics_);
  // Classifiers first, so that enrichers added by others see classified records. The hooks are
  // installed even without such instances: a reload may bring some.
  classifier_hook_ = std::make_shared<ReplaceableEnricher>();
  detection_hook_ = std::make_shared<ReplaceableCommitObserver>();
  pipeline_->AddLogEnricher(classifier_hook_);
  for (const auto& enricher : enrichers_) pipeline_->AddLogEnricher(enricher);
  NJ_ASSIGN_OR_RETURN(std::shared_ptr<DetectionRunner> runner, StartDetection(host));
  InstallPlugins(host, std::move(runner));
  pipeline_->AddCommitObserver(detection_hook_);
  pipeline_->AddCommitObserver(rules_);
  for (const auto& observer : observers_) pipeline_->AddCommitObserver(observer);
  pipeline_->Start();

  metrics_.registry().GaugeFunction(
      "nightjar_collector_queue_bytes", "Bytes of requests queued or being written.",
      [this] { return pipeline_ ? static_cast<double>(pipeline_->queue().bytes()) : 0.0; });
  metrics_.registry().GaugeFunction(
      "nightjar_collector_queue_limit_bytes", "The ingest queue's limit.",
      [this] { return pipeline_ ? static_cast<double>(pipeline_->queue().max_bytes()) : 0.0; });
  metrics_.registry().GaugeFunction(
      "nightjar_collector_database_bytes", "Size of the database file and its write-ahead log.",
      [this] { return store_ ? static_cast<double>(store_->FileBytes()) : 0.0; });
  metrics_.registry().GaugeFunction(
      "nightjar_collector_detection_queue_points",
      "Committed metric points waiting for the detector plugins.", [this] {
        std::shared_ptr<DetectionRunner> current = detection();
        return current ? static_cast<double>(current->queued_points()) : 0.0;
      });
  metrics_.registry().GaugeFunction("nightjar_collector_ready",
                                    "1 when the store is open and the writer runs.",
                                    [this] { return Ready() ? 1.0 : 0.0; });

  receiver_ = std::make_unique<OtlpHttpReceiver>(config_.receiver, &ingest_auth_, pipeline_.get(),
                                                 &metrics_);
  api_ = std::make_unique<QueryApi>(store_.get(), &api_auth_, ApiLimits(config_), &metrics_,
                                    [this] { return plugin_host(); });
  NJ_ASSIGN_OR_RETURN(otlp_tls_digest_, ListenerDigest(config_.receiver.tls));
  NJ_ASSIGN_OR_RETURN(otlp_server_, MakeOtlpServer(config_, config_.receiver.listen.port));
  if (!SharesListener(config_)) {
    NJ_ASSIGN_OR_RETURN(api_tls_digest_, ListenerDigest(config_.api.tls));
    NJ_ASSIGN_OR_RETURN(api_server_, MakeApiServer(config_, config_.api.listen.port));
  }
  NJ_RETURN_IF_ERROR(otlp_server_->Start());
  if (api_server_) NJ_RETURN_IF_ERROR(api_server_->Start());
  return Status::Ok();
}

// The OTLP listener: the receiver and the operational endpoints, and the API when it shares
// the listener.
Result<std::unique_ptr<HttpServer>> Collector::MakeOtlpServer(const CollectorConfig& config,
                                                              uint16_t port) {
  NJ_ASSIGN_OR_RETURN(HttpServerOptions options,
                      ServerOptions(config.receiver.listen, port, config.receiver.threads,
                                    config.receiver.tls, "otlp"));
  auto server = std::make_unique<HttpServer>(std::move(options));
  receiver_->Register(*server);
  RegisterOps(*server);
  if (SharesListener(config)) RegisterApi(*server);
  return server;
}

Result<std::unique_ptr<HttpServer>> Collector::MakeApiServer(const CollectorConfig& config,
                                                             uint16_t port) {
  NJ_ASSIGN_OR_RETURN(
      HttpServerOptions options,
      ServerOptions(config.api.listen, port, config.api.threads, config.api.tls, "api"));
  auto server = std::make_unique<HttpServer>(std::move(options));
  RegisterOps(*server);
  RegisterApi(*server);
  return server;
}

void Collector::RegisterApi(HttpServer& server) {
  api_->Register(server);
  alerting::AlertsApiHooks hooks;
  hooks.authorize = [this](std::string_view authorization) {
    if (api_auth_.Check(authorization)) return true;
    metrics_.unauthorized.With({"api"}).Inc();
    return false;
  };
  hooks.observe = [this](const std::string& handler, int status, double seconds) {
    metrics_.RecordHttp(handler, status, seconds);
  };
  alerting::RegisterAlertRoutes(server, *alerts_, hooks);
  RegisterRulesRoutes(server);
}

void Collector::Stop() {
  // Order matters: requests in progress wait for their commit, so the writer must outlive the
  // listeners; the store must outlive the writer.
  if (api_server_) api_server_->Stop();
  if (otlp_server_) otlp_server_->Stop();
  // Detection between the two: the last commits queue points for it (observers run after the
  // requests were answered, so wait for the writer to be idle), and the anomalies it finds are
  // written by the pipeline.
  std::shared_ptr<DetectionRunner> runner = detection();
  if (runner) {
    if (pipeline_ && !pipeline_->WaitIdle(std::chrono::seconds(30))) {
      log::Warning("collector", "the writer did not become idle; stopping detection anyway");
    }
    runner->Stop();
  }
  if (pipeline_) pipeline_->Stop();
  // The rules after the last commits and anomalies were handed to them; then the lifecycle,
  // which writes deferred changes and finishes the delivery in progress.
  if (rules_watcher_) rules_watcher_->Stop();
  if (rules_) {
    rules_->WaitIdle(std::chrono::seconds(10));
    rules_->Stop();
  }
  if (alerts_) alerts_->Stop();
  api_server_.reset();
  otlp_server_.reset();
  api_.reset();
  receiver_.reset();
  pipeline_.reset();
  classifier_hook_.reset();
  detection_hook_.reset();
  rules_watcher_.reset();
  rules_.reset();
  alerts_.reset();
  store_.reset();
  // Last: the enricher and the detection runner held it; its instances are destroyed here
  // unless someone else still holds it.
  std::lock_guard<std::mutex> lock(plugins_mutex_);
  detection_.reset();
  plugin_host_.reset();
}

bool Collector::Ready() const { return store_ != nullptr && pipeline_ && pipeline_->running(); }

uint16_t Collector::otlp_port() const { return otlp_server_ ? otlp_server_->port() : 0; }

uint16_t Collector::api_port() const { return api_server_ ? api_server_->port() : otlp_port(); }

void Collector::RegisterOps(HttpServer& server) {
  server.Route("GET", "/healthz", [this](HttpServer::Request&, HttpServer::Response& res) {
    HttpServer::Send(res, 200, "text/plain; charset=utf-8", "ok\n");
    metrics_.RecordHttp("healthz", 200, 0);
  });
  server.Route("GET", "/readyz", [this](HttpServer::Request&, HttpServer::Response& res) {
    bool ready = Ready();
    HttpServer::Send(res, ready ? 200 : 503, "text/plain; charset=utf-8",
                     ready ? "ready\n" : "not ready: the store or its writer is not running\n");
    metrics_.RecordHttp("readyz", ready ? 200 : 503, 0);
  });
  server.Route("GET", "/metrics", [this](HttpServer::Request&, HttpServer::Response& res) {
    metrics_.RecordHttp("metrics", 200, 0);
    HttpServer::Send(res, 200, metrics::kContentType, metrics_.registry().Render());
  });
}

// A listener a reload replaces. One on a new address is started beside the running one; one
// on the same address (its TLS settings or files changed: a listening socket's TLS context
// cannot be swapped) can only bind once the running one has closed.
struct Collector::PreparedListener {
  std::unique_ptr<HttpServer> server;  // null: the running listener stays
  bool same_address = false;           // not started yet: takes over the running one's port
  std::string tls_digest;
};

// A new configuration's parts that can fail to start, started beside the running ones. Whatever
// was not taken over is stopped when it goes out of scope, so a failed reload leaves nothing.
struct Collector::Prepared {
  std::shared_ptr<plugins::PluginHost> host;
  std::shared_ptr<DetectionRunner> detection;
  PreparedListener otlp;
  PreparedListener api;

  ~Prepared() {
    if (api.server) api.server->Stop();
    if (otlp.server) otlp.server->Stop();
    if (detection) detection->Stop();
  }
};

// Refuses `next` when a start with it would not run as configured: a configured plugin instance
// refused (as --check-config says), a route to a receiver that is no notifier instance, a rule
// file that does not load.
Status Collector::CheckReloadable(const CollectorConfig& next, const ConfigLocator& locator) const {
  std::vector<std::string> problems;
  PluginCheck plugins = CheckPlugins(next.plugins, locator);
  if (plugins.instances_refused > 0) {
    problems.insert(problems.end(), plugins.problems.begin(), plugins.problems.end());
  }
  for (const std::string& problem : alerting::UnknownReceivers(next.alerting, next.plugins)) {
    problems.push_back(problem);
  }
  // Loaded by an engine of its own, so that the running rules stay untouched if one fails.
  rules::RulesEngineOptions options;
  options.config = next.rules;
  rules::RulesEngine engine(options);
  rules::LoadReport report = engine.Load();
  if (!report.ok()) problems.push_back(report.Errors());
  if (problems.empty()) return Status::Ok();
  std::string message;
  for (const std::string& problem : problems) {
    message += (message.empty() ? "" : "; ") + problem;
  }
  return InvalidArgument(message);
}

// Starts the new plugin host (and its detection runner) and binds the listeners whose address
// changed. Nothing running changes yet.
Status Collector::PrepareReload(const CollectorConfig& next, Prepared* prepared) {
  prepared->host = StartPlugins(next.plugins, plugin_host().get());
  NJ_ASSIGN_OR_RETURN(prepared->detection, StartDetection(prepared->host));
  NJ_ASSIGN_OR_RETURN(prepared->otlp.tls_digest, ListenerDigest(next.receiver.tls));
  bool same = SameAddress(config_.receiver.listen, next.receiver.listen);
  if (!same || config_.receiver.tls != next.receiver.tls ||
      otlp_tls_digest_ != prepared->otlp.tls_digest) {
    NJ_ASSIGN_OR_RETURN(prepared->otlp.server,
                        MakeOtlpServer(next, same ? otlp_port() : next.receiver.listen.port));
    prepared->otlp.same_address = same;
    if (!same) NJ_RETURN_IF_ERROR(prepared->otlp.server->Start());
  }
  if (!api_server_) return Status::Ok();
  NJ_ASSIGN_OR_RETURN(prepared->api.tls_digest, ListenerDigest(next.api.tls));
  same = SameAddress(config_.api.listen, next.api.listen);
  if (!same || config_.api.tls != next.api.tls || api_tls_digest_ != prepared->api.tls_digest) {
    NJ_ASSIGN_OR_RETURN(prepared->api.server,
                        MakeApiServer(next, same ? api_port() : next.api.listen.port));
    prepared->api.same_address = same;
    if (!same) NJ_RETURN_IF_ERROR(prepared->api.server->Start());
  }
  return Status::Ok();
}

// Puts a prepared listener in place of the running one and returns the running one, to be
// stopped once the new configuration is in place. A listener on the same address binds only
// after the running one has closed: for those milliseconds connections are refused, and
// clients retry (an OTLP exporter does).
std::unique_ptr<HttpServer> Collector::SwapListener(std::unique_ptr<HttpServer>* running,
                                                    PreparedListener* next,
                                                    std::string* tls_digest) {
  if (next->same_address) {
    (*running)->Stop();
    Status started = next->server->Start();
    if (!started.ok()) {
      // Something else took the port in between: the previous listener comes back if it can.
      log::Error("collector", "cannot listen with the new settings; keeping the previous ones",
                 {{"error", started.message()}});
      Status restarted = (*running)->Start();
      if (!restarted.ok()) {
        log::Error("collector", "the previous listener cannot listen again either",
                   {{"error", restarted.message()}});
      }
      return nullptr;
    }
  }
  *tls_digest = next->tls_digest;
  return std::exchange(*running, std::move(next->server));
}

// Applies the settings that take no preparation; they cannot fail.
void Collector::ApplySettings(const CollectorConfig& next) {
  ingest_auth_.Replace(next.auth.ingest_tokens);
  api_auth_.Replace(next.auth.api_tokens);
  pipeline_->SetRetention(Retention(next));
  api_->SetOptions(ApiLimits(next));
  // After the plugin host: the routes may name notifier instances it just started.
  alerts_->SetConfig(next.alerting);
  rules::LoadReport report = rules_->Reconfigure(next.rules);
  if (!report.ok()) {
    // The files changed since they were checked; as on any load, their previous versions run.
    log::Error("collector", "rule files refused on reload; their previous versions keep running",
               {{"errors", report.Errors()}});
  }
  if (next.rules.dir != config_.rules.dir) WatchRules(next.rules.dir);
}

Status Collector::Reload(CollectorConfig next, const ConfigLocator& locator) {
  if (!pipeline_) return FailedPrecondition("the collector is not running");
  std::vector<RestartOnlyChange> kept = KeepRestartOnly(config_, &next);
  NJ_RETURN_IF_ERROR(CheckReloadable(next, locator));
  Prepared prepared;
  NJ_RETURN_IF_ERROR(PrepareReload(next, &prepared));
  for (const RestartOnlyChange& change : kept) {
    log::Warning("collector", change.key + " changed: needs a restart; keeping " + change.running,
                 {{"key", change.key}, {"running", change.running}, {"wanted", change.wanted}});
  }
  InstallPlugins(std::move(prepared.host), std::move(prepared.detection));
  prepared.detection.reset();
  ApplySettings(next);
  // The new listeners already accept; the replaced ones finish the requests they were serving.
  std::unique_ptr<HttpServer> retired_otlp;
  std::unique_ptr<HttpServer> retired_api;
  if (prepared.otlp.server) {
    retired_otlp = SwapListener(&otlp_server_, &prepared.otlp, &otlp_tls_digest_);
  }
  if (prepared.api.server) {
    retired_api = SwapListener(&api_server_, &prepared.api, &api_tls_digest_);
  }
  config_ = std::move(next);
  if (retired_otlp) retired_otlp->Stop();
  if (retired_api) retired_api->Stop();
  log::Notice("collector", "configuration reloaded",
              {{"otlp_port", static_cast<int64_t>(otlp_port())},
               {"api_port", static_cast<int64_t>(api_port())},
               {"kept_for_restart", static_cast<int64_t>(kept.size())}});
  return Status::Ok();
}

}  // namespace nightjar::collector
