// The agent's own figures, exposed in Prometheus format on its optional metrics port.
//
// Every family is registered here, in one place, so that the names and help texts an operator
// sees are easy to review; components receive the series they update and keep references, so
// that the hot paths add to an atomic once per chunk or request, never look anything up.
//
// Thread-safety: series are atomics; construct once, then use from any thread.
#pragma once

#include <string>

#include "otlp/model.h"
#include "runtime/metrics.h"

namespace nightjar::agent {

// The series one input updates.
struct InputMetrics {
  metrics::Counter* lines = nullptr;
  metrics::Counter* bytes = nullptr;
  metrics::Counter* records = nullptr;
  metrics::Counter* parse_errors = nullptr;
  metrics::Counter* time_parse_errors = nullptr;
  metrics::Counter* invalid_utf8 = nullptr;
  metrics::Counter* lines_split = nullptr;
  metrics::Counter* lines_truncated = nullptr;
  metrics::Counter* rotations_rename = nullptr;
  metrics::Counter* rotations_delete = nullptr;
  metrics::Counter* rotations_truncate = nullptr;
  metrics::Counter* rotations_copy = nullptr;
  metrics::Counter* unread_bytes_lost = nullptr;
};

// The delivery series of one signal: log records for logs, data points for metrics.
struct DeliveryMetrics {
  metrics::Counter* sent = nullptr;
  metrics::Counter* acked = nullptr;
  metrics::Counter* retried = nullptr;
  metrics::Counter* failed = nullptr;
  metrics::Counter* rejected = nullptr;
};

class AgentMetrics {
 public:
  explicit AgentMetrics(metrics::Registry* registry);

  // Returns the series of the input named `input`.
  InputMetrics ForInput(const std::string& input);

  metrics::Registry& registry() { return *registry_; }

  // File input.
  metrics::Gauge& files_watched;
  metrics::Gauge& files_open;
  metrics::Gauge& unread_bytes;
  metrics::Gauge& inputs_paused;
  metrics::Counter& input_pauses;
  // Queue.
  metrics::Counter& queue_commit_errors;
  // Exporter.
  metrics::Counter& records_sent;
  metrics::Counter& records_acked;
  metrics::Counter& records_retried;
  metrics::Counter& records_failed;
  metrics::Counter& records_rejected;
  metrics::Counter& points_sent;
  metrics::Counter& points_acked;
  metrics::Counter& points_retried;
  metrics::Counter& points_failed;
  metrics::Counter& points_rejected;
  metrics::Gauge& exporter_backoff;
  metrics::Histogram& export_duration;
  // Host metrics.
  metrics::Counter& host_metrics_collections;
  metrics::Counter& host_metrics_points;
  metrics::Counter& host_metrics_points_dropped;

  // Returns the delivery series of `signal` (records_* for logs, points_* for metrics).
  DeliveryMetrics Delivery(otlp::Signal signal);

  // Returns the failure counter of one host metrics scraper.
  metrics::Counter& ScrapeErrors(const std::string& scraper);

  // Returns the request counter for an HTTP status code, or "network" for a failed connection.
  metrics::Counter& Requests(const std::string& code);

 private:
  metrics::Registry* registry_;
};

}  // namespace nightjar::agent
