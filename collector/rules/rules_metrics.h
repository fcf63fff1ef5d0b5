// The rules engine's figures in the collector's metrics registry (/metrics):
//   nightjar_rule_evaluations_total{rule,trigger}     rule function calls and ticks that ran
//   nightjar_rule_evaluation_errors_total{rule}       of those, the ones that failed
//   nightjar_rule_evaluation_duration_seconds{trigger} how long an evaluation took (for on_log:
//                                                     one batch through one rule)
//   nightjar_rule_matches_total{rule}                 records or anomalies a rule matched
//   nightjar_rules_dropped_total{reason}              inputs not evaluated: queue_full (log
//                                                     records, anomalies), label_limit (matches
//                                                     of a label set over max_alerts_per_rule)
//   nightjar_rules_queue_records                      log records waiting for on_log rules
//   nightjar_rules_loaded                             rules running, gauge
//   nightjar_rule_files_failed                        rule files whose last load failed, gauge
//   nightjar_rules_reloads_total{result}              loads of the rules directory: ok, error
//
// Thread-safety: everything here may be used from any thread.
#pragma once

#include <memory>

#include "runtime/metrics.h"

namespace nightjar::collector::rules {

class RulesMetrics {
  // Declared first: the family references below are initialised from them.
  std::unique_ptr<metrics::Registry> own_;
  metrics::Registry* registry_;

 public:
  // Registers the families in `registry` (null: a private registry).
  explicit RulesMetrics(metrics::Registry* registry);
  RulesMetrics(const RulesMetrics&) = delete;
  RulesMetrics& operator=(const RulesMetrics&) = delete;

  metrics::Registry& registry() { return *registry_; }

  metrics::Family<metrics::Counter>& evaluations;
  metrics::Family<metrics::Counter>& errors;
  metrics::Family<metrics::Histogram>& duration;
  metrics::Family<metrics::Counter>& matches;
  metrics::Family<metrics::Counter>& dropped;
  metrics::Family<metrics::Gauge>& queue_records;
  metrics::Family<metrics::Gauge>& loaded;
  metrics::Family<metrics::Gauge>& files_failed;
  metrics::Family<metrics::Counter>& reloads;
};

}  // namespace nightjar::collector::rules
