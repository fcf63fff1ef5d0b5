// `nightjar-collector test-rules FILE...`: runs rule test files (rule_test_file.h) against the
// real engine and the real alert lifecycle, and says what differs.
//
// Each test case gets a store and an alerts database in a temporary directory of its own, a
// FakeClock, the real Pipeline (so `every` rules query what was really stored, and on_log
// rules see committed batches as in the collector), the RulesEngine and an
// alerting::AlertManager (so `for`, keep_firing_for and hysteresis behave exactly as in
// production). Time advances in steps of the evaluation interval, and to every time an input
// or an expectation names; at each step the inputs of that time are committed, the engine
// evaluates, the lifecycle ticks, and the expectations of that time are compared with the
// pending and firing alerts.
//
// Thread-safety: each call is independent.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "rules/rules_config.h"

namespace nightjar::collector::rules {

struct RuleTestSummary {
  int passed = 0;
  int failed = 0;
  bool ok() const { return failed == 0; }
};

// Runs every test of the test file at `path`, writing one line per test and the differences of
// failed ones to `out`. A file that cannot be read or whose rules do not load counts as one
// failed test. `limits` supplies max_memory and instruction_budget.
RuleTestSummary RunRuleTestFile(const std::string& path, const RulesConfig& limits,
                                std::ostream& out);

// The command: runs every file; returns the process exit status (0 = all passed, 1 = a test
// failed, 2 = bad usage).
int TestRulesMain(const std::vector<std::string>& files, std::ostream& out);

}  // namespace nightjar::collector::rules
