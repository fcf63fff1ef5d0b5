// The lifecycle's metrics; see alerting_metrics.h.
#include "alerting/alerting_metrics.h"

namespace nightjar::collector::alerting {

AlertingMetrics::AlertingMetrics(metrics::Registry* registry)
    : own_(registry == nullptr ? std::make_unique<metrics::Registry>() : nullptr),
      registry_(registry == nullptr ? own_.get() : registry),
      alerts(registry_->Gauge("nightjar_alerts", "Alerts by visible state.", {"state"})),
      flapping(registry_->Gauge("nightjar_alerts_flapping",
                                "Alerts held firing because they change state too often.")),
      silenced(registry_->Gauge("nightjar_alerts_silenced",
                                "Firing alerts muted by an active silence.")),
      transitions(registry_->Counter("nightjar_alert_transitions_total",
                                     "Visible alert state changes.", {"from", "to"})),
      evaluation_errors(registry_->Counter(
          "nightjar_alert_evaluation_errors_total",
          "Rule evaluations that failed; their alerts were left as they were.", {"rule"})),
      notifications(registry_->Counter("nightjar_alert_notifications_total",
                                       "Notification attempts and their outcome by receiver.",
                                       {"receiver", "outcome"})),
      notifications_pending(registry_->Gauge("nightjar_alert_notifications_pending",
                                             "Notifications waiting to be delivered.")),
      store_errors(registry_->Counter("nightjar_alert_store_errors_total",
                                      "Failed writes to the alerts database.")) {}

}  // namespace nightjar::collector::alerting
