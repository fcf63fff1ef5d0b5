// Names of alert states and conditions; see alert.h.
#include "alerting/alert.h"

namespace nightjar::collector::alerting {

std::string_view AlertStateName(AlertState state) {
  switch (state) {
    case AlertState::kInactive:
      return "inactive";
    case AlertState::kPending:
      return "pending";
    case AlertState::kFiring:
      return "firing";
    case AlertState::kResolved:
      return "resolved";
  }
  return "inactive";
}

std::optional<AlertState> ParseAlertState(std::string_view name) {
  for (AlertState s :
       {AlertState::kInactive, AlertState::kPending, AlertState::kFiring, AlertState::kResolved}) {
    if (AlertStateName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view ConditionName(AlertSample::Condition condition) {
  switch (condition) {
    case AlertSample::Condition::kActive:
      return "active";
    case AlertSample::Condition::kHold:
      return "hold";
    case AlertSample::Condition::kClear:
      return "clear";
  }
  return "clear";
}

std::optional<AlertSample::Condition> ParseCondition(std::string_view name) {
  for (auto c : {AlertSample::Condition::kActive, AlertSample::Condition::kHold,
                 AlertSample::Condition::kClear}) {
    if (ConditionName(c) == name) return c;
  }
  return std::nullopt;
}

}  // namespace nightjar::collector::alerting
