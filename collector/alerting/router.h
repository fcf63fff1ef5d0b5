// Which notifier instances hear about an alert: the configured routes, tried in order; the
// first whose matchers all match takes the alert, and routes with `continue: true` let the
// following ones match too. A receiver reached through several routes is notified once, with
// the settings of the first route that reached it.
//
// The routing tree, grouping and inhibition of a fuller notification design extend this: a
// RouteMatch already carries what a notification needs from its route (the group key prefix,
// repeat interval and send_resolved).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "alerting/alerting_config.h"
#include "alerting/rule_evaluation.h"

namespace nightjar::collector::alerting {

struct RouteMatch {
  std::string receiver;
  std::string route_key;  // identifies the route in group keys, e.g. {}/{severity="critical"}
  Duration repeat_interval{0};
  bool send_resolved = true;
};

// Returns the receivers for `labels`, in route order, each once.
std::vector<RouteMatch> MatchRoutes(const AlertingConfig& config, const Labels& labels);

// Returns the settings for `receiver` from the first route that reaches `labels` through it,
// or the configuration's defaults when none does any more (e.g. after a reload).
RouteMatch RouteFor(const AlertingConfig& config, const Labels& labels,
                    const std::string& receiver);

}  // namespace nightjar::collector::alerting
