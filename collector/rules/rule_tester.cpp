// Rule tests; see rule_tester.h.
#include "rules/rule_tester.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "alerting/alert_manager.h"
#include "base/logging.h"
#include "pipeline/pipeline.h"
#include "pipeline/prepare.h"
#include "rules/lua_convert.h"
#include "rules/rule_test_file.h"
#include "rules/rules_engine.h"
#include "runtime/clock.h"
#include "self_metrics.h"
#include "store/store.h"

namespace nightjar::collector::rules {
namespace {

// Where a test's time 0 is: a round instant, so that windows and intervals line up the way
// an operator reading the test expects.
constexpr int64_t kStart = 1'700'000'000'000'000'000;

// A temporary directory removed at destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string base = (std::filesystem::temp_directory_path() / "nightjar-rules-XXXXXX").string();
    if (char* made = mkdtemp(base.data())) path_ = made;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

otlp::Attributes ToAttributes(const KeyValues& kv) {
  otlp::Attributes out;
  for (const auto& [k, v] : kv) out.push_back({k, otlp::AnyValue(v)});
  return out;
}

std::string FormatLabels(const alerting::Labels& labels) {
  std::string out = "{";
  for (const auto& [k, v] : labels) {
    if (out.size() > 1) out += ", ";
    out += k + "=\"" + v + "\"";
  }
  return out + "}";
}

// One test case's world: store, pipeline, engine and lifecycle on a FakeClock.
class TestWorld {
 public:
  Status Open(const RuleTestFile& file, const RulesConfig& limits) {
    if (dir_.path().empty()) return IoError("cannot create a temporary directory");
    NJ_ASSIGN_OR_RETURN(store_, Store::Open({.path = dir_.path() + "/nightjar.db"}));
    pipeline_ = std::make_unique<Pipeline>(store_.get(), PipelineOptions{}, &metrics_, &clock_);
    RulesConfig config = limits;
    config.evaluation_interval = file.evaluation_interval;
    engine_ = std::make_shared<RulesEngine>(
        RulesEngineOptions{.config = config, .store = store_.get(), .clock = &clock_});
    pipeline_->AddCommitObserver(engine_);
    alerting::AlertManagerOptions am;
    am.database_path = dir_.path() + "/alerts.db";
    am.clock = &clock_;
    am.tick_interval = Duration(0);
    NJ_ASSIGN_OR_RETURN(manager_, alerting::AlertManager::Open(std::move(am)));
    engine_->SetSink(manager_.get());
    LoadReport report = engine_->LoadFiles(file.rule_files);
    if (!report.ok()) return InvalidArgument(report.Errors());
    pipeline_->Start();
    return Status::Ok();
  }

  ~TestWorld() {
    if (pipeline_) pipeline_->Stop();
    if (manager_) manager_->Stop();
  }

  FakeClock& clock() { return clock_; }
  RulesEngine& engine() { return *engine_; }
  alerting::AlertManager& manager() { return *manager_; }

  Status SubmitLogs(const std::vector<const TestLog*>& logs, int64_t now) {
    if (logs.empty()) return Status::Ok();
    otlp::LogsData data;
    std::vector<const KeyValues*> labels;
    for (const TestLog* l : logs) {
      otlp::ResourceLogs rl;
      rl.resource.attributes = ToAttributes(l->resource);
      otlp::ScopeLogs sl;
      otlp::LogRecord r;
      r.time_unix_nano = static_cast<uint64_t>(now);
      r.observed_time_unix_nano = static_cast<uint64_t>(now);
      r.severity_number = l->severity;
      r.severity_text = l->severity_text;
      r.body = otlp::AnyValue(l->body);
      r.attributes = ToAttributes(l->attributes);
      sl.log_records.push_back(std::move(r));
      rl.scope_logs.push_back(std::move(sl));
      data.resource_logs.push_back(std::move(rl));
      labels.push_back(&l->labels);
    }
    LogBatch batch = PrepareLogs(data, {.now_unix_nano = now});
    // Classifier labels, as a classifier plugin would have set them before the batch is queued.
    for (size_t i = 0; i < batch.logs.size() && i < labels.size(); ++i) {
      batch.logs[i].labels = *labels[i];
    }
    NJ_ASSIGN_OR_RETURN(auto done, pipeline_->SubmitLogs(std::move(batch)));
    return done.get();
  }

  Status SubmitPoint(const TestMetric& m, double value, int64_t now) {
    otlp::MetricsData data;
    otlp::ResourceMetrics rm;
    rm.resource.attributes = ToAttributes(m.resource);
    otlp::ScopeMetrics sm;
    otlp::Metric metric;
    metric.name = m.name;
    otlp::NumberDataPoint p;
    p.attributes = ToAttributes(m.attributes);
    p.time_unix_nano = static_cast<uint64_t>(now);
    p.start_time_unix_nano = static_cast<uint64_t>(kStart);
    p.value = value;
    if (m.type == "counter") {
      otlp::Sum sum;
      sum.aggregation_temporality = otlp::AggregationTemporality::kCumulative;
      sum.is_monotonic = true;
      sum.data_points.push_back(std::move(p));
      metric.data = std::move(sum);
    } else {
      otlp::Gauge gauge;
      gauge.data_points.push_back(std::move(p));
      metric.data = std::move(gauge);
    }
    sm.metrics.push_back(std::move(metric));
    rm.scope_metrics.push_back(std::move(sm));
    data.resource_metrics.push_back(std::move(rm));
    Rejections rejections;
    MetricBatch batch = PrepareMetrics(data, &rejections);
    if (rejections.count > 0)
      return InvalidArgument("metric " + m.name + ": " + rejections.message);
    NJ_ASSIGN_OR_RETURN(auto done, pipeline_->SubmitMetrics(std::move(batch)));
    return done.get();
  }

  Status SubmitAnomaly(const TestAnomaly& t, int64_t now) {
    auto anomalies = std::make_shared<std::vector<Anomaly>>(1);
    Anomaly& a = anomalies->front();
    a.metric = t.metric;
    a.time_unix_nano = static_cast<uint64_t>(now);
    a.value = t.value;
    a.score = t.score;
    a.reason = t.reason;
    a.detector = t.detector;
    a.plugin = "test";
    a.attributes = AttributesJson(t.attributes);
    a.resource_attributes = AttributesJson(t.resource);
    for (const auto& [k, v] : t.resource) {
      if (k == "service.name") a.service = v;
    }
    NJ_ASSIGN_OR_RETURN(auto done, pipeline_->SubmitAnomalies(anomalies));
    NJ_RETURN_IF_ERROR(done.get());
    // As the detection runner does once an anomaly is stored.
    engine_->OnAnomaly(a);
    return Status::Ok();
  }

  // Waits until the pipeline's observers (the engine) have seen every commit.
  bool Settle() { return pipeline_->WaitIdle(std::chrono::seconds(30)); }

 private:
  static std::string AttributesJson(const KeyValues& kv) {
    std::string out = "{";
    for (const auto& [k, v] : kv) {
      if (out.size() > 1) out += ",";
      out += "\"" + k + "\":\"" + v + "\"";
    }
    return out + "}";
  }

  ScratchDir dir_;
  FakeClock clock_{kStart};
  SelfMetrics metrics_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Pipeline> pipeline_;
  std::shared_ptr<RulesEngine> engine_;
  std::unique_ptr<alerting::AlertManager> manager_;
};

// Compares the pending and firing alerts with an expectation; returns the differences.
std::vector<std::string> Compare(const Expectation& want, alerting::AlertManager& manager) {
  alerting::AlertFilter filter;
  filter.states = {alerting::AlertState::kPending, alerting::AlertState::kFiring};
  filter.rule = want.alertname;
  std::vector<alerting::AlertView> got = manager.Alerts(filter);
  std::vector<std::string> diffs;
  std::set<size_t> used;
  for (const ExpectedAlert& w : want.alerts) {
    auto it = std::find_if(got.begin(), got.end(), [&](const alerting::AlertView& v) {
      return v.alert.labels == w.labels;
    });
    if (it == got.end()) {
      diffs.push_back("  missing:    " + FormatLabels(w.labels) + " " + w.state);
      continue;
    }
    used.insert(static_cast<size_t>(it - got.begin()));
    const alerting::Alert& a = it->alert;
    std::string state(alerting::AlertStateName(a.state));
    std::string who = "  " + FormatLabels(w.labels) + ": ";
    if (state != w.state) diffs.push_back(who + "state: want " + w.state + ", got " + state);
    for (const auto& [k, v] : w.annotations) {
      std::string actual;
      bool present = false;
      for (const auto& [ak, av] : a.annotations) {
        if (ak == k) {
          actual = av;
          present = true;
        }
      }
      if (!present) {
        diffs.push_back(who + "annotation " + k + ": want \"" + v + "\", got none");
      } else if (actual != v) {
        diffs.push_back(who + "annotation " + k + ": want \"" + v + "\", got \"" + actual + "\"");
      }
    }
    if (w.value && *w.value != a.value) {
      diffs.push_back(who + "value: want " + FormatNumber(*w.value) + ", got " +
                      FormatNumber(a.value));
    }
  }
  for (size_t i = 0; i < got.size(); ++i) {
    if (used.count(i) > 0) continue;
    diffs.push_back("  unexpected: " + FormatLabels(got[i].alert.labels) + " " +
                    std::string(alerting::AlertStateName(got[i].alert.state)));
  }
  return diffs;
}

// Runs one test case; returns its failure report ("" = passed).
std::string RunCase(const RuleTestFile& file, const RuleTestCase& tc, const RulesConfig& limits) {
  TestWorld world;
  if (Status st = world.Open(file, limits); !st.ok()) return "  " + st.message();

  // Every instant something happens, in test time (ns from the start).
  std::map<int64_t, std::vector<const TestLog*>> logs;
  std::map<int64_t, std::vector<std::pair<const TestMetric*, double>>> points;
  std::map<int64_t, std::vector<const TestAnomaly*>> anomalies;
  std::map<int64_t, std::vector<const Expectation*>> expect;
  std::set<int64_t> times;
  for (const TestLog& l : tc.logs) {
    for (int i = 0; i < l.repeat; ++i) logs[(l.at + l.every * i).count()].push_back(&l);
  }
  for (const TestMetric& m : tc.metrics) {
    Duration step = m.interval.count() > 0 ? m.interval : file.evaluation_interval;
    for (size_t i = 0; i < m.values.size(); ++i) {
      if (m.values[i]) {
        points[(m.start + step * static_cast<int64_t>(i)).count()].emplace_back(&m, *m.values[i]);
      }
    }
  }
  for (const TestAnomaly& a : tc.anomalies) anomalies[a.at.count()].push_back(&a);
  for (const Expectation& e : tc.expect) expect[e.at.count()].push_back(&e);
  int64_t end = 0;
  if (!logs.empty()) end = std::max(end, logs.rbegin()->first);
  if (!points.empty()) end = std::max(end, points.rbegin()->first);
  if (!anomalies.empty()) end = std::max(end, anomalies.rbegin()->first);
  if (!expect.empty()) end = std::max(end, expect.rbegin()->first);
  for (int64_t t = 0; t <= end; t += file.evaluation_interval.count()) times.insert(t);
  for (const auto& [t, v] : logs) times.insert(t);
  for (const auto& [t, v] : points) times.insert(t);
  for (const auto& [t, v] : anomalies) times.insert(t);
  for (const auto& [t, v] : expect) times.insert(t);

  std::string report;
  for (int64_t t : times) {
    int64_t now = kStart + t;
    world.clock().Set(now);
    Status st = world.SubmitLogs(logs[t], now);
    for (const auto& [m, v] : points[t]) {
      if (st.ok()) st = world.SubmitPoint(*m, v, now);
    }
    for (const TestAnomaly* a : anomalies[t]) {
      if (st.ok()) st = world.SubmitAnomaly(*a, now);
    }
    if (!st.ok()) return "  at " + FormatDuration(Duration(t)) + ": " + st.message();
    if (!world.Settle()) return "  at " + FormatDuration(Duration(t)) + ": the pipeline stalled";
    world.engine().EvaluateDue(now);
    world.manager().Tick();
    for (const Expectation* e : expect[t]) {
      std::vector<std::string> diffs = Compare(*e, world.manager());
      if (diffs.empty()) continue;
      report += "  at " + FormatDuration(Duration(t)) + " (" + file.path + ": " + e->where +
                (e->alertname.empty() ? "" : ", alertname " + e->alertname) + "):\n";
      for (const std::string& d : diffs) report += "  " + d + "\n";
    }
  }
  // A rule that failed is worth saying even when the alerts matched.
  for (const RuleStatus& s : world.engine().Snapshot().rules) {
    if (!s.last_error.empty() && !report.empty()) {
      report += "  rule " + s.name + " last failed with: " + s.last_error + "\n";
    }
  }
  return report;
}

}  // namespace

RuleTestSummary RunRuleTestFile(const std::string& path, const RulesConfig& limits,
                                std::ostream& out) {
  RuleTestSummary summary;
  auto file = ParseRuleTestFile(path);
  if (!file.ok()) {
    out << "FAIL " << path << "\n  " << file.status().message() << "\n";
    summary.failed = 1;
    return summary;
  }
  for (const RuleTestCase& tc : file->tests) {
    std::string report = RunCase(*file, tc, limits);
    if (report.empty()) {
      out << "ok   " << path << ": " << tc.name << "\n";
      ++summary.passed;
    } else {
      out << "FAIL " << path << ": " << tc.name << "\n" << report;
      ++summary.failed;
    }
  }
  return summary;
}

int TestRulesMain(const std::vector<std::string>& files, std::ostream& out) {
  if (files.empty()) {
    out << "usage: nightjar-collector test-rules TEST_FILE.yaml...\n";
    return 2;
  }
  // The components log to stderr as they work; a test run shows only its verdicts.
  log::SetLevel(log::Level::kCritical);
  RuleTestSummary total;
  for (const std::string& f : files) {
    RuleTestSummary s = RunRuleTestFile(f, RulesConfig{}, out);
    total.passed += s.passed;
    total.failed += s.failed;
  }
  out << (total.ok() ? "PASS" : "FAIL") << ": " << total.passed << " passed, " << total.failed
      << " failed\n";
  return total.ok() ? 0 : 1;
}

}  // namespace nightjar::collector::rules
