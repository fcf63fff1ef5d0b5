// What GET /api/v1/rules shows: every rule with its file, trigger, state, last evaluation and
// last error, and every rule file whose last load failed.
//
//   {"rules": [{"name": "TimeoutBurst", "file": "timeouts.lua", "line": 3,
//               "trigger": "on_log", "every": null, "window": "5m", "for": "1m",
//               "keep_firing_for": "0s", "labels": {"severity": "page"},
//               "state": "ok", "last_evaluation": "2024-05-01T10:00:00.000Z",
//               "last_duration_seconds": 0.00012, "last_error": null, "last_error_at": null,
//               "evaluations": 1204, "errors": 0, "matches": 31, "alerts": 2}],
//    "files": [{"file": "broken.lua", "loaded": false, "kept_previous": true,
//               "error": "broken.lua:4: unexpected symbol near 'end'"}],
//    "dir": "/etc/nightjar/rules", "last_load": "...", "dropped_records": 0}
//
// state: "ok" (the last evaluation succeeded), "error" (it failed), "pending" (not evaluated
// yet).
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "alerting/rule_evaluation.h"
#include "runtime/units.h"

namespace nightjar::collector::rules {

struct RuleStatus {
  std::string name;
  std::string file;
  int line = 0;
  std::string trigger;  // on_log, on_anomaly, every
  Duration every{0};
  Duration window{0};
  Duration for_duration{0};
  Duration keep_firing_for{0};
  alerting::Labels labels;
  std::string state = "pending";
  int64_t last_evaluation_unix_nano = 0;  // 0 = never
  double last_duration_seconds = 0;
  std::string last_error;
  int64_t last_error_unix_nano = 0;
  int64_t evaluations = 0;
  int64_t errors = 0;
  int64_t matches = 0;
  int64_t alerts = 0;  // active or held alerts in the last evaluation
};

struct RuleFileStatus {
  std::string file;
  bool loaded = false;         // its current version runs
  bool kept_previous = false;  // the new version failed; the previous one runs
  std::string error;
  size_t rules = 0;
};

struct RulesSnapshot {
  std::string dir;
  int64_t last_load_unix_nano = 0;
  int64_t dropped_records = 0;
  std::vector<RuleStatus> rules;      // by file, then declaration order
  std::vector<RuleFileStatus> files;  // every file of the last load
};

// Renders the snapshot as the JSON above.
std::string RulesSnapshotJson(const RulesSnapshot& snapshot);

}  // namespace nightjar::collector::rules
