// The collector's own figures, served at /metrics in the Prometheus text format.
//
// One object holds the registry and a reference to every family, so components update a
// counter with one atomic operation and tests read the same numbers operators scrape.
//
// Thread-safety: everything here may be used from any thread.
#pragma once

#include <string>

#include "runtime/metrics.h"

namespace nightjar::collector {

class SelfMetrics {
  // Declared first: the family references below are initialised from it.
  metrics::Registry registry_;

 public:
  SelfMetrics();
  SelfMetrics(const SelfMetrics&) = delete;
  SelfMetrics& operator=(const SelfMetrics&) = delete;

  metrics::Registry& registry() { return registry_; }

  // Counts one answered HTTP request and its duration.
  void RecordHttp(const std::string& handler, int code, double seconds);

  // Items are log records, metric data points or spans, labelled by signal.
  metrics::Family<metrics::Counter>& received;  // decoded from accepted requests
  metrics::Family<metrics::Counter>& stored;    // committed to the database
  metrics::Family<metrics::Counter>& rejected;  // refused by validation (partial_success)
  // Requests turned away whole, by signal and reason (queue_full, too_large, malformed, ...).
  metrics::Family<metrics::Counter>& refused_requests;
  metrics::Family<metrics::Counter>& http_requests;  // by handler and status code
  metrics::Family<metrics::Histogram>& http_duration;
  metrics::Family<metrics::Counter>& unauthorized;  // 401 answers, by surface
  metrics::Family<metrics::Histogram>& commit_duration;
  metrics::Family<metrics::Counter>& commits;
  metrics::Family<metrics::Counter>& commit_failures;
  metrics::Family<metrics::Counter>& retention_deleted;  // by signal and reason (age, size)
  metrics::Family<metrics::Counter>& query_timeouts;
  // Plugins on the ingest path (pipeline/plugin_classifier.h, detection/detection_runner.h).
  metrics::Family<metrics::Counter>& classified_records;
  metrics::Family<metrics::Counter>& detected_points;
  metrics::Family<metrics::Counter>& detection_dropped;
  metrics::Family<metrics::Counter>& anomalies;  // by detector
};

}  // namespace nightjar::collector
