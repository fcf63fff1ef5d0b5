// The `rules:` section of the collector's configuration: where the Lua rule files are and the
// limits every rule runs under.
//
//   rules:
//     dir: /etc/nightjar/rules        # every *.lua file in it is loaded (sorted); "" = no rules
//     evaluation_interval: 10s        # window expiry ticks; also the default of `every`
//     max_memory: 16MiB               # per rule file (each file has a Lua state of its own)
//     instruction_budget: 10000000    # Lua VM instructions per call of a rule function
//     queue_max_records: 100000       # log records waiting for on_log rules; beyond: dropped
//     max_alerts_per_rule: 1000       # label sets one rule may track; beyond: dropped
//     query_timeout: 5s               # each query of an `every` rule
//
// Thread-safety: plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "runtime/config.h"
#include "runtime/units.h"

namespace nightjar::collector::rules {

struct RulesConfig {
  std::string dir;  // empty: the engine runs without rules
  Duration evaluation_interval = std::chrono::seconds(10);
  uint64_t max_memory = 16 << 20;
  int64_t instruction_budget = 10'000'000;
  size_t queue_max_records = 100'000;
  size_t max_alerts_per_rule = 1000;
  Duration query_timeout = std::chrono::seconds(5);
};

// Reads the `rules:` mapping (a null node gives the defaults). Errors are recorded in the
// document (`node.status()`), with file:line:column, like every other section's.
RulesConfig ParseRulesConfig(ConfigNode node);

}  // namespace nightjar::collector::rules
