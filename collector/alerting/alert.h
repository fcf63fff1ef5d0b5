// One alert as the lifecycle keeps it: identity (rule + labels, named by the fingerprint),
// what the rule last said, its state and timers, the operator's acknowledgement, flap
// tracking, and which receivers heard about its current firing.
//
// Two states are kept. `raw_state` is what the rule's results and timers alone make of the
// alert (Prometheus semantics: `for`, keep_firing_for, hysteresis). `state` is what operators
// and receivers see: the raw state, except that a flapping alert is held firing, and an
// operator's manual resolve. Flap detection counts changes of the raw state, so holding the
// visible state does not hide the flapping it is meant to absorb.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/rule_evaluation.h"

namespace nightjar::collector::alerting {

// kInactive alerts are not kept: a pending alert whose condition lapses becomes inactive and is
// forgotten (its history remains).
enum class AlertState { kInactive, kPending, kFiring, kResolved };

// Returns "inactive", "pending", "firing" or "resolved".
std::string_view AlertStateName(AlertState state);
// Parses those names; nullopt for anything else.
std::optional<AlertState> ParseAlertState(std::string_view name);

// Returns "active", "hold" or "clear", and back.
std::string_view ConditionName(AlertSample::Condition condition);
std::optional<AlertSample::Condition> ParseCondition(std::string_view name);

struct Acknowledgement {
  std::string by;
  int64_t at = 0;  // unix nanoseconds
  std::string comment;
};

struct Alert {
  std::string fingerprint;
  std::string rule;
  Labels labels;  // canonical, includes alertname
  Labels annotations;
  double value = 0;

  AlertState state = AlertState::kInactive;      // visible
  AlertState raw_state = AlertState::kInactive;  // from the rule's results and timers
  AlertSample::Condition last_condition = AlertSample::Condition::kClear;

  int64_t active_since = 0;      // when the raw state became pending: the `for` timer
  int64_t last_active_at = 0;    // last active (or hold) result: the keep_firing_for timer
  int64_t fired_at = 0;          // when the visible state became firing (startsAt)
  int64_t resolved_at = 0;       // when it last resolved (endsAt); 0 while firing
  int64_t state_changed_at = 0;  // last visible change
  int64_t evaluated_at = 0;      // last result of the rule that mentioned it

  bool flapping = false;
  int64_t flapping_since = 0;
  std::vector<int64_t> flap_changes;  // times of raw firing <-> not-firing changes in the window

  std::optional<Acknowledgement> ack;

  // Receivers sent a firing notification for the current firing, with the time of the last
  // one (for repeat_interval). Cleared when the alert stops firing.
  std::map<std::string, int64_t> notified;
};

}  // namespace nightjar::collector::alerting

namespace nightjar::collector::alerting {

// One line of an alert's history: a visible state change, flapping starting or ending, or an
// operator's action.
struct HistoryEntry {
  int64_t id = 0;
  std::string fingerprint;
  std::string rule;
  int64_t time = 0;  // unix nanoseconds
  // "state", "flapping", "stable", "acknowledged", "unacknowledged", "resolved_by_operator"
  std::string event;
  AlertState from = AlertState::kInactive;
  AlertState to = AlertState::kInactive;
  double value = 0;
  std::string actor;   // who, for operators' actions
  std::string reason;  // why, or the operator's comment
};

}  // namespace nightjar::collector::alerting
