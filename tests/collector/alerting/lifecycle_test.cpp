// The alert state machine (collector/alerting/lifecycle.h) on its own: raw and visible states,
// `for`, keep_firing_for, hysteresis and flap detection, with times given explicitly.
#include "alerting/lifecycle.h"

#include <gtest/gtest.h>

namespace nightjar::collector::alerting {
namespace {

using Condition = AlertSample::Condition;
constexpr int64_t kT0 = 1'700'000'000'000'000'000;
constexpr int64_t kSec = 1'000'000'000;

RuleSpec Spec(int64_t for_secs, int64_t keep_secs = 0) {
  RuleSpec r;
  r.name = "r";
  r.for_duration = std::chrono::seconds(for_secs);
  r.keep_firing_for = std::chrono::seconds(keep_secs);
  return r;
}

AlertSample With(Condition c) {
  AlertSample s;
  s.condition = c;
  return s;
}

FlapPolicy NoFlap() {
  FlapPolicy f;
  f.max_changes = 0;
  return f;
}

TEST(Lifecycle, PendingFiresOnlyOnceForHasElapsed) {
  Alert a;
  auto t = ApplySample(&a, With(Condition::kActive), Spec(60), NoFlap(), kT0);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].to, AlertState::kPending);
  EXPECT_EQ(a.active_since, kT0);
  ApplySample(&a, With(Condition::kActive), Spec(60), NoFlap(), kT0 + 59 * kSec);
  EXPECT_EQ(a.state, AlertState::kPending);
  t = ApplySample(&a, With(Condition::kActive), Spec(60), NoFlap(), kT0 + 60 * kSec);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, AlertState::kPending);
  EXPECT_EQ(t[0].to, AlertState::kFiring);
  EXPECT_EQ(a.fired_at, kT0 + 60 * kSec);
  EXPECT_EQ(a.active_since, kT0);  // the `for` timer's start is kept for display
}

TEST(Lifecycle, HoldNeitherStartsNorAdvancesNorClears) {
  Alert a;
  EXPECT_TRUE(ApplySample(&a, With(Condition::kHold), Spec(0), NoFlap(), kT0).empty());
  EXPECT_EQ(a.state, AlertState::kInactive);

  ApplySample(&a, With(Condition::kActive), Spec(60), NoFlap(), kT0);
  // A hold past `for` does not fire: only an active result does.
  EXPECT_TRUE(ApplySample(&a, With(Condition::kHold), Spec(60), NoFlap(), kT0 + 90 * kSec).empty());
  EXPECT_EQ(a.state, AlertState::kPending);
  ApplySample(&a, With(Condition::kActive), Spec(60), NoFlap(), kT0 + 91 * kSec);
  EXPECT_EQ(a.state, AlertState::kFiring);
  // Firing stays firing on hold, and hold refreshes keep_firing_for's timer.
  EXPECT_TRUE(
      ApplySample(&a, With(Condition::kHold), Spec(60, 30), NoFlap(), kT0 + 200 * kSec).empty());
  EXPECT_EQ(a.state, AlertState::kFiring);
  EXPECT_EQ(a.last_active_at, kT0 + 200 * kSec);
}

TEST(Lifecycle, KeepFiringForRunsFromTheLastActiveResult) {
  Alert a;
  ApplySample(&a, With(Condition::kActive), Spec(0, 120), NoFlap(), kT0);
  EXPECT_EQ(a.state, AlertState::kFiring);
  EXPECT_TRUE(
      ApplySample(&a, With(Condition::kClear), Spec(0, 120), NoFlap(), kT0 + 10 * kSec).empty());
  EXPECT_EQ(a.state, AlertState::kFiring);
  EXPECT_TRUE(ApplyTime(&a, Spec(0, 120), NoFlap(), kT0 + 119 * kSec).empty());
  auto t = ApplyTime(&a, Spec(0, 120), NoFlap(), kT0 + 120 * kSec);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].to, AlertState::kResolved);
  EXPECT_NE(t[0].reason.find("keep_firing_for"), std::string::npos) << t[0].reason;
  EXPECT_EQ(a.resolved_at, kT0 + 120 * kSec);
}

TEST(Lifecycle, PendingThatLapsesBecomesInactive) {
  Alert a;
  ApplySample(&a, With(Condition::kActive), Spec(300), NoFlap(), kT0);
  auto t = ApplySample(&a, With(Condition::kClear), Spec(300), NoFlap(), kT0 + 60 * kSec);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, AlertState::kPending);
  EXPECT_EQ(t[0].to, AlertState::kInactive);
  EXPECT_EQ(a.fired_at, 0);
}

TEST(Lifecycle, FlappingHoldsFiringUntilStable) {
  FlapPolicy flap;
  flap.window = std::chrono::minutes(10);
  flap.max_changes = 3;
  flap.stable_for = std::chrono::minutes(5);
  Alert a;
  int64_t now = kT0;
  // fire, resolve, fire: 3 changes, not more than 3.
  ApplySample(&a, With(Condition::kActive), Spec(0), flap, now);
  ApplySample(&a, With(Condition::kClear), Spec(0), flap, now += 30 * kSec);
  EXPECT_EQ(a.state, AlertState::kResolved);
  ApplySample(&a, With(Condition::kActive), Spec(0), flap, now += 30 * kSec);
  EXPECT_FALSE(a.flapping);
  // The 4th change (a resolve) marks it flapping and is held firing.
  auto t = ApplySample(&a, With(Condition::kClear), Spec(0), flap, now += 30 * kSec);
  EXPECT_TRUE(a.flapping);
  EXPECT_EQ(a.state, AlertState::kFiring);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].event, "flapping");
  EXPECT_EQ(a.raw_state, AlertState::kResolved);
  // More flips change nothing visible.
  EXPECT_TRUE(ApplySample(&a, With(Condition::kActive), Spec(0), flap, now += 30 * kSec).empty());
  EXPECT_TRUE(ApplySample(&a, With(Condition::kClear), Spec(0), flap, now += 30 * kSec).empty());
  EXPECT_EQ(a.state, AlertState::kFiring);
  // Not yet stable 4m59s after the last flip; stable at 5m, and then it resolves.
  EXPECT_TRUE(ApplyTime(&a, Spec(0), flap, now + 299 * kSec).empty());
  t = ApplyTime(&a, Spec(0), flap, now + 300 * kSec);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].event, "stable");
  EXPECT_EQ(t[1].to, AlertState::kResolved);
  EXPECT_FALSE(a.flapping);
}

TEST(Lifecycle, ChangesOutsideTheWindowDoNotCount) {
  FlapPolicy flap;
  flap.window = std::chrono::minutes(10);
  flap.max_changes = 3;
  Alert a;
  int64_t now = kT0;
  for (int i = 0; i < 6; ++i) {
    ApplySample(&a, With(i % 2 == 0 ? Condition::kActive : Condition::kClear), Spec(0), flap,
                now += 4 * 60 * kSec);  // at most 3 changes in any 10 minutes
  }
  EXPECT_FALSE(a.flapping);
  EXPECT_EQ(a.state, AlertState::kResolved);
}

TEST(Lifecycle, ForceResolveEndsFlappingAndForgetsPending) {
  Alert firing;
  ApplySample(&firing, With(Condition::kActive), Spec(0), NoFlap(), kT0);
  auto t = ForceResolve(&firing, "by hand", kT0 + kSec);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].to, AlertState::kResolved);
  EXPECT_EQ(firing.raw_state, AlertState::kResolved);
  // Its condition coming back starts a new pending period (not an instant refire).
  ApplySample(&firing, With(Condition::kActive), Spec(60), NoFlap(), kT0 + 2 * kSec);
  EXPECT_EQ(firing.state, AlertState::kPending);

  Alert pending;
  ApplySample(&pending, With(Condition::kActive), Spec(60), NoFlap(), kT0);
  t = ForceResolve(&pending, "rule removed", kT0 + kSec);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].to, AlertState::kInactive);
}

}  // namespace
}  // namespace nightjar::collector::alerting
