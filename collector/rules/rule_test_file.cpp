// Rule test files; see rule_test_file.h.
#include "rules/rule_test_file.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "rules/lua_convert.h"
#include "runtime/config.h"

namespace nightjar::collector::rules {
namespace {

int SeverityOf(ConfigNode& node, const char* key) {
  std::string text = node.String(key, "info");
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const char* const kLevels[] = {"trace", "debug", "info", "warn", "error", "fatal"};
  for (int i = 0; i < 6; ++i) {
    if (lower == kLevels[i]) return i * 4 + 1;
  }
  if (lower == "warning") return 13;
  char* end = nullptr;
  long n = std::strtol(text.c_str(), &end, 10);
  if (end != text.c_str() && *end == '\0' && n >= 0 && n <= 24) return static_cast<int>(n);
  node.Error(key, "expected a level (trace, debug, info, warn, error, fatal) or 0..24");
  return 9;
}

alerting::Labels LabelsOf(ConfigNode& node, const char* key) {
  alerting::Labels labels = node.StringMap(key);
  SortLabels(&labels);
  return labels;
}

}  // namespace

Result<std::vector<std::optional<double>>> ParseSeriesValues(const std::string& text) {
  std::vector<std::optional<double>> out;
  std::istringstream in(text);
  std::string token;
  while (in >> token) {
    if (token == "_") {
      out.push_back(std::nullopt);
      continue;
    }
    size_t x = token.find('x');
    std::string head = token.substr(0, x);
    int64_t times = 0;
    if (x != std::string::npos) {
      char* end = nullptr;
      times = std::strtoll(token.c_str() + x + 1, &end, 10);
      if (*end != '\0' || times < 0 || times > 100000) {
        return InvalidArgument("series value \"" + token + "\": bad repeat count");
      }
    }
    // a+b or a-b: the sign after the first character starts the step.
    size_t sign = head.find_first_of("+-", 1);
    while (sign != std::string::npos && (head[sign - 1] == 'e' || head[sign - 1] == 'E')) {
      sign = head.find_first_of("+-", sign + 1);
    }
    std::string a_text = head.substr(0, sign);
    std::string b_text = sign == std::string::npos ? "0" : head.substr(sign);
    char* end = nullptr;
    double a = std::strtod(a_text.c_str(), &end);
    if (a_text.empty() || *end != '\0') return InvalidArgument("series value \"" + token + "\"");
    double b = std::strtod(b_text.c_str(), &end);
    if (*end != '\0') return InvalidArgument("series value \"" + token + "\"");
    for (int64_t i = 0; i <= times; ++i) out.push_back(a + b * static_cast<double>(i));
  }
  return out;
}

Result<RuleTestFile> ParseRuleTestFile(const std::string& path) {
  NJ_ASSIGN_OR_RETURN(ConfigNode root, ConfigNode::LoadFile(path));
  RuleTestFile file;
  file.path = path;
  root.AllowKeys({"rule_files", "evaluation_interval", "tests"});
  std::filesystem::path base = std::filesystem::path(path).parent_path();
  for (const std::string& f : root.Strings("rule_files")) {
    file.rule_files.push_back(std::filesystem::path(f).is_absolute() ? f : (base / f).string());
  }
  if (file.rule_files.empty()) root.Error("rule_files", "list the rule files under test");
  file.evaluation_interval = root.Dur("evaluation_interval", file.evaluation_interval);
  if (file.evaluation_interval < std::chrono::seconds(1)) {
    root.Error("evaluation_interval", "must be at least 1s");
  }
  for (ConfigNode& t : root.Items("tests")) {
    RuleTestCase tc;
    t.AllowKeys({"name", "logs", "metrics", "anomalies", "expect"});
    tc.name = t.String("name", "test " + std::to_string(file.tests.size() + 1));
    for (ConfigNode& l : t.Items("logs")) {
      l.AllowKeys({"at", "body", "severity", "severity_text", "service", "attributes", "resource",
                   "labels", "repeat", "every"});
      TestLog log;
      log.at = l.Dur("at", log.at);
      log.body = l.String("body");
      log.severity = SeverityOf(l, "severity");
      log.severity_text = l.String("severity_text");
      log.attributes = l.StringMap("attributes");
      log.resource = l.StringMap("resource");
      std::string service = l.String("service");
      if (!service.empty()) log.resource.emplace_back("service.name", service);
      log.labels = l.StringMap("labels");
      log.repeat = static_cast<int>(l.Int("repeat", 1, 1, 100000));
      log.every = l.Dur("every", log.every);
      tc.logs.push_back(std::move(log));
    }
    for (ConfigNode& m : t.Items("metrics")) {
      m.AllowKeys({"name", "type", "attributes", "resource", "start", "interval", "values"});
      TestMetric metric;
      metric.name = m.String("name");
      if (metric.name.empty()) m.Error("name", "a metric needs a name");
      metric.type = m.Enum("type", "gauge", {"gauge", "counter"});
      metric.attributes = m.StringMap("attributes");
      metric.resource = m.StringMap("resource");
      metric.start = m.Dur("start", metric.start);
      metric.interval = m.Dur("interval", metric.interval);
      auto values = ParseSeriesValues(m.String("values"));
      if (!values.ok()) {
        m.Error("values", values.status().message());
      } else {
        metric.values = std::move(*values);
      }
      tc.metrics.push_back(std::move(metric));
    }
    for (ConfigNode& a : t.Items("anomalies")) {
      a.AllowKeys(
          {"at", "metric", "value", "score", "reason", "detector", "attributes", "resource"});
      TestAnomaly an;
      an.at = a.Dur("at", an.at);
      an.metric = a.String("metric");
      an.value = a.Double("value", 0);
      an.score = a.Double("score", 0);
      an.reason = a.String("reason");
      an.detector = a.String("detector", an.detector);
      an.attributes = a.StringMap("attributes");
      an.resource = a.StringMap("resource");
      tc.anomalies.push_back(std::move(an));
    }
    for (ConfigNode& e : t.Items("expect")) {
      e.AllowKeys({"at", "alertname", "alerts"});
      Expectation ex;
      ex.at = e.Dur("at", ex.at);
      ex.alertname = e.String("alertname");
      ex.where = e.path();
      for (ConfigNode& al : e.Items("alerts")) {
        al.AllowKeys({"labels", "state", "annotations", "value"});
        ExpectedAlert want;
        want.labels = LabelsOf(al, "labels");
        if (!ex.alertname.empty()) {
          want.labels.emplace_back("alertname", ex.alertname);
          SortLabels(&want.labels);
        }
        want.state = al.Enum("state", "firing", {"firing", "pending"});
        want.annotations = LabelsOf(al, "annotations");
        if (al.Has("value")) want.value = al.Double("value", 0);
        ex.alerts.push_back(std::move(want));
      }
      tc.expect.push_back(std::move(ex));
    }
    if (tc.expect.empty()) t.Error("expect", "a test needs at least one expectation");
    file.tests.push_back(std::move(tc));
  }
  if (file.tests.empty()) root.Error("tests", "the file has no tests");
  NJ_RETURN_IF_ERROR(root.status());
  return file;
}

}  // namespace nightjar::collector::rules
