// Fire and resolve thresholds: what turns a rule's number into active, hold or clear.
//
//   above = 90                      active when value > 90, clear otherwise
//   above = 90, resolve_below = 80  active > 90, clear < 80, hold in between (hysteresis)
//   below = 0.1, resolve_above = 0.2
//
// With hysteresis, a value between the two thresholds is kHold: an alert that is pending or
// firing stays so, one that is not does not start (alerting/rule_evaluation.h).
//
// Thread-safety: plain value.
#pragma once

#include <optional>
#include <string>

#include "alerting/rule_evaluation.h"

namespace nightjar::collector::rules {

struct Thresholds {
  std::optional<double> above{};
  std::optional<double> below{};
  std::optional<double> resolve_below{};  // with `above`
  std::optional<double> resolve_above{};  // with `below`

  bool empty() const { return !above && !below; }

  // Returns "" when the combination makes sense, else what is wrong with it.
  std::string Validate() const;

  // Returns the condition of `value` (NaN is clear).
  alerting::AlertSample::Condition Evaluate(double value) const;
};

}  // namespace nightjar::collector::rules
