// One rule as a rule file declares it with rule{ ... }: identity, labels, annotation templates,
// timing, trigger and thresholds (see docs/rules.md for the fields).
//
// Thread-safety: plain value; the function reference belongs to the file's Lua state.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "alerting/rule_evaluation.h"
#include "rules/annotation_template.h"
#include "rules/threshold.h"
#include "runtime/units.h"

namespace nightjar::collector::rules {

enum class Trigger { kLog, kAnomaly, kEvery };

// Returns "on_log", "on_anomaly" or "every" (RuleSpec::trigger).
const char* TriggerName(Trigger trigger);

struct RuleDefinition {
  std::string name;
  std::string file;  // the file's name in the rules directory
  int line = 0;      // where rule{ ... } is
  Trigger trigger = Trigger::kLog;
  alerting::Labels labels;  // the static labels, sorted; alertname is added to every alert
  std::vector<std::pair<std::string, AnnotationTemplate>> annotations;
  Duration for_duration{0};
  Duration keep_firing_for{0};
  Duration every{0};  // kEvery: how often evaluate runs
  // kLog and kAnomaly: how long a match keeps counting for its label set.
  Duration window = std::chrono::minutes(5);
  Thresholds thresholds;
  int function_ref = -2;  // LUA_NOREF until set: on_log, on_anomaly or evaluate
  int function_line = 0;  // where that function is defined, for messages
};

}  // namespace nightjar::collector::rules
