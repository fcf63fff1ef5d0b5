// Inhibition as Prometheus Alertmanager does it: a firing alert matching an inhibit rule's
// source matchers mutes every other alert matching its target matchers that has the same
// values of the rule's `equal` labels (a label both lack counts as equal). An alert matching
// both sides of a rule is only muted by sources that do not also match the target side, so
// that a set of alerts cannot mute each other. A muted alert is not notified; it is listed
// with `inhibited_by`.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "alerting/alert.h"
#include "alerting/alerting_config.h"

namespace nightjar::collector::alerting {

// Returns, for each muted alert of `alerts` (by fingerprint), the fingerprints of the firing
// alerts that mute it, sorted.
std::map<std::string, std::vector<std::string>> Inhibitions(
    const std::vector<InhibitRule>& rules, const std::map<std::string, Alert>& alerts);

}  // namespace nightjar::collector::alerting
