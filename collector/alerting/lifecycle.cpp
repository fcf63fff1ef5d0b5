// The alert state machine; see lifecycle.h.
#include "alerting/lifecycle.h"

#include <algorithm>

#include "runtime/units.h"

namespace nightjar::collector::alerting {
namespace {

using Condition = AlertSample::Condition;

std::string Dur(int64_t nanos) { return FormatDuration(std::chrono::nanoseconds(nanos)); }

// Resolves a raw firing alert whose condition has been clear for keep_firing_for.
void ExpireKeepFiring(Alert* a, const RuleSpec& rule, int64_t now) {
  if (a->raw_state == AlertState::kFiring && a->last_condition == Condition::kClear &&
      now - a->last_active_at >= rule.keep_firing_for.count()) {
    a->raw_state = AlertState::kResolved;
  }
}

// Advances the raw state by one result of the rule.
void StepRaw(Alert* a, Condition condition, const RuleSpec& rule, int64_t now) {
  AlertState& raw = a->raw_state;
  switch (condition) {
    case Condition::kActive:
      a->last_active_at = now;
      if (raw == AlertState::kInactive || raw == AlertState::kResolved) {
        raw = AlertState::kPending;
        a->active_since = now;
      }
      if (raw == AlertState::kPending && now - a->active_since >= rule.for_duration.count()) {
        raw = AlertState::kFiring;
      }
      break;
    case Condition::kHold:
      // Between the firing and the resolve threshold: whatever runs keeps running (and counts
      // as still active for keep_firing_for), nothing new starts.
      if (raw == AlertState::kPending || raw == AlertState::kFiring) a->last_active_at = now;
      break;
    case Condition::kClear:
      if (raw == AlertState::kPending) raw = AlertState::kInactive;
      break;
  }
  a->last_condition = condition;
  ExpireKeepFiring(a, rule, now);
}

// Returns the visible state the alert should have now.
AlertState VisibleTarget(const Alert& a) {
  if (a.flapping) return AlertState::kFiring;
  if (a.state == AlertState::kFiring && a.raw_state != AlertState::kFiring) {
    return AlertState::kResolved;
  }
  // A resolved alert stays resolved (not "inactive") until its condition comes back.
  if (a.state == AlertState::kResolved && a.raw_state == AlertState::kInactive) {
    return AlertState::kResolved;
  }
  return a.raw_state;
}

std::string Reason(const Alert& a, AlertState to, const RuleSpec& rule, bool flap_ended,
                   int64_t now) {
  switch (to) {
    case AlertState::kPending:
      return "condition active; fires after " + Dur(rule.for_duration.count());
    case AlertState::kFiring:
      if (a.flapping && a.raw_state != AlertState::kFiring) return "flapping: held firing";
      return rule.for_duration.count() > 0 ? "condition active for " + Dur(now - a.active_since)
                                           : "condition active";
    case AlertState::kResolved:
      if (flap_ended && !a.flap_changes.empty())
        return "stable for " + Dur(now - a.flap_changes.back()) + " after flapping";
      if (rule.keep_firing_for.count() > 0) {
        return "condition clear for " + Dur(now - a.last_active_at) + " (keep_firing_for " +
               Dur(rule.keep_firing_for.count()) + ")";
      }
      return "condition cleared";
    case AlertState::kInactive:
      return "condition cleared before `for` (" + Dur(rule.for_duration.count()) + ") elapsed";
  }
  return "";
}

// Updates flap tracking after a raw step and moves the visible state; returns what changed.
std::vector<Transition> Settle(Alert* a, AlertState raw_before, const RuleSpec& rule,
                               const FlapPolicy& flap, int64_t now) {
  std::vector<Transition> out;
  bool changed = (raw_before == AlertState::kFiring) != (a->raw_state == AlertState::kFiring);
  bool flap_ended = false;
  if (flap.max_changes > 0) {
    if (changed) a->flap_changes.push_back(now);
    // Keep what either test below needs: changes within the window, and the last change.
    int64_t keep = std::max(flap.window.count(), flap.stable_for.count());
    auto old = std::find_if(a->flap_changes.begin(), a->flap_changes.end(),
                            [&](int64_t t) { return now - t < keep; });
    if (old == a->flap_changes.end() && !a->flap_changes.empty()) --old;  // keep the last one
    a->flap_changes.erase(a->flap_changes.begin(), old);
    int64_t in_window = std::count_if(a->flap_changes.begin(), a->flap_changes.end(),
                                      [&](int64_t t) { return now - t < flap.window.count(); });
    // Only a change can start flapping: an alert that just became stable keeps its recent
    // changes in the window, and must not be marked again without a new one.
    if (changed && !a->flapping && in_window > flap.max_changes) {
      a->flapping = true;
      a->flapping_since = now;
      out.push_back({a->state, a->state, "flapping",
                     std::to_string(in_window) + " changes within " + Dur(flap.window.count())});
    } else if (a->flapping && !changed &&
               (a->flap_changes.empty() ||
                now - a->flap_changes.back() >= flap.stable_for.count())) {
      a->flapping = false;
      flap_ended = true;
      out.push_back({a->state, a->state, "stable",
                     "no change for " + Dur(flap.stable_for.count()) + " after flapping"});
    }
  } else if (a->flapping) {
    a->flapping = false;  // flap detection was turned off by a configuration reload
    flap_ended = true;
    out.push_back({a->state, a->state, "stable", "flap detection disabled"});
  }

  AlertState target = VisibleTarget(*a);
  if (target == a->state) return out;
  out.push_back({a->state, target, "state", Reason(*a, target, rule, flap_ended, now)});
  a->state = target;
  a->state_changed_at = now;
  if (target == AlertState::kFiring) {
    a->fired_at = now;
    a->resolved_at = 0;
  } else if (target == AlertState::kResolved) {
    a->resolved_at = now;
  }
  return out;
}

}  // namespace

std::vector<Transition> ApplySample(Alert* alert, const AlertSample& sample, const RuleSpec& rule,
                                    const FlapPolicy& flap, int64_t now) {
  AlertState before = alert->raw_state;
  alert->value = sample.value;
  alert->evaluated_at = now;
  StepRaw(alert, sample.condition, rule, now);
  return Settle(alert, before, rule, flap, now);
}

std::vector<Transition> ApplyTime(Alert* alert, const RuleSpec& rule, const FlapPolicy& flap,
                                  int64_t now) {
  AlertState before = alert->raw_state;
  ExpireKeepFiring(alert, rule, now);
  return Settle(alert, before, rule, flap, now);
}

std::vector<Transition> ForceResolve(Alert* alert, const std::string& reason, int64_t now) {
  std::vector<Transition> out;
  if (alert->flapping) {
    alert->flapping = false;
    out.push_back({alert->state, alert->state, "stable", reason});
  }
  alert->flap_changes.clear();
  alert->last_condition = AlertSample::Condition::kClear;
  AlertState target = alert->state == AlertState::kFiring     ? AlertState::kResolved
                      : alert->state == AlertState::kResolved ? AlertState::kResolved
                                                              : AlertState::kInactive;
  alert->raw_state = target;
  if (target == alert->state) return out;
  out.push_back({alert->state, target, "state", reason});
  alert->state = target;
  alert->state_changed_at = now;
  if (target == AlertState::kResolved) alert->resolved_at = now;
  return out;
}

}  // namespace nightjar::collector::alerting
