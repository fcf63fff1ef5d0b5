// Rule test files (YAML), in the spirit of `promtool test rules`: inputs at given times and
// the alerts expected at given times. See docs/rules.md for the format:
//
//   rule_files: [timeouts.lua]          # relative to the test file
//   evaluation_interval: 10s            # how often the engine ticks during the test
//   tests:
//     - name: a burst fires after `for`
//       logs:
//         - {at: 0s, service: checkout, severity: error, body: "upstream timeout",
//            repeat: 25, every: 1s, attributes: {...}, resource: {...}, labels: {...}}
//       metrics:
//         - {name: disk.used.ratio, attributes: {mountpoint: /}, resource: {host.name: a},
//            interval: 1m, values: "0.5 0.8+0.05x4 _ 0.99x3"}
//       anomalies:
//         - {at: 2m, metric: cpu, value: 97, score: 6.1, reason: "...", attributes: {...}}
//       expect:
//         - at: 2m
//           alertname: TimeoutBurst       # optional: only this rule's alerts are compared
//           alerts:
//             - labels: {service: checkout, severity: page}
//               state: firing             # or pending; default firing
//               annotations: {summary: "checkout has 25 timeouts"}   # only these keys
//               value: 25                 # optional
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alerting/rule_evaluation.h"
#include "base/status.h"
#include "runtime/units.h"

namespace nightjar::collector::rules {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct TestLog {
  Duration at{0};
  std::string body;
  int severity = 9;
  std::string severity_text;
  KeyValues attributes, resource, labels;
  int repeat = 1;
  Duration every = std::chrono::seconds(1);
};

struct TestMetric {
  std::string name;
  std::string type = "gauge";  // gauge, counter (monotonic cumulative sum)
  KeyValues attributes, resource;
  Duration start{0};
  Duration interval{0};                       // 0 = the evaluation interval
  std::vector<std::optional<double>> values;  // nullopt = no point ("_")
};

struct TestAnomaly {
  Duration at{0};
  std::string metric;
  double value = 0, score = 0;
  std::string reason, detector = "test";
  KeyValues attributes, resource;
};

struct ExpectedAlert {
  alerting::Labels labels;
  std::string state = "firing";
  alerting::Labels annotations;
  std::optional<double> value;
};

struct Expectation {
  Duration at{0};
  std::string alertname;  // "" = every rule's alerts
  std::vector<ExpectedAlert> alerts;
  std::string where;  // "file.yaml:12", for messages
};

struct RuleTestCase {
  std::string name;
  std::vector<TestLog> logs;
  std::vector<TestMetric> metrics;
  std::vector<TestAnomaly> anomalies;
  std::vector<Expectation> expect;
};

struct RuleTestFile {
  std::string path;
  std::vector<std::string> rule_files;  // resolved against the test file's directory
  Duration evaluation_interval = std::chrono::seconds(10);
  std::vector<RuleTestCase> tests;
};

// Parses a test file; errors carry file:line:column.
Result<RuleTestFile> ParseRuleTestFile(const std::string& path);

// Parses promtool-style series values: "1 2 _ 3x2 1+2x3 10-1x2" (axn = n+1 copies of a; a+bxn
// = a, a+b, ..., a+n*b; _ = no point).
Result<std::vector<std::optional<double>>> ParseSeriesValues(const std::string& text);

}  // namespace nightjar::collector::rules
