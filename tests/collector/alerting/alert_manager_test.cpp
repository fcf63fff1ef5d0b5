// The AlertManager with a FakeClock on a real alerts database: lifecycle through evaluations,
// errors, rule reloads, acknowledgements, manual resolves, silences, notifications queued by
// routes, and restarts that keep state and timers.
#include "alerting/alert_manager.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "alerting/alert_schema.h"
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

AlertingConfig RouteAll(const std::string& receiver = "hook") {
  AlertingConfig c = testing::Ungrouped();
  Route r;
  r.receivers = {receiver};
  c.routes.push_back(r);
  return c;
}

std::vector<std::string> Events(AlertManager& m, const std::string& fp) {
  auto h = m.History(fp, 100);
  EXPECT_TRUE(h.ok());
  std::vector<std::string> out;
  if (!h.ok()) return out;
  for (auto it = h->rbegin(); it != h->rend(); ++it) {
    out.push_back(it->event == "state" ? std::string(AlertStateName(it->from)) + "->" +
                                             std::string(AlertStateName(it->to))
                                       : it->event);
  }
  return out;
}

TEST(AlertManager, PendingFiresAfterForAndResolvesWhenClear) {
  Fixture f;
  f.Open(RouteAll());
  f.manager->SetRules({Rule("cpu", minutes(5))});
  f.Eval("cpu", {Sample(kWeb1, Condition::kActive, 97, {{"summary", "CPU at 97%"}})});
  EXPECT_EQ(f.State("cpu", kWeb1), AlertState::kPending);
  f.clock.Advance(minutes(4));
  f.Eval("cpu", {Sample(kWeb1)});
  EXPECT_EQ(f.State("cpu", kWeb1), AlertState::kPending);
  EXPECT_TRUE(f.Notifications().empty());
  f.clock.Advance(minutes(1));
  f.Eval("cpu", {Sample(kWeb1)});
  Alert a = f.Get("cpu", kWeb1);
  EXPECT_EQ(a.state, AlertState::kFiring);
  EXPECT_EQ(a.fired_at, f.clock.NowUnixNanos());
  ASSERT_EQ(f.Notifications().size(), 1u);
  EXPECT_EQ(f.Notifications()[0].status, "firing");
  EXPECT_EQ(f.Notifications()[0].receiver, "hook");

  // A complete evaluation without the alert clears it.
  f.clock.Advance(minutes(1));
  f.Eval("cpu", {});
  a = f.Get("cpu", kWeb1);
  EXPECT_EQ(a.state, AlertState::kResolved);
  EXPECT_EQ(a.resolved_at, f.clock.NowUnixNanos());
  auto n = f.Notifications();
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[1].status, "resolved");
  EXPECT_FALSE(n[1].notification.alerts.at(0).firing);
  EXPECT_EQ(Events(*f.manager, a.fingerprint),
            (std::vector<std::string>{"inactive->pending", "pending->firing", "firing->resolved"}));
}

TEST(AlertManager, PendingThatLapsesNeverFiresNorNotifies) {
  Fixture f;
  f.Open(RouteAll());
  f.manager->SetRules({Rule("cpu", minutes(5))});
  f.Eval("cpu", {Sample(kWeb1)});
  f.clock.Advance(minutes(2));
  f.Eval("cpu", {Sample(kWeb1, Condition::kClear)});
  EXPECT_EQ(f.State("cpu", kWeb1), AlertState::kInactive);
  EXPECT_TRUE(f.manager->Alerts().empty());
  EXPECT_TRUE(f.Notifications().empty());
  EXPECT_EQ(Events(*f.manager, Fixture::Fp("cpu", kWeb1)),
            (std::vector<std::string>{"inactive->pending", "pending->inactive"}));
  // The `for` timer starts afresh the next time.
  f.clock.Advance(minutes(4));
  f.Eval("cpu", {Sample(kWeb1)});
  f.clock.Advance(minutes(4));
  f.Eval("cpu", {Sample(kWeb1)});
  EXPECT_EQ(f.State("cpu", kWeb1), AlertState::kPending);
}

TEST(AlertManager, EventDrivenEvaluationsChangeOnlyTheAlertsTheyCarry) {
  Fixture f;
  f.Open();
  f.manager->SetRules({Rule("errors")});
  f.Eval("errors", {Sample(kWeb1), Sample(kWeb2)});
  f.Eval("errors", {Sample(kWeb1)}, /*complete=*/false);
  EXPECT_EQ(f.State("errors", kWeb2), AlertState::kFiring);
  f.Eval("errors", {Sample(kWeb1)}, /*complete=*/true);
  EXPECT_EQ(f.State("errors", kWeb2), AlertState::kResolved);
  EXPECT_EQ(f.State("errors", kWeb1), AlertState::kFiring);
}

TEST(AlertManager, KeepFiringForHoldsAfterClearThenResolvesOnTick) {
  Fixture f;
  f.Open(RouteAll());
  f.manager->SetRules({Rule("disk", Duration(0), minutes(10))});
  f.Eval("disk", {Sample(kWeb1)});
  f.clock.Advance(minutes(1));
  f.Eval("disk", {});
  EXPECT_EQ(f.State("disk", kWeb1), AlertState::kFiring);
  f.clock.Advance(minutes(9) - seconds(1));
  f.manager->Tick();
  EXPECT_EQ(f.State("disk", kWeb1), AlertState::kFiring);
  f.clock.Advance(seconds(1));
  f.manager->Tick();
  EXPECT_EQ(f.State("disk", kWeb1), AlertState::kResolved);
  EXPECT_EQ(f.Notifications().back().status, "resolved");
}

TEST(AlertManager, HysteresisHoldKeepsFiringAndStartsNothing) {
  Fixture f;
  f.Open();
  f.manager->SetRules({Rule("temp")});
  f.Eval("temp", {Sample(kWeb1, Condition::kActive, 91), Sample(kWeb2, Condition::kHold, 85)});
  EXPECT_EQ(f.State("temp", kWeb1), AlertState::kFiring);
  EXPECT_EQ(f.State("temp", kWeb2), AlertState::kInactive);
  f.clock.Advance(minutes(1));
  f.Eval("temp", {Sample(kWeb1, Condition::kHold, 85), Sample(kWeb2, Condition::kHold, 85)});
  EXPECT_EQ(f.State("temp", kWeb1), AlertState::kFiring);
  EXPECT_EQ(f.Get("temp", kWeb1).value, 85);
  f.clock.Advance(minutes(1));
  f.Eval("temp", {Sample(kWeb1, Condition::kClear, 70)});
  EXPECT_EQ(f.State("temp", kWeb1), AlertState::kResolved);
}

TEST(AlertManager, FlappingAlertIsHeldFiringWithoutNewNotifications) {
  Fixture f;
  AlertingConfig config = RouteAll();
  config.flapping.window = minutes(30);
  config.flapping.max_changes = 4;
  config.flapping.stable_for = minutes(15);
  f.Open(config);
  f.manager->SetRules({Rule("svc")});
  for (int i = 0; i < 5; ++i) {  // fire, resolve, fire, resolve, fire: 5 changes > 4
    f.Eval("svc", {Sample(kWeb1, i % 2 == 0 ? Condition::kActive : Condition::kClear)});
    f.clock.Advance(minutes(1));
  }
  Alert a = f.Get("svc", kWeb1);
  EXPECT_TRUE(a.flapping);
  EXPECT_EQ(a.state, AlertState::kFiring);
  size_t sent = f.Notifications().size();
  EXPECT_EQ(sent, 5u);  // 3 firing + 2 resolved before it was recognized
  for (int i = 0; i < 4; ++i) {
    f.Eval("svc", {Sample(kWeb1, i % 2 == 0 ? Condition::kClear : Condition::kActive)});
    f.clock.Advance(minutes(1));
    EXPECT_EQ(f.State("svc", kWeb1), AlertState::kFiring);
  }
  EXPECT_EQ(f.Notifications().size(), sent);
  AlertFilter firing;
  firing.states = {AlertState::kFiring};
  auto listed = f.manager->Alerts(firing);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0].alert.flapping);
  // Still active at the end: after 15 quiet minutes it stops flapping and keeps firing.
  f.clock.Advance(minutes(15));
  f.manager->Tick();
  a = f.Get("svc", kWeb1);
  EXPECT_FALSE(a.flapping);
  EXPECT_EQ(a.state, AlertState::kFiring);
  EXPECT_EQ(f.manager->metrics().flapping.Get().Value(), 0);
}

TEST(AlertManager, IgnoresEvaluationsOfRulesNotAnnounced) {
  Fixture f;
  f.Open(RouteAll());
  f.Eval("ghost", {Sample(kWeb1)});
  f.manager->SetRules({Rule("cpu")});
  f.Eval("ghost", {Sample(kWeb1)});
  EXPECT_TRUE(f.manager->Alerts().empty());
  EXPECT_TRUE(f.Notifications().empty());
}

TEST(AlertManager, ClearResultWithoutAnnotationsKeepsTheLastOnes) {
  Fixture f;
  f.Open(RouteAll());
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1, Condition::kActive, 97, {{"summary", "CPU at 97%"}})});
  f.Eval("cpu", {Sample(kWeb1, Condition::kClear, 20)}, /*complete=*/false);
  Alert a = f.Get("cpu", kWeb1);
  EXPECT_EQ(a.state, AlertState::kResolved);
  EXPECT_EQ(a.value, 20);
  auto n = f.Notifications();
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[1].notification.common_annotations, (Labels{{"summary", "CPU at 97%"}}));
}

TEST(AlertManager, EvaluationErrorLeavesAlertsUntouched) {
  Fixture f;
  f.Open(RouteAll());
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1)});
  RuleEvaluation failed;
  failed.rule = "cpu";
  failed.time_unix_nano = f.clock.NowUnixNanos();
  failed.error = "cpu.lua:3: attempt to index a nil value";
  f.manager->Apply(failed);
  EXPECT_EQ(f.State("cpu", kWeb1), AlertState::kFiring);
  EXPECT_EQ(f.Notifications().size(), 1u);
  EXPECT_EQ(f.manager->metrics().evaluation_errors.With({"cpu"}).Value(), 1);
}

TEST(AlertManager, RemovedRuleResolvesItsAlertsAndAReloadKeepsTheOthers) {
  Fixture f;
  f.Open(RouteAll());
  f.manager->SetRules({Rule("cpu"), Rule("mem", minutes(10))});
  f.Eval("cpu", {Sample(kWeb1)});
  f.Eval("mem", {Sample(kWeb1)});
  int64_t mem_since = f.Get("mem", kWeb1).active_since;
  f.clock.Advance(minutes(5));
  f.manager->SetRules({Rule("mem", minutes(10))});  // cpu.lua deleted
  EXPECT_EQ(f.State("cpu", kWeb1), AlertState::kResolved);
  EXPECT_EQ(f.Notifications().back().status, "resolved");
  Alert mem = f.Get("mem", kWeb1);
  EXPECT_EQ(mem.state, AlertState::kPending);
  EXPECT_EQ(mem.active_since, mem_since);
  f.clock.Advance(minutes(5));
  f.Eval("mem", {Sample(kWeb1)});
  EXPECT_EQ(f.State("mem", kWeb1), AlertState::kFiring);
}

TEST(AlertManager, AcknowledgedAlertGetsNoRepeatsUntilItChanges) {
  Fixture f;
  AlertingConfig config = RouteAll();
  config.repeat_interval = hours(1);
  f.Open(config);
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1)});
  f.clock.Advance(hours(1));
  f.manager->Tick();
  ASSERT_EQ(f.Notifications().size(), 2u);  // the firing and one repeat

  auto acked = f.manager->Acknowledge(Fixture::Fp("cpu", kWeb1), "alice", "on it");
  ASSERT_TRUE(acked.ok()) << acked.status().ToString();
  EXPECT_EQ(acked->alert.ack->by, "alice");
  f.clock.Advance(hours(3));
  f.manager->Tick();
  EXPECT_EQ(f.Notifications().size(), 2u);

  // Un-acknowledging brings the repeats back.
  ASSERT_TRUE(f.manager->Unacknowledge(Fixture::Fp("cpu", kWeb1), "alice").ok());
  f.manager->Tick();
  EXPECT_EQ(f.Notifications().size(), 3u);
  ASSERT_TRUE(f.manager->Acknowledge(Fixture::Fp("cpu", kWeb1), "bob", "").ok());

  // Resolving is a change: notified, and the acknowledgement ends with the episode.
  f.Eval("cpu", {});
  EXPECT_EQ(f.Notifications().back().status, "resolved");
  EXPECT_FALSE(f.Get("cpu", kWeb1).ack.has_value());
  f.Eval("cpu", {Sample(kWeb1)});
  EXPECT_EQ(f.Notifications().back().status, "firing");
  EXPECT_EQ(Events(*f.manager, Fixture::Fp("cpu", kWeb1)),
            (std::vector<std::string>{"inactive->firing", "acknowledged", "unacknowledged",
                                      "acknowledged", "firing->resolved", "resolved->firing"}));

  auto refused = f.manager->Acknowledge(Fixture::Fp("cpu", {{"host", "nope"}}), "x", "");
  EXPECT_EQ(refused.status().code(), StatusCode::kNotFound);
}

TEST(AlertManager, ManualResolveNotifiesAndRefiresOnlyAfterANewPendingPeriod) {
  Fixture f;
  f.Open(RouteAll());
  f.manager->SetRules({Rule("cpu", minutes(5))});
  f.Eval("cpu", {Sample(kWeb1)});
  f.clock.Advance(minutes(5));
  f.Eval("cpu", {Sample(kWeb1)});
  std::string fp = Fixture::Fp("cpu", kWeb1);
  auto resolved = f.manager->Resolve(fp, "alice", "fixed the fan");
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->alert.state, AlertState::kResolved);
  EXPECT_EQ(f.Notifications().back().status, "resolved");
  auto h = f.manager->History(fp, 1);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->at(0).actor, "alice");
  EXPECT_NE(h->at(0).reason.find("fixed the fan"), std::string::npos);
  EXPECT_EQ(f.manager->Resolve(fp, "alice", "").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(f.manager->Acknowledge(fp, "alice", "").status().code(),
            StatusCode::kFailedPrecondition);

  f.clock.Advance(minutes(1));
  f.Eval("cpu", {Sample(kWeb1)});
  EXPECT_EQ(f.State("cpu", kWeb1), AlertState::kPending);
  f.clock.Advance(minutes(5));
  f.Eval("cpu", {Sample(kWeb1)});
  EXPECT_EQ(f.State("cpu", kWeb1), AlertState::kFiring);
}

// One silence per matcher kind, each muting exactly the alert it should.
TEST(AlertManager, SilencesMuteMatchingAlertsWithEveryMatcherKind) {
  struct Case {
    const char* matcher;
    Labels muted;
    Labels not_muted;
  };
  const Case cases[] = {
      {"host=web-1", kWeb1, kWeb2},
      {"host!=web-1", kWeb2, kWeb1},
      {"host=~web-[1]", kWeb1, kWeb2},
      {"host!~web-1|db.*", kWeb2, kWeb1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.matcher);
    Fixture f;
    f.Open(RouteAll());
    f.manager->SetRules({Rule("cpu")});
    Silence s;
    s.matchers.push_back(*LabelMatcher::Parse(c.matcher));
    s.starts_at = f.clock.NowUnixNanos();
    s.ends_at = s.starts_at + std::chrono::nanoseconds(hours(1)).count();
    s.created_by = "alice";
    auto stored = f.manager->PutSilence(s);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    f.Eval("cpu", {Sample(c.muted), Sample(c.not_muted)});
    auto n = f.Notifications();
    ASSERT_EQ(n.size(), 1u);
    EXPECT_EQ(n[0].fingerprints.at(0), Fixture::Fp("cpu", c.not_muted));
    auto muted = f.manager->GetAlert(Fixture::Fp("cpu", c.muted));
    ASSERT_TRUE(muted.ok());
    EXPECT_EQ(muted->alert.state, AlertState::kFiring);
    EXPECT_EQ(muted->silenced_by, std::vector<std::string>{stored->id});
    AlertFilter silenced;
    silenced.silenced = true;
    EXPECT_EQ(f.manager->Alerts(silenced).size(), 1u);

    // Expiring the silence announces the alert at the next tick.
    ASSERT_TRUE(f.manager->ExpireSilence(stored->id).ok());
    f.manager->Tick();
    n = f.Notifications();
    ASSERT_EQ(n.size(), 2u);
    EXPECT_EQ(n[1].fingerprints.at(0), Fixture::Fp("cpu", c.muted));
  }
}

TEST(AlertManager, SilenceEndingByTimeAndPendingSilences) {
  Fixture f;
  f.Open(RouteAll());
  f.manager->SetRules({Rule("cpu")});
  Silence s;
  s.matchers.push_back(*LabelMatcher::Parse("alertname=cpu"));
  s.starts_at = f.clock.NowUnixNanos() + std::chrono::nanoseconds(minutes(10)).count();
  s.ends_at = s.starts_at + std::chrono::nanoseconds(minutes(10)).count();
  s.created_by = "alice";
  ASSERT_TRUE(f.manager->PutSilence(s).ok());
  f.Eval("cpu", {Sample(kWeb1)});
  EXPECT_EQ(f.Notifications().size(), 1u);  // the silence has not started
  f.clock.Advance(minutes(11));
  f.Eval("cpu", {});  // resolves while silenced: nothing sent
  EXPECT_EQ(f.Notifications().size(), 1u);
  f.Eval("cpu", {Sample(kWeb1)});
  EXPECT_EQ(f.Notifications().size(), 1u);
  f.clock.Advance(minutes(10));
  f.manager->Tick();
  EXPECT_EQ(f.Notifications().size(), 2u);
  EXPECT_EQ(f.manager->PutSilence(Silence{}).status().code(), StatusCode::kInvalidArgument);
}

TEST(AlertManager, RoutesPickReceiversRepeatAndSendResolved) {
  Fixture f;
  AlertingConfig config = testing::Ungrouped();
  config.repeat_interval = hours(4);
  Route critical;
  critical.matchers.push_back(*LabelMatcher::Parse("severity=critical"));
  critical.receivers = {"pager"};
  critical.repeat_interval = hours(1);
  critical.send_resolved = false;
  critical.continue_matching = true;
  Route all;
  all.receivers = {"chat"};
  Route never;
  never.receivers = {"unreached"};
  config.routes = {critical, all, never};
  f.Open(config);
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample({{"severity", "critical"}}), Sample({{"severity", "warning"}})});
  auto n = f.Notifications();
  ASSERT_EQ(n.size(), 3u);  // pager + chat for critical, chat for warning
  std::multiset<std::string> receivers;
  for (const auto& r : n) receivers.insert(r.receiver);
  EXPECT_EQ(receivers, (std::multiset<std::string>{"chat", "chat", "pager"}));
  f.clock.Advance(hours(1));
  f.manager->Tick();
  n = f.Notifications();
  ASSERT_EQ(n.size(), 4u);  // the pager's hourly repeat only
  EXPECT_EQ(n[3].receiver, "pager");
  f.Eval("cpu", {});
  n = f.Notifications();
  ASSERT_EQ(n.size(), 6u);  // resolved to chat twice; not to the pager (send_resolved: false)
  EXPECT_EQ(n[4].receiver, "chat");
  EXPECT_EQ(n[5].receiver, "chat");
  EXPECT_EQ(n[4].status, "resolved");
}

TEST(AlertManager, RestartKeepsStateAndForTimersExactly) {
  Fixture f;
  f.Open(RouteAll());
  f.manager->SetRules({Rule("cpu", minutes(5)), Rule("disk", Duration(0), minutes(10))});
  f.Eval("cpu", {Sample(kWeb1, Condition::kActive, 97, {{"summary", "hot"}})});
  f.Eval("disk", {Sample(kWeb1)});
  f.clock.Advance(minutes(1));
  f.Eval("disk", {});  // clear: firing for 10 more minutes
  ASSERT_TRUE(f.manager->Acknowledge(Fixture::Fp("disk", kWeb1), "alice", "known").ok());
  Alert cpu_before = f.Get("cpu", kWeb1);
  f.clock.Advance(minutes(3));
  f.Close();

  f.Open(RouteAll());
  f.manager->SetRules({Rule("cpu", minutes(5)), Rule("disk", Duration(0), minutes(10))});
  Alert cpu = f.Get("cpu", kWeb1);
  EXPECT_EQ(cpu.state, AlertState::kPending);
  EXPECT_EQ(cpu.active_since, cpu_before.active_since);
  EXPECT_EQ(cpu.annotations, (Labels{{"summary", "hot"}}));
  EXPECT_EQ(cpu.value, 97);
  Alert disk = f.Get("disk", kWeb1);
  EXPECT_EQ(disk.state, AlertState::kFiring);
  ASSERT_TRUE(disk.ack.has_value());
  EXPECT_EQ(disk.ack->comment, "known");

  // 4m59s after it went pending: still pending; at 5m: firing, as if nothing restarted.
  f.clock.Advance(minutes(1) - seconds(1));
  f.Eval("cpu", {Sample(kWeb1)});
  EXPECT_EQ(f.State("cpu", kWeb1), AlertState::kPending);
  f.clock.Advance(seconds(1));
  f.Eval("cpu", {Sample(kWeb1)});
  EXPECT_EQ(f.State("cpu", kWeb1), AlertState::kFiring);
  EXPECT_EQ(f.Get("cpu", kWeb1).fired_at - cpu_before.active_since,
            std::chrono::nanoseconds(minutes(5)).count());

  // keep_firing_for counts from the last active result before the restart (t0): until t0+10m.
  f.clock.Advance(minutes(5) - seconds(1));  // t0 + 9m59s
  f.manager->Tick();
  EXPECT_EQ(f.State("disk", kWeb1), AlertState::kFiring);
  f.clock.Advance(seconds(1));
  f.manager->Tick();
  EXPECT_EQ(f.State("disk", kWeb1), AlertState::kResolved);
}

TEST(AlertManager, TicksBeforeTheRulesAreKnownLeaveRestoredAlertsAlone) {
  Fixture f;
  f.Open();
  f.manager->SetRules({Rule("disk", Duration(0), minutes(10))});
  f.Eval("disk", {Sample(kWeb1)});
  f.Eval("disk", {});
  f.Close();
  f.Open();
  f.clock.Advance(minutes(20));
  f.manager->Tick();
  EXPECT_EQ(f.State("disk", kWeb1), AlertState::kFiring);
  f.manager->SetRules({Rule("disk", Duration(0), minutes(10))});
  f.manager->Tick();
  EXPECT_EQ(f.State("disk", kWeb1), AlertState::kResolved);
}

TEST(AlertManager, DeferredValueChangesAreWrittenOnStop) {
  Fixture f;
  f.Open();
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1, Condition::kActive, 1)});
  f.Eval("cpu", {Sample(kWeb1, Condition::kActive, 42, {{"summary", "now 42"}})});
  f.Close();
  f.Open();
  EXPECT_EQ(f.Get("cpu", kWeb1).value, 42);
  EXPECT_EQ(f.Get("cpu", kWeb1).annotations, (Labels{{"summary", "now 42"}}));
}

TEST(AlertManager, ResolvedAlertsAreForgottenAfterRetentionButKeepHistory) {
  Fixture f;
  AlertingConfig config = testing::Ungrouped();
  config.retention.resolved = hours(1);
  f.Open(config);
  f.manager->SetRules({Rule("cpu")});
  f.Eval("cpu", {Sample(kWeb1)});
  f.Eval("cpu", {});
  f.clock.Advance(hours(1));
  f.manager->Tick();
  EXPECT_TRUE(f.manager->Alerts().empty());
  auto h = f.manager->History(Fixture::Fp("cpu", kWeb1), 10);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->size(), 2u);
}

TEST(AlertManager, MetricsCountStatesAndTransitions) {
  Fixture f;
  f.Open();
  f.manager->SetRules({Rule("cpu", minutes(1))});
  f.Eval("cpu", {Sample(kWeb1), Sample(kWeb2)});
  auto& m = f.manager->metrics();
  EXPECT_EQ(m.alerts.With({"pending"}).Value(), 2);
  f.clock.Advance(minutes(1));
  f.Eval("cpu", {Sample(kWeb1)});
  EXPECT_EQ(m.alerts.With({"firing"}).Value(), 1);
  EXPECT_EQ(m.alerts.With({"pending"}).Value(), 0);
  EXPECT_EQ(m.transitions.With({"pending", "firing"}).Value(), 1);
  EXPECT_EQ(m.transitions.With({"pending", "inactive"}).Value(), 1);
  std::string text = m.registry().Render();
  EXPECT_NE(text.find("nightjar_alerts{state=\"firing\"} 1"), std::string::npos) << text;
}

TEST(AlertStore, RefusesADatabaseFromANewerVersion) {
  collector::testing::TempDir dir;
  {
    auto db = sqlite::Database::Open(dir.File("alerts.db"));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("PRAGMA user_version = 99").ok());
  }
  AlertManagerOptions options;
  options.database_path = dir.File("alerts.db");
  auto opened = AlertManager::Open(options);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find("newer than this collector's"), std::string::npos)
      << opened.status().ToString();
}

}  // namespace
}  // namespace nightjar::collector::alerting
