// What the rules engine (collector/rules) tells the alert lifecycle (collector/alerting): the
// alerts each rule says are active now. The engine knows Lua and the data; the lifecycle knows
// time (`for`, keep_firing_for, flapping), persistence, acknowledgements, silences and
// notifications. This header is the whole contract between them.
//
//   engine ──RuleEvaluation──► AlertSink::Apply ──► pending / firing / resolved (+ history)
//   engine ──SetRules(specs)─► AlertSink (after each load or reload of the rules directory)
//
// Thread-safety: plain values; AlertSink implementations say their own.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nightjar::collector::alerting {

using Labels = std::vector<std::pair<std::string, std::string>>;  // sorted by key, unique keys

// The parts of a rule that the lifecycle needs. Identity is `name`; labels of every alert of the
// rule include `alertname` = name and the rule's static labels.
struct RuleSpec {
  std::string name;
  std::string file;  // where it was loaded from, for messages and GET /api/v1/alerts
  std::chrono::nanoseconds for_duration{0};     // active this long before firing
  std::chrono::nanoseconds keep_firing_for{0};  // keep firing this long after clearing
  std::string trigger;                          // "on_log", "on_anomaly" or "every"
};

// One alert a rule reports at an evaluation.
struct AlertSample {
  // Identity together with the rule: sorted by key, includes alertname and the rule's labels.
  Labels labels;
  // Rendered annotations (summary, description, ...): they may change between evaluations
  // without changing the alert's identity.
  Labels annotations;
  double value = 0;  // the value the condition looked at, for templates and the API

  // Hysteresis: a rule with a separate resolve condition reports kHold while the value is
  // between the two thresholds; an alert that is pending or firing stays as it is on kHold,
  // and an alert that is not active does not start.
  enum class Condition { kActive, kHold, kClear };
  Condition condition = Condition::kActive;
};

// The outcome of evaluating one rule at `time_unix_nano` (the evaluation's clock time).
struct RuleEvaluation {
  std::string rule;  // RuleSpec::name
  int64_t time_unix_nano = 0;
  std::vector<AlertSample> samples;
  // True when `samples` is the rule's complete set of alerts now (periodic evaluations and the
  // engine's window expiry ticks): an alert of this rule absent from `samples` is clear. False
  // for event-driven updates (one log record, one anomaly): only the given alerts change.
  bool complete = true;
  // Set when the rule's code failed at this evaluation: the lifecycle leaves the rule's alerts
  // as they are (an error must not resolve anything) and `samples` is empty.
  std::string error;
};

// Receives evaluations. Implemented by alerting::AlertManager; tests implement it to capture.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  // Replaces the set of known rules (after a load or a reload). Alerts of rules no longer
  // present resolve; alerts of rules still present keep their state and timers.
  virtual void SetRules(const std::vector<RuleSpec>& rules) = 0;
  virtual void Apply(const RuleEvaluation& evaluation) = 0;
};

}  // namespace nightjar::collector::alerting
