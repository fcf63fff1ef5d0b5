// Helpers for the alerting tests; see alerting_test_util.h.
#include "alerting_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "alerting/labels.h"

namespace nightjar::collector::alerting::testing {

AlertSample Sample(Labels labels, AlertSample::Condition condition, double value,
                   Labels annotations) {
  AlertSample s;
  s.labels = std::move(labels);
  s.condition = condition;
  s.value = value;
  s.annotations = std::move(annotations);
  return s;
}

RuleSpec Rule(const std::string& name, Duration for_duration, Duration keep_firing_for) {
  RuleSpec r;
  r.name = name;
  r.file = name + ".lua";
  r.for_duration = for_duration;
  r.keep_firing_for = keep_firing_for;
  r.trigger = "every";
  return r;
}

AlertingConfig Ungrouped() {
  AlertingConfig c;
  c.group_by = {"..."};
  c.group_wait = Duration(0);
  c.group_interval = Duration(0);
  return c;
}

Fixture::Fixture() = default;

Fixture::~Fixture() { Close(); }

AlertManager& Fixture::Open(AlertingConfig config, PluginHostProvider hosts, bool start) {
  AlertManagerOptions options;
  options.database_path = dir.File("alerts.db");
  options.config = std::move(config);
  options.clock = &clock;
  options.plugin_host = std::move(hosts);
  options.tick_interval = Duration(0);
  options.poll_interval = std::chrono::milliseconds(20);
  auto opened = AlertManager::Open(std::move(options));
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  manager = std::move(opened).value();
  if (start) {
    EXPECT_TRUE(manager->Start().ok());
  }
  return *manager;
}

void Fixture::Close() {
  if (manager) manager->Stop();
  manager.reset();
}

void Fixture::Eval(const std::string& rule, std::vector<AlertSample> samples, bool complete) {
  RuleEvaluation e;
  e.rule = rule;
  e.time_unix_nano = clock.NowUnixNanos();
  e.samples = std::move(samples);
  e.complete = complete;
  manager->Apply(e);
}

std::string Fixture::Fp(const std::string& rule, Labels labels) {
  labels.emplace_back("alertname", rule);
  return Fingerprint(labels);
}

Alert Fixture::Get(const std::string& rule, Labels labels) {
  auto view = manager->GetAlert(Fp(rule, std::move(labels)));
  EXPECT_TRUE(view.ok()) << view.status().ToString();
  return view.ok() ? view->alert : Alert{};
}

AlertState Fixture::State(const std::string& rule, Labels labels) {
  auto view = manager->GetAlert(Fp(rule, std::move(labels)));
  return view.ok() ? view->alert.state : AlertState::kInactive;
}

std::vector<NotificationRecord> Fixture::Notifications() {
  auto records = manager->Notifications(1000);
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  std::vector<NotificationRecord> out = records.ok() ? *records : std::vector<NotificationRecord>{};
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace nightjar::collector::alerting::testing
