// The alert lifecycle's figures in the collector's metrics registry (/metrics):
//   nightjar_alerts{state}                          alerts by visible state (pending, firing,
//                                                   resolved), gauge
//   nightjar_alerts_flapping                        alerts currently flapping, gauge
//   nightjar_alerts_silenced                        firing alerts muted by a silence, gauge
//   nightjar_alert_transitions_total{from,to}       visible state changes
//   nightjar_alert_evaluation_errors_total{rule}    evaluations that failed (left untouched)
//   nightjar_alert_notifications_total{receiver,outcome}
//                                                   attempts by outcome: delivered,
//                                                   retry_later, failed, superseded
//   nightjar_alert_notifications_pending            notifications waiting for delivery, gauge
//   nightjar_alert_store_errors_total               failed writes to the alerts database
//
// Thread-safety: everything here may be used from any thread.
#pragma once

#include <memory>

#include "runtime/metrics.h"

namespace nightjar::collector::alerting {

class AlertingMetrics {
  // Declared first: the family references below are initialised from them.
  std::unique_ptr<metrics::Registry> own_;
  metrics::Registry* registry_;

 public:
  // Registers the families in `registry` (null: a private registry).
  explicit AlertingMetrics(metrics::Registry* registry);
  AlertingMetrics(const AlertingMetrics&) = delete;
  AlertingMetrics& operator=(const AlertingMetrics&) = delete;

  metrics::Registry& registry() { return *registry_; }

  metrics::Family<metrics::Gauge>& alerts;
  metrics::Family<metrics::Gauge>& flapping;
  metrics::Family<metrics::Gauge>& silenced;
  metrics::Family<metrics::Counter>& transitions;
  metrics::Family<metrics::Counter>& evaluation_errors;
  metrics::Family<metrics::Counter>& notifications;
  metrics::Family<metrics::Gauge>& notifications_pending;
  metrics::Family<metrics::Counter>& store_errors;
};

}  // namespace nightjar::collector::alerting
