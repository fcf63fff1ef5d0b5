// The alert state machine, as pure functions over an Alert: what a rule's result (active,
// hold, clear) or the passing of time does to it. No I/O and no clock: the caller passes the
// time, so tests and the AlertManager drive it the same way.
//
//   raw:  inactive/resolved --active--> pending --active, `for` elapsed--> firing
//         pending --clear--> inactive                 (lapsed: never fired)
//         firing --clear, keep_firing_for elapsed since last active--> resolved
//         hold: pending and firing stay as they are; inactive/resolved do not start
//   visible = raw, except flapping (held firing) and manual resolves.
//
// Flap detection: each raw change between firing and not firing is a change. More than
// `max_changes` changes within `window` mark the alert flapping: it is held firing (no
// resolved notification, no new firing notification) until no raw change happened for
// `stable_for`; then it takes its raw state (resolving if the raw state is not firing).
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "alerting/alert.h"
#include "alerting/rule_evaluation.h"

namespace nightjar::collector::alerting {

struct FlapPolicy {
  std::chrono::nanoseconds window = std::chrono::minutes(30);
  int max_changes = 4;  // 0 disables flap detection
  std::chrono::nanoseconds stable_for = std::chrono::minutes(15);
};

// One visible change (or flapping starting or ending) to record in the history.
struct Transition {
  AlertState from = AlertState::kInactive;
  AlertState to = AlertState::kInactive;
  std::string event;  // "state", "flapping", "stable"
  std::string reason;
};

// Applies one result of the alert's rule at `now`. `sample` carries the condition, value and
// annotations. Returns the visible transitions, in order.
std::vector<Transition> ApplySample(Alert* alert, const AlertSample& sample, const RuleSpec& rule,
                                    const FlapPolicy& flap, int64_t now);

// Applies the passing of time at `now` without a new result: keep_firing_for running out for
// an alert whose condition is clear, and flapping ending.
std::vector<Transition> ApplyTime(Alert* alert, const RuleSpec& rule, const FlapPolicy& flap,
                                  int64_t now);

// Resolves the alert by hand or because its rule went away: visible and raw state become
// resolved (a pending alert becomes inactive), flapping ends. Returns the transition, if any.
std::vector<Transition> ForceResolve(Alert* alert, const std::string& reason, int64_t now);

}  // namespace nightjar::collector::alerting
