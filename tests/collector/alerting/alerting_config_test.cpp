// The `alerting:` configuration section (collector/alerting/alerting_config.h).
#include "alerting/alerting_config.h"

#include <gtest/gtest.h>

namespace nightjar::collector::alerting {
namespace {

Result<AlertingConfig> Parse(const std::string& yaml) {
  auto root = ConfigNode::LoadString(yaml, "collector.yaml");
  if (!root.ok()) return root.status();
  AlertingConfig c = ReadAlertingConfig(root->Child("alerting"));
  if (!root->ok()) return root->status();
  return c;
}

std::string Error(const std::string& yaml) {
  auto c = Parse(yaml);
  EXPECT_FALSE(c.ok()) << yaml;
  return c.ok() ? "" : c.status().message();
}

TEST(AlertingConfig, DefaultsWhenAbsent) {
  auto c = Parse("log_level: info\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->routes.empty());
  EXPECT_EQ(c->repeat_interval, std::chrono::hours(4));
  EXPECT_TRUE(c->send_resolved);
  EXPECT_EQ(c->flapping.max_changes, 4);
  EXPECT_EQ(c->flapping.window, std::chrono::minutes(30));
  EXPECT_EQ(c->flapping.stable_for, std::chrono::minutes(15));
  EXPECT_EQ(c->DatabasePath("/var/lib/nightjar"), "/var/lib/nightjar/alerts.db");
}

TEST(AlertingConfig, ReadsRoutesAndSettings) {
  auto c = Parse(R"(
alerting:
  database: /tmp/a.db
  external_url: https://nightjar.example.com/
  repeat_interval: 2h
  send_resolved: false
  routes:
    - match: {severity: critical}
      matchers: ['team=~"db|infra"']
      receivers: [oncall-webhook, chat]
      repeat_interval: 30m
      send_resolved: true
      continue: true
    - receivers: chat
  flapping: {window: 1h, max_changes: 6, stable_for: 20m}
  delivery: {initial_backoff: 5s, max_backoff: 1m, give_up_after: 2h}
  retention: {resolved: 1h, history: 7d}
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->database, "/tmp/a.db");
  EXPECT_EQ(c->external_url, "https://nightjar.example.com");
  EXPECT_FALSE(c->send_resolved);
  ASSERT_EQ(c->routes.size(), 2u);
  const Route& r = c->routes[0];
  ASSERT_EQ(r.matchers.size(), 2u);
  EXPECT_EQ(r.matchers[0].ToString(), "severity=\"critical\"");
  EXPECT_EQ(r.matchers[1].op(), LabelMatcher::Op::kRegex);
  EXPECT_EQ(r.receivers, (std::vector<std::string>{"oncall-webhook", "chat"}));
  EXPECT_EQ(r.repeat_interval, std::chrono::minutes(30));
  EXPECT_EQ(r.send_resolved, std::optional<bool>(true));
  EXPECT_TRUE(r.continue_matching);
  EXPECT_TRUE(c->routes[1].matchers.empty());
  EXPECT_FALSE(c->routes[1].send_resolved.has_value());
  EXPECT_EQ(c->flapping.max_changes, 6);
  EXPECT_EQ(c->delivery.max_backoff, std::chrono::minutes(1));
  EXPECT_EQ(c->retention.history, std::chrono::hours(24 * 7));
}

TEST(AlertingConfig, ErrorsNameTheKeyAndLine) {
  EXPECT_NE(Error("alerting:\n  repeat: 1h\n").find("alerting.repeat"), std::string::npos);
  std::string e = Error("alerting:\n  routes:\n    - match: {a: b}\n");
  EXPECT_NE(e.find("alerting.routes[0].receivers"), std::string::npos) << e;
  EXPECT_NE(e.find("collector.yaml:3"), std::string::npos) << e;
  e = Error("alerting:\n  routes:\n    - receivers: [x]\n      matchers: ['a=~(']\n");
  EXPECT_NE(e.find("routes[0].matchers"), std::string::npos) << e;
  EXPECT_NE(e.find("invalid regular expression"), std::string::npos) << e;
  e = Error("alerting:\n  repeat_interval: 0s\n");
  EXPECT_NE(e.find("repeat_interval: must be longer than 0s"), std::string::npos) << e;
  e = Error("alerting:\n  delivery: {initial_backoff: 1m, max_backoff: 10s}\n");
  EXPECT_NE(e.find("max_backoff"), std::string::npos) << e;
  e = Error("alerting:\n  flapping: {max_changes: -1}\n");
  EXPECT_NE(e.find("flapping.max_changes"), std::string::npos) << e;
}

TEST(AlertingConfig, RoutesNameDefinedTimeIntervals) {
  auto c = Parse(R"(
alerting:
  time_intervals:
    - name: offhours
      time_intervals: [{times: [{start_time: "18:00", end_time: "24:00"}]}]
  routes:
    - receivers: [hook]
      mute_time_intervals: [offhours]
      routes:
        - matchers: ['severity="page"']
          active_time_intervals: []
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->time_intervals.size(), 1u);
  EXPECT_EQ(c->time_intervals[0].name, "offhours");
  EXPECT_EQ(c->routes[0].mute_time_intervals, std::vector<std::string>{"offhours"});
  EXPECT_FALSE(c->routes[0].active_time_intervals.has_value());
  ASSERT_EQ(c->routes[0].routes.size(), 1u);
  EXPECT_FALSE(c->routes[0].routes[0].mute_time_intervals.has_value());  // inherited
  EXPECT_EQ(c->routes[0].routes[0].active_time_intervals, std::vector<std::string>{});

  std::string e = Error(
      "alerting:\n  routes:\n    - receivers: [hook]\n      mute_time_intervals: [weekend]\n");
  EXPECT_NE(e.find("collector.yaml:4"), std::string::npos) << e;
  EXPECT_NE(e.find("\"weekend\" is not defined under alerting.time_intervals"), std::string::npos)
      << e;
}

TEST(AlertingConfig, UnknownReceiversAreListed) {
  auto c = Parse("alerting:\n  routes:\n    - receivers: [hook, nope]\n");
  ASSERT_TRUE(c.ok());
  plugins::PluginHostConfig plugins;
  plugins::InstanceConfig hook;
  hook.name = "hook";
  hook.plugin = "webhook";
  plugins.instances.push_back(hook);
  auto unknown = UnknownReceivers(*c, plugins);
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_NE(unknown[0].find("\"nope\""), std::string::npos) << unknown[0];
  EXPECT_NE(unknown[0].find("alerting.routes[0]"), std::string::npos) << unknown[0];
}

}  // namespace
}  // namespace nightjar::collector::alerting
