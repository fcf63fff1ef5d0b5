// Routing, grouping and inhibition of notifications (collector/alerting/router.h,
// inhibition.h, AlertManager's groups) on a FakeClock: group_wait batching, group_interval,
// repeat_interval, resolved messages, the routing tree with `continue`, inhibition, and
// restarts on the same alerts.db in the middle of a group's life.
#include <gtest/gtest.h>

#include <set>

#include "alerting/alert_manager.h"
#include "alerting/label_matcher.h"
#include "alerting/labels.h"
#include "alerting/router.h"
#include "alerting_test_util.h"
#include "runtime/sqlite.h"

namespace nightjar::collector::alerting {
namespace {

using testing::Fixture;
using testing::hours;
using testing::minutes;
using testing::Rule;
using testing::Sample;
using testing::seconds;
using Condition = AlertSample::Condition;

const Labels kWeb1 = {{"host", "web-1"}};
const Labels kWeb2 = {{"host", "web-2"}};
const Labels kWeb3 = {{"host", "web-3"}};

// Alertmanager's defaults: grouped by alertname, group_wait 30s, group_interval 5m.
AlertingConfig Grouped() {
  AlertingConfig c;
  Route r;
  r.receivers = {"hook"};
  c.routes.push_back(r);
  return c;
}

std::set<std::string> Hosts(const NotificationRecord& r, bool firing) {
  std::set<std::string> out;
  for (const plugins::Alert& a : r.notification.alerts) {
    if (a.firing != firing) continue;
    for (const auto& [name, value] : a.labels) {
      if (name == "host") out.insert(value);
    }
  }
  return out;
}

TEST(Grouping, GroupWaitBatchesAlertsIntoOneNotification) {
  Fixture f;
  f.Open(Grouped());
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1)});
  f.manager->Tick();
  EXPECT_TRUE(f.Notifications().empty());  // group_wait collects alerts first
  f.clock.Advance(seconds(10));
  f.Eval("cpu", {Sample(kWeb1), Sample(kWeb2)});
  f.clock.Advance(seconds(19));
  f.manager->Tick();
  EXPECT_TRUE(f.Notifications().empty());
  f.clock.Advance(seconds(1));
  f.manager->Tick();
  auto n = f.Notifications();
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].status, "firing");
  EXPECT_EQ(Hosts(n[0], true), (std::set<std::string>{"web-1", "web-2"}));
  EXPECT_EQ(n[0].group_key, "{}/{}:{alertname=\"cpu\"}");
  EXPECT_EQ(n[0].notification.group_key, n[0].group_key);
  EXPECT_EQ(n[0].notification.group_labels, (Labels{{"alertname", "cpu"}}));
  EXPECT_EQ(n[0].notification.common_labels, (Labels{{"alertname", "cpu"}}));
  EXPECT_EQ(n[0].notification.truncated_alerts, 0u);
  // Nothing changed: nothing more.
  f.clock.Advance(minutes(10));
  f.manager->Tick();
  EXPECT_EQ(f.Notifications().size(), 1u);
}

TEST(Grouping, GroupsFollowGroupByAndTruncateOverTheLimit) {
  Fixture f;
  AlertingConfig c = Grouped();
  c.group_by = {"dc"};
  c.max_alerts = 2;
  f.Open(c);
  f.manager->SetRules({Rule("cpu"), Rule("mem")});
  f.Eval("cpu", {Sample({{"dc", "a"}, {"host", "1"}}), Sample({{"dc", "a"}, {"host", "2"}}),
                 Sample({{"dc", "b"}, {"host", "3"}})});
  f.Eval("mem", {Sample({{"dc", "a"}, {"host", "1"}})});
  f.clock.Advance(seconds(30));
  f.manager->Tick();
  auto n = f.Notifications();
  ASSERT_EQ(n.size(), 2u);
  std::map<std::string, const NotificationRecord*> by_key;
  for (const auto& r : n) by_key[r.group_key] = &r;
  ASSERT_EQ(by_key.count("{}/{}:{dc=\"a\"}"), 1u);
  ASSERT_EQ(by_key.count("{}/{}:{dc=\"b\"}"), 1u);
  const NotificationRecord& a = *by_key["{}/{}:{dc=\"a\"}"];
  EXPECT_EQ(a.notification.alerts.size(), 2u);  // three alerts, two carried
  EXPECT_EQ(a.notification.truncated_alerts, 1u);
  EXPECT_EQ(a.notification.common_labels, (Labels{{"dc", "a"}}));
  EXPECT_EQ(by_key["{}/{}:{dc=\"b\"}"]->notification.alerts.size(), 1u);
}

TEST(Grouping, GroupIntervalHoldsAChange) {
  Fixture f;
  f.Open(Grouped());
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1)});
  f.clock.Advance(seconds(30));
  f.manager->Tick();
  ASSERT_EQ(f.Notifications().size(), 1u);
  f.clock.Advance(minutes(1));
  f.Eval("cpu", {Sample(kWeb1), Sample(kWeb2)});
  f.manager->Tick();
  EXPECT_EQ(f.Notifications().size(), 1u);  // held: 1m after the last notification
  f.clock.Advance(minutes(3) + seconds(59));
  f.manager->Tick();
  EXPECT_EQ(f.Notifications().size(), 1u);
  f.clock.Advance(seconds(1));
  f.manager->Tick();
  auto n = f.Notifications();
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(Hosts(n[1], true), (std::set<std::string>{"web-1", "web-2"}));
  EXPECT_NE(n[1].id, n[0].id);
  // After a quiet spell a change goes out at once.
  f.clock.Advance(minutes(20));
  f.Eval("cpu", {Sample(kWeb1), Sample(kWeb2), Sample(kWeb3)});
  n = f.Notifications();
  ASSERT_EQ(n.size(), 3u);
  EXPECT_EQ(Hosts(n[2], true), (std::set<std::string>{"web-1", "web-2", "web-3"}));
}

TEST(Grouping, RepeatIntervalRepeatsAnUnchangedFiringGroup) {
  Fixture f;
  AlertingConfig c = Grouped();
  c.repeat_interval = hours(1);
  f.Open(c);
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1), Sample(kWeb2)});
  f.clock.Advance(seconds(30));
  f.manager->Tick();
  ASSERT_EQ(f.Notifications().size(), 1u);
  f.clock.Advance(minutes(59));
  f.manager->Tick();
  EXPECT_EQ(f.Notifications().size(), 1u);
  f.clock.Advance(minutes(1));
  f.manager->Tick();
  auto n = f.Notifications();
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(Hosts(n[1], true), (std::set<std::string>{"web-1", "web-2"}));
  EXPECT_NE(n[1].id, n[0].id);  // a repeat is a notification of its own
  // Acknowledging every alert of the group stops the repeats.
  ASSERT_TRUE(f.manager->Acknowledge(Fixture::Fp("cpu", kWeb1), "alice", "").ok());
  f.clock.Advance(hours(1));
  f.manager->Tick();
  EXPECT_EQ(f.Notifications().size(), 3u);  // web-2 is not acknowledged
  ASSERT_TRUE(f.manager->Acknowledge(Fixture::Fp("cpu", kWeb2), "alice", "").ok());
  f.clock.Advance(hours(3));
  f.manager->Tick();
  EXPECT_EQ(f.Notifications().size(), 3u);
}

TEST(Grouping, ResolvedAlertsAreSentWithTheGroupAndEndIt) {
  Fixture f;
  f.Open(Grouped());
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1), Sample(kWeb2)});
  f.clock.Advance(seconds(30));
  f.manager->Tick();
  ASSERT_EQ(f.Notifications().size(), 1u);
  f.clock.Advance(minutes(1));
  f.Eval("cpu", {Sample(kWeb2)});  // web-1 resolves
  EXPECT_EQ(f.State("cpu", kWeb1), AlertState::kResolved);
  EXPECT_EQ(f.Notifications().size(), 1u);  // held by group_interval
  f.clock.Advance(minutes(4));
  f.manager->Tick();
  auto n = f.Notifications();
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[1].status, "firing");
  EXPECT_EQ(Hosts(n[1], true), (std::set<std::string>{"web-2"}));
  EXPECT_EQ(Hosts(n[1], false), (std::set<std::string>{"web-1"}));
  for (const auto& a : n[1].notification.alerts) {
    if (!a.firing) {
      EXPECT_GT(a.ends_at_unix_nano, 0);
    }
  }
  // The last alert resolves: one resolved notification, then the group is gone.
  f.clock.Advance(minutes(5));
  f.Eval("cpu", {});
  n = f.Notifications();
  ASSERT_EQ(n.size(), 3u);
  EXPECT_EQ(n[2].status, "resolved");
  EXPECT_EQ(Hosts(n[2], false), (std::set<std::string>{"web-2"}));  // web-1 was said already
  EXPECT_TRUE(f.manager->Groups().empty());
  f.clock.Advance(hours(5));
  f.manager->Tick();
  EXPECT_EQ(f.Notifications().size(), 3u);
}

TEST(Grouping, WithoutSendResolvedAResolvedAlertIsNoChange) {
  Fixture f;
  AlertingConfig c = Grouped();
  c.send_resolved = false;
  f.Open(c);
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1), Sample(kWeb2)});
  f.clock.Advance(seconds(30));
  f.manager->Tick();
  f.clock.Advance(minutes(10));
  f.Eval("cpu", {Sample(kWeb2)});
  f.manager->Tick();
  f.Eval("cpu", {});
  f.manager->Tick();
  EXPECT_EQ(f.Notifications().size(), 1u);
  EXPECT_TRUE(f.manager->Groups().empty());
}

TEST(Grouping, AlertResolvedDuringGroupWaitIsNeverSent) {
  Fixture f;
  f.Open(Grouped());
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1)});
  f.clock.Advance(seconds(10));
  f.Eval("cpu", {});
  f.clock.Advance(minutes(10));
  f.manager->Tick();
  EXPECT_TRUE(f.Notifications().empty());
  EXPECT_TRUE(f.manager->Groups().empty());
}

AlertingConfig Tree() {
  AlertingConfig c;
  Route db;
  db.matchers.push_back(*LabelMatcher::Parse("team=db"));
  db.receivers = {"db-chat"};
  db.group_by = std::vector<std::string>{"alertname", "cluster"};
  db.repeat_interval = hours(2);
  Route critical;
  critical.matchers.push_back(*LabelMatcher::Parse("severity=critical"));
  critical.receivers = {"db-pager"};
  critical.group_wait = seconds(5);
  critical.continue_matching = true;
  Route warning;
  warning.matchers.push_back(*LabelMatcher::Parse("severity=~critical|warning"));
  warning.send_resolved = false;  // receivers inherited: db-chat
  db.routes = {critical, warning};
  Route rest;
  rest.receivers = {"chat"};
  c.routes = {db, rest};
  return c;
}

std::vector<std::string> Receivers(const std::vector<RouteMatch>& matches) {
  std::vector<std::string> out;
  for (const RouteMatch& m : matches) out.push_back(m.receiver);
  return out;
}

TEST(Routing, DeepestMatchingChildWinsAndInheritsUnsetSettings) {
  AlertingConfig c = Tree();
  // Critical: the first child, and with `continue` the second; not the parent itself.
  auto m = MatchRoutes(c, {{"team", "db"}, {"severity", "critical"}});
  ASSERT_EQ(Receivers(m), (std::vector<std::string>{"db-pager", "db-chat"}));
  EXPECT_EQ(m[0].route_key, "{}/{team=\"db\"}/{severity=\"critical\"}");
  EXPECT_EQ(m[0].group_by, (std::vector<std::string>{"alertname", "cluster"}));
  EXPECT_EQ(m[0].group_wait, seconds(5));
  EXPECT_EQ(m[0].group_interval, minutes(5));  // the top level's
  EXPECT_EQ(m[0].repeat_interval, hours(2));   // the parent's
  EXPECT_TRUE(m[0].send_resolved);
  EXPECT_EQ(m[1].route_key, "{}/{team=\"db\"}/{severity=~\"critical|warning\"}");
  EXPECT_FALSE(m[1].send_resolved);
  EXPECT_EQ(m[1].group_wait, seconds(30));
  // Warning: the second child only (receivers inherited from the parent).
  m = MatchRoutes(c, {{"team", "db"}, {"severity", "warning"}});
  ASSERT_EQ(Receivers(m), (std::vector<std::string>{"db-chat"}));
  EXPECT_FALSE(m[0].send_resolved);
  // No child matches: the parent itself.
  m = MatchRoutes(c, {{"team", "db"}, {"severity", "info"}});
  ASSERT_EQ(Receivers(m), (std::vector<std::string>{"db-chat"}));
  EXPECT_EQ(m[0].route_key, "{}/{team=\"db\"}");
  EXPECT_TRUE(m[0].send_resolved);
  // The parent matched without `continue`: the next top-level route is not tried.
  EXPECT_EQ(Receivers(MatchRoutes(c, {{"team", "web"}})), (std::vector<std::string>{"chat"}));
  EXPECT_EQ(GroupLabels(MatchRoutes(c, {{"team", "db"}, {"cluster", "eu"}, {"x", "y"}})[0],
                        {{"alertname", "a"}, {"cluster", "eu"}, {"team", "db"}, {"x", "y"}}),
            (Labels{{"alertname", "a"}, {"cluster", "eu"}}));
}

TEST(Routing, ChildRoutesNotifyTheirReceiversInTheirGroups) {
  Fixture f;
  f.Open(Tree());
  f.manager->SetRules({Rule("disk")});
  f.Eval("disk", {Sample({{"team", "db"}, {"severity", "critical"}, {"cluster", "eu"}}),
                  Sample({{"team", "web"}, {"severity", "critical"}})});
  f.clock.Advance(seconds(5));
  f.manager->Tick();
  auto n = f.Notifications();
  ASSERT_EQ(n.size(), 1u);  // the pager's group_wait is 5s, the others' 30s
  EXPECT_EQ(n[0].receiver, "db-pager");
  EXPECT_EQ(n[0].group_key,
            "{}/{team=\"db\"}/{severity=\"critical\"}:{alertname=\"disk\", cluster=\"eu\"}");
  f.clock.Advance(seconds(25));
  f.manager->Tick();
  n = f.Notifications();
  ASSERT_EQ(n.size(), 3u);
  std::multiset<std::string> receivers;
  for (const auto& r : n) receivers.insert(r.receiver);
  EXPECT_EQ(receivers, (std::multiset<std::string>{"chat", "db-chat", "db-pager"}));
  // Resolved: the pager and chat hear it; db-chat's route has send_resolved: false.
  f.clock.Advance(minutes(5));
  f.Eval("disk", {});
  n = f.Notifications();
  ASSERT_EQ(n.size(), 5u);
  receivers.clear();
  for (size_t i = 3; i < n.size(); ++i) {
    EXPECT_EQ(n[i].status, "resolved");
    receivers.insert(n[i].receiver);
  }
  EXPECT_EQ(receivers, (std::multiset<std::string>{"chat", "db-pager"}));
}

AlertingConfig Inhibiting() {
  AlertingConfig c = testing::Ungrouped();
  Route r;
  r.receivers = {"hook"};
  c.routes.push_back(r);
  InhibitRule rule;
  rule.source.push_back(*LabelMatcher::Parse("severity=critical"));
  rule.target.push_back(*LabelMatcher::Parse("severity=warning"));
  rule.equal = {"cluster"};
  c.inhibit_rules.push_back(rule);
  return c;
}

TEST(Inhibition, FiringSourceMutesTargetsWithEqualLabelsUntilItResolves) {
  Fixture f;
  f.Open(Inhibiting());
  f.manager->SetRules({Rule("down"), Rule("slow")});
  const Labels kCritA = {{"cluster", "a"}, {"severity", "critical"}};
  const Labels kWarnA = {{"cluster", "a"}, {"severity", "warning"}};
  const Labels kWarnB = {{"cluster", "b"}, {"severity", "warning"}};
  f.Eval("down", {Sample(kCritA)});
  f.Eval("slow", {Sample(kWarnA), Sample(kWarnB)});
  f.manager->Tick();
  std::set<std::string> notified;
  for (const auto& r : f.Notifications()) notified.insert(r.fingerprints.at(0));
  EXPECT_EQ(notified,
            (std::set<std::string>{Fixture::Fp("down", kCritA), Fixture::Fp("slow", kWarnB)}));
  auto muted = f.manager->GetAlert(Fixture::Fp("slow", kWarnA));
  ASSERT_TRUE(muted.ok());
  EXPECT_EQ(muted->inhibited_by, (std::vector<std::string>{Fixture::Fp("down", kCritA)}));
  EXPECT_TRUE(f.manager->GetAlert(Fixture::Fp("slow", kWarnB))->inhibited_by.empty());
  EXPECT_TRUE(f.manager->GetAlert(Fixture::Fp("down", kCritA))->inhibited_by.empty());
  size_t sent = f.Notifications().size();
  f.clock.Advance(minutes(1));
  f.manager->Tick();
  EXPECT_EQ(f.Notifications().size(), sent);

  // The source resolves: the target is unmuted and announced.
  f.Eval("down", {});
  auto n = f.Notifications();
  ASSERT_EQ(n.size(), sent + 2);  // down resolved, slow{cluster=a} firing
  std::set<std::string> latest = {n[sent].fingerprints.at(0), n[sent + 1].fingerprints.at(0)};
  EXPECT_EQ(latest,
            (std::set<std::string>{Fixture::Fp("down", kCritA), Fixture::Fp("slow", kWarnA)}));
  EXPECT_TRUE(f.manager->GetAlert(Fixture::Fp("slow", kWarnA))->inhibited_by.empty());
}

TEST(Inhibition, AnAlertMatchingBothSidesDoesNotMuteItselfNorItsPeers) {
  AlertingConfig c;
  InhibitRule rule;
  rule.source.push_back(*LabelMatcher::Parse("severity=~critical|warning"));
  rule.target.push_back(*LabelMatcher::Parse("severity=~critical|warning"));
  c.inhibit_rules.push_back(rule);
  Fixture f;
  f.Open(c);
  f.manager->SetRules({Rule("x")});
  f.Eval("x", {Sample({{"severity", "critical"}}), Sample({{"severity", "warning"}})});
  for (const AlertView& v : f.manager->Alerts()) EXPECT_TRUE(v.inhibited_by.empty());
}

TEST(GroupRestart, RestartDuringGroupWaitSendsOnceWhenItEnds) {
  Fixture f;
  f.Open(Grouped());
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1)});
  f.clock.Advance(seconds(20));
  f.Close();
  f.Open(Grouped());
  f.manager->SetRules({Rule("cpu")});
  f.manager->Tick();
  EXPECT_TRUE(f.Notifications().empty());  // group_wait still runs from before the restart
  f.clock.Advance(seconds(10));
  f.manager->Tick();
  ASSERT_EQ(f.Notifications().size(), 1u);
  f.manager->Tick();
  EXPECT_EQ(f.Notifications().size(), 1u);
}

TEST(GroupRestart, RestartWhileDownPastGroupWaitLosesNothing) {
  Fixture f;
  f.Open(Grouped());
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1), Sample(kWeb2)});
  f.Close();
  f.clock.Advance(minutes(2));
  f.Open(Grouped());
  f.manager->Tick();  // before SetRules: the group is still notified
  auto n = f.Notifications();
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(Hosts(n[0], true), (std::set<std::string>{"web-1", "web-2"}));
}

TEST(GroupRestart, RestartAfterANotificationSendsNothingTwice) {
  Fixture f;
  f.Open(Grouped());
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1)});
  f.clock.Advance(seconds(30));
  f.manager->Tick();
  ASSERT_EQ(f.Notifications().size(), 1u);
  f.clock.Advance(minutes(1));
  f.Eval("cpu", {Sample(kWeb1), Sample(kWeb2)});  // a change held by group_interval
  f.Close();
  for (int restart = 0; restart < 2; ++restart) {
    f.Open(Grouped());
    f.manager->SetRules({Rule("cpu")});
    f.manager->Tick();
    EXPECT_EQ(f.Notifications().size(), 1u);
    f.Close();
  }
  f.clock.Advance(minutes(4));
  f.Open(Grouped());
  f.manager->SetRules({Rule("cpu")});
  f.manager->Tick();
  auto n = f.Notifications();
  ASSERT_EQ(n.size(), 2u);  // the held change, once
  EXPECT_EQ(Hosts(n[1], true), (std::set<std::string>{"web-1", "web-2"}));
  f.Close();
  f.Open(Grouped());
  f.manager->SetRules({Rule("cpu")});
  f.manager->Tick();
  EXPECT_EQ(f.Notifications().size(), 2u);
  ASSERT_EQ(f.manager->Groups().size(), 1u);
  EXPECT_EQ(f.manager->Groups()[0].firing.size(), 2u);
}

TEST(GroupRestart, AVersionOneDatabaseOpensAndMigrates) {
  Fixture f;
  f.Open(Grouped());
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1)});
  f.Close();
  {
    // What an earlier collector left: schema version 1, without the groups table.
    auto db = sqlite::Database::Open(f.dir.File("alerts.db"));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(db->Exec("DROP TABLE notification_groups; PRAGMA user_version = 1").ok());
  }
  f.Open(Grouped());
  EXPECT_EQ(f.State("cpu", kWeb1), AlertState::kFiring);
  f.manager->SetRules({Rule("cpu")});
  f.manager->Tick();  // the firing alert forms its group afresh
  f.clock.Advance(seconds(30));
  f.manager->Tick();
  EXPECT_EQ(f.Notifications().size(), 1u);
  f.Close();
  f.Open(Grouped());
  EXPECT_EQ(f.manager->Groups().size(), 1u);
}

TEST(GroupingConfig, ReadsGroupingChildRoutesAndInhibitRules) {
  auto root = ConfigNode::LoadString(R"(
alerting:
  group_by: [alertname, cluster]
  group_wait: 10s
  group_interval: 1m
  max_alerts: 50
  routes:
    - matchers: ['team="db"']
      group_by: ['...']
      routes:
        - matchers: ['severity="critical"']
          receivers: [pager]
          group_wait: 0s
          continue: true
        - receivers: [chat]
          group_interval: 2m
  inhibit_rules:
    - source_matchers: ['severity="critical"']
      target_matchers: ['severity="warning"']
      equal: [cluster]
)",
                                     "collector.yaml");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  AlertingConfig c = ReadAlertingConfig(root->Child("alerting"));
  ASSERT_TRUE(root->ok()) << root->status().ToString();
  EXPECT_EQ(c.group_by, (std::vector<std::string>{"alertname", "cluster"}));
  EXPECT_EQ(c.group_wait, seconds(10));
  EXPECT_EQ(c.group_interval, minutes(1));
  EXPECT_EQ(c.max_alerts, 50);
  ASSERT_EQ(c.routes.size(), 1u);
  ASSERT_EQ(c.routes[0].routes.size(), 2u);
  EXPECT_EQ(*c.routes[0].group_by, (std::vector<std::string>{"..."}));
  EXPECT_EQ(*c.routes[0].routes[0].group_wait, Duration(0));
  EXPECT_TRUE(c.routes[0].routes[0].continue_matching);
  EXPECT_EQ(*c.routes[0].routes[1].group_interval, minutes(2));
  ASSERT_EQ(c.inhibit_rules.size(), 1u);
  EXPECT_EQ(c.inhibit_rules[0].equal, (std::vector<std::string>{"cluster"}));
  auto m = MatchRoutes(c, {{"team", "db"}, {"severity", "critical"}});
  EXPECT_EQ(Receivers(m), (std::vector<std::string>{"pager", "chat"}));
  EXPECT_EQ(m[0].group_by, (std::vector<std::string>{"..."}));
}

TEST(GroupingConfig, RejectsBadGroupingAndInhibitRules) {
  for (const char* yaml : {
           "alerting:\n  routes:\n    - matchers: ['a=\"b\"']\n",
           "alerting:\n  group_by: ['...', alertname]\n",
           "alerting:\n  group_interval: 0s\n",
           "alerting:\n  inhibit_rules:\n    - equal: [x]\n",
           "alerting:\n  routes:\n    - receivers: [x]\n      routes:\n        - bogus: 1\n",
       }) {
    auto root = ConfigNode::LoadString(yaml, "collector.yaml");
    ASSERT_TRUE(root.ok()) << yaml;
    ReadAlertingConfig(root->Child("alerting"));
    EXPECT_FALSE(root->ok()) << yaml;
  }
}

// Returns a named interval holding every day from `start` to `end` (HH:MM, UTC).
NamedTimeInterval Daily(const std::string& name, int start_minute, int end_minute) {
  NamedTimeInterval n;
  n.name = name;
  TimeIntervalSpec spec;
  spec.minutes.push_back(IntRange{start_minute, end_minute});
  n.intervals.push_back(spec);
  return n;
}

// The fixture's clock starts at 2023-11-14 22:13:20 UTC.
TEST(Grouping, AMutedRouteSpeaksWhenTheMuteEnds) {
  Fixture f;
  AlertingConfig c = Grouped();
  c.time_intervals = {Daily("late", 22 * 60, 23 * 60)};
  c.routes[0].mute_time_intervals = std::vector<std::string>{"late"};
  f.Open(c);
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1)});
  f.clock.Advance(seconds(30));
  f.manager->Tick();
  EXPECT_TRUE(f.Notifications().empty());      // muted until 23:00
  f.clock.Set(1'700'002'800'000'000'000 - 1);  // 22:59:59.999999999
  f.manager->Tick();
  EXPECT_TRUE(f.Notifications().empty());
  f.clock.Advance(std::chrono::nanoseconds(1));  // 23:00
  f.manager->Tick();
  auto n = f.Notifications();
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(Hosts(n[0], true), (std::set<std::string>{"web-1"}));
}

TEST(Grouping, ActiveTimeIntervalsAreInheritedAndAChildMayOverrideThem) {
  Fixture f;
  AlertingConfig c = Grouped();
  c.time_intervals = {Daily("night", 23 * 60, 24 * 60)};
  c.routes[0].active_time_intervals = std::vector<std::string>{"night"};
  Route paging;  // a child that pages at any time
  paging.matchers.push_back(*LabelMatcher::Parse("severity=\"page\""));
  paging.receivers = {"pager"};
  paging.active_time_intervals = std::vector<std::string>{};
  Route quiet;  // a child that inherits the parent's hours
  quiet.matchers.push_back(*LabelMatcher::Parse("severity=\"info\""));
  c.routes[0].routes = {paging, quiet};
  f.Open(c);
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample({{"host", "a"}, {"severity", "page"}}),
                 Sample({{"host", "b"}, {"severity", "info"}})});
  f.clock.Advance(seconds(30));
  f.manager->Tick();
  auto n = f.Notifications();
  ASSERT_EQ(n.size(), 1u);  // 22:13: only the pager's route is active
  EXPECT_EQ(n[0].receiver, "pager");
  f.clock.Set(1'700'002'800'000'000'000);  // 23:00
  f.manager->Tick();
  n = f.Notifications();
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[1].receiver, "hook");
  EXPECT_EQ(Hosts(n[1], true), (std::set<std::string>{"b"}));
}

}  // namespace
}  // namespace nightjar::collector::alerting
