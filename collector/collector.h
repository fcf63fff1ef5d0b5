// The collector process's parts wired together: store, pipeline, OTLP receiver, query API,
// and the operational endpoints (/healthz, /readyz, /metrics), from a CollectorConfig.
//
// Start() brings them up in dependency order and Stop() takes them down in reverse: the HTTP
// servers stop accepting and finish the requests in progress (each waits for its commit), then
// the pipeline commits what is queued, then the database closes. main.cpp owns signals and
// systemd; keeping the wiring here lets tests run a whole collector in-process and lets a
// reload build a new configuration's parts beside the old ones.
//
// Thread-safety: Start()/Stop() from one thread; accessors from any thread after Start().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/query_api.h"
#include "auth/bearer_auth.h"
#include "config/collector_config.h"
#include "pipeline/pipeline.h"
#include "receiver/otlp_http_receiver.h"
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

 private:
  void RegisterOps(HttpServer& server);

  CollectorConfig config_;
  SelfMetrics metrics_;
  std::vector<std::shared_ptr<LogEnricher>> enrichers_;
  std::vector<std::shared_ptr<CommitObserver>> observers_;
  BearerAuth ingest_auth_;
  BearerAuth api_auth_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<OtlpHttpReceiver> receiver_;
  std::unique_ptr<QueryApi> api_;
  std::unique_ptr<HttpServer> otlp_server_;
  std::unique_ptr<HttpServer> api_server_;  // null when the API shares the OTLP listener
};

}  // namespace nightjar::collector
