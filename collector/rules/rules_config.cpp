// Reading the `rules:` section; see rules_config.h.
#include "rules/rules_config.h"

namespace nightjar::collector::rules {

RulesConfig ParseRulesConfig(ConfigNode node) {
  RulesConfig c;
  if (node.IsNull()) return c;
  node.AllowKeys({"dir", "evaluation_interval", "max_memory", "instruction_budget",
                  "queue_max_records", "max_alerts_per_rule", "query_timeout"});
  c.dir = node.String("dir", c.dir);
  c.evaluation_interval = node.Dur("evaluation_interval", c.evaluation_interval);
  if (c.evaluation_interval < std::chrono::milliseconds(100)) {
    node.Error("evaluation_interval", "must be at least 100ms");
  }
  c.max_memory = node.Bytes("max_memory", c.max_memory);
  // Below this the prelude alone does not fit; above it one file could take the machine.
  if (c.max_memory < (1u << 20) || c.max_memory > (uint64_t{4} << 30)) {
    node.Error("max_memory", "must be between 1MiB and 4GiB");
  }
  c.instruction_budget = node.Int("instruction_budget", c.instruction_budget, 1000, INT32_MAX);
  c.queue_max_records = static_cast<size_t>(
      node.Int("queue_max_records", static_cast<int64_t>(c.queue_max_records), 1, 100'000'000));
  c.max_alerts_per_rule = static_cast<size_t>(
      node.Int("max_alerts_per_rule", static_cast<int64_t>(c.max_alerts_per_rule), 1, 1'000'000));
  c.query_timeout = node.Dur("query_timeout", c.query_timeout);
  return c;
}

}  // namespace nightjar::collector::rules
