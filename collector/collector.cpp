// Wiring of the collector's parts; see collector.h.
#include "collector.h"

#include "alerting/alerts_api.h"
#include "base/logging.h"
#include "config/plugin_check.h"
#include "pipeline/plugin_classifier.h"

namespace nightjar::collector {
namespace {

HttpServerOptions ServerOptions(const ListenAddress& listen, int threads, const char* name) {
  HttpServerOptions o;
  o.address = listen.host;
  o.port = listen.port;
  o.threads = threads;
  o.max_queued = 256;
  o.name = name;
  return o;
}

bool SameListener(const ListenAddress& a, const ListenAddress& b) {
  return a.host == b.host && a.port == b.port && a.port != 0;
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

void Collector::StartPlugins() {
  plugins::PluginHostServices services;
  services.registry = &metrics_.registry();
  plugin_host_ = plugins::PluginHost::Start(config_.plugins, services);
  std::vector<plugins::PluginStats> stats = plugin_host_->Stats();
  if (stats.empty()) return;
  // The host logged each refusal; this line says what runs, and where to look.
  int64_t loaded = 0;
  for (const plugins::PluginStats& plugin : stats) loaded += plugin.state == "loaded";
  bool clean = plugin_host_->problems().empty();
  log::Level level = clean ? log::Level::kNotice : log::Level::kWarning;
  if (!log::Enabled(level)) return;
  log::Write(level, "collector",
             clean ? "plugins started"
                   : "plugins started without the refused ones (logged above; see also GET "
                     "/api/v1/plugins)",
             {{"loaded", loaded},
              {"instances_running", static_cast<int64_t>(CountInstances(stats, "running"))},
              {"instances_refused", static_cast<int64_t>(CountInstances(stats, "failed"))},
              {"problems", static_cast<int64_t>(plugin_host_->problems().size())}});
}

Status Collector::StartAlerting() {
  alerting::AlertManagerOptions options;
  options.database_path = config_.alerting.DatabasePath(config_.data_dir);
  options.config = config_.alerting;
  options.registry = &metrics_.registry();
  // A copy of the host, not the member: the dispatcher thread must not race Stop()'s reset.
  options.plugin_host = [host = plugin_host_] { return host; };
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
  if (!config_.rules.dir.empty()) {
    rules_watcher_ =
        std::make_unique<rules::RulesDirWatcher>(config_.rules.dir, [this] { ReloadRules(); });
    rules_watcher_->Start();
  }
}

rules::LoadReport Collector::ReloadRules() {
  rules::LoadReport report = rules_->Reload();
  if (report.ok()) {
    log::Notice("collector", "rules reloaded", {{"dir", config_.rules.dir}});
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
  StartPlugins();
  NJ_RETURN_IF_ERROR(StartAlerting());
  StartRules();

  PipelineOptions pipeline;
  pipeline.queue_max_bytes = config_.pipeline.queue_max_bytes;
  pipeline.max_batch_bytes = config_.pipeline.max_batch_bytes;
  pipeline.retention.logs = config_.retention.logs;
  pipeline.retention.metrics = config_.retention.metrics;
  pipeline.retention.max_bytes = config_.retention.max_size;
  pipeline.retention.interval = config_.retention.interval;
  pipeline_ = std::make_unique<Pipeline>(store_.get(), pipeline, &metrics_);
  // Classifiers first, so that enrichers added by others see classified records.
  if (plugin_host_->has_classifiers()) {
    pipeline_->AddLogEnricher(std::make_shared<PluginClassifier>(plugin_host_, &metrics_));
  }
  for (const auto& enricher : enrichers_) pipeline_->AddLogEnricher(enricher);
  if (plugin_host_->has_detectors()) {
    DetectionOptions detection;
    detection.queue_max_bytes = config_.pipeline.detection_queue_max_bytes;
    detection_ = std::make_shared<DetectionRunner>(plugin_host_, store_->options(), pipeline_.get(),
                                                   detection, &metrics_);
    detection_->AddAnomalyObserver(rules_);
    for (const auto& observer : anomaly_observers_) detection_->AddAnomalyObserver(observer);
    NJ_RETURN_IF_ERROR(detection_->Start());
    pipeline_->AddCommitObserver(detection_);
  }
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
      "Committed metric points waiting for the detector plugins.",
      [this] { return detection_ ? static_cast<double>(detection_->queued_points()) : 0.0; });
  metrics_.registry().GaugeFunction("nightjar_collector_ready",
                                    "1 when the store is open and the writer runs.",
                                    [this] { return Ready() ? 1.0 : 0.0; });

  receiver_ = std::make_unique<OtlpHttpReceiver>(config_.receiver, &ingest_auth_, pipeline_.get(),
                                                 &metrics_);
  QueryApiOptions api;
  api.query_timeout = config_.api.query_timeout;
  api.max_limit = config_.api.max_limit;
  api_ = std::make_unique<QueryApi>(store_.get(), &api_auth_, api, &metrics_, plugin_host_);

  otlp_server_ = std::make_unique<HttpServer>(
      ServerOptions(config_.receiver.listen, config_.receiver.threads, "otlp"));
  receiver_->Register(*otlp_server_);
  RegisterOps(*otlp_server_);
  HttpServer* api_server = otlp_server_.get();
  if (!SameListener(config_.receiver.listen, config_.api.listen)) {
    api_server_ =
        std::make_unique<HttpServer>(ServerOptions(config_.api.listen, config_.api.threads, "api"));
    api_server = api_server_.get();
    RegisterOps(*api_server_);
  }
  api_->Register(*api_server);
  alerting::AlertsApiHooks hooks;
  hooks.authorize = [this](std::string_view authorization) {
    if (api_auth_.Check(authorization)) return true;
    metrics_.unauthorized.With({"api"}).Inc();
    return false;
  };
  hooks.observe = [this](const std::string& handler, int status, double seconds) {
    metrics_.RecordHttp(handler, status, seconds);
  };
  alerting::RegisterAlertRoutes(*api_server, *alerts_, hooks);
  RegisterRulesRoutes(*api_server);
  NJ_RETURN_IF_ERROR(otlp_server_->Start());
  if (api_server_) NJ_RETURN_IF_ERROR(api_server_->Start());
  return Status::Ok();
}

void Collector::Stop() {
  // Order matters: requests in progress wait for their commit, so the writer must outlive the
  // listeners; the store must outlive the writer.
  if (api_server_) api_server_->Stop();
  if (otlp_server_) otlp_server_->Stop();
  // Detection between the two: the last commits queue points for it (observers run after the
  // requests were answered, so wait for the writer to be idle), and the anomalies it finds are
  // written by the pipeline.
  if (detection_) {
    if (pipeline_ && !pipeline_->WaitIdle(std::chrono::seconds(30))) {
      log::Warning("collector", "the writer did not become idle; stopping detection anyway");
    }
    detection_->Stop();
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
  detection_.reset();
  rules_watcher_.reset();
  rules_.reset();
  alerts_.reset();
  store_.reset();
  // Last: the enricher and the detection runner held it; its instances are destroyed here
  // unless someone else still holds it.
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

}  // namespace nightjar::collector
