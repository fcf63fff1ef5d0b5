// The rules engine's metrics; see rules_metrics.h.
#include "rules/rules_metrics.h"

namespace nightjar::collector::rules {
namespace {

// Rule functions take microseconds to a query's hundreds of milliseconds.
std::vector<double> EvaluationBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

}  // namespace

RulesMetrics::RulesMetrics(metrics::Registry* registry)
    : own_(registry == nullptr ? std::make_unique<metrics::Registry>() : nullptr),
      registry_(registry == nullptr ? own_.get() : registry),
      evaluations(registry_->Counter("nightjar_rule_evaluations_total",
                                     "Rule evaluations run (calls of a rule's function, window "
                                     "ticks).",
                                     {"rule", "trigger"})),
      errors(registry_->Counter("nightjar_rule_evaluation_errors_total",
                                "Rule evaluations that failed.", {"rule"})),
      duration(registry_->Histogram("nightjar_rule_evaluation_duration_seconds",
                                    "Time one rule took on one evaluation or log batch.",
                                    {"trigger"}, EvaluationBuckets())),
      matches(registry_->Counter("nightjar_rule_matches_total",
                                 "Log records or anomalies a rule matched.", {"rule"})),
      dropped(registry_->Counter("nightjar_rules_dropped_total",
                                 "Inputs the rules did not evaluate, by reason.", {"reason"})),
      queue_records(registry_->Gauge("nightjar_rules_queue_records",
                                     "Log records waiting for the on_log rules.")),
      loaded(registry_->Gauge("nightjar_rules_loaded", "Rules running.")),
      files_failed(
          registry_->Gauge("nightjar_rule_files_failed", "Rule files whose last load failed.")),
      reloads(registry_->Counter("nightjar_rules_reloads_total",
                                 "Loads of the rules directory, by result.", {"result"})) {}

}  // namespace nightjar::collector::rules
