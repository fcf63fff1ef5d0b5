// Thresholds with hysteresis; see threshold.h.
#include "rules/threshold.h"

#include <cmath>

#include "rules/lua_convert.h"

namespace nightjar::collector::rules {

using Condition = alerting::AlertSample::Condition;

std::string Thresholds::Validate() const {
  if (above && below) return "give either `above` or `below`, not both";
  if (resolve_below && !above) return "`resolve_below` needs `above`";
  if (resolve_above && !below) return "`resolve_above` needs `below`";
  if (above && resolve_below && *resolve_below > *above) {
    return "`resolve_below` (" + FormatNumber(*resolve_below) + ") must not be above `above` (" +
           FormatNumber(*above) + ")";
  }
  if (below && resolve_above && *resolve_above < *below) {
    return "`resolve_above` (" + FormatNumber(*resolve_above) + ") must not be below `below` (" +
           FormatNumber(*below) + ")";
  }
  return "";
}

Condition Thresholds::Evaluate(double value) const {
  if (std::isnan(value)) return Condition::kClear;
  if (above) {
    if (value > *above) return Condition::kActive;
    if (resolve_below && value >= *resolve_below) return Condition::kHold;
    return Condition::kClear;
  }
  if (below) {
    if (value < *below) return Condition::kActive;
    if (resolve_above && value <= *resolve_above) return Condition::kHold;
    return Condition::kClear;
  }
  return value != 0 ? Condition::kActive : Condition::kClear;
}

}  // namespace nightjar::collector::rules
