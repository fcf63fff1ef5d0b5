// Which notifier instances hear about an alert, and in which group: the routing tree of the
// configuration, matched as Prometheus Alertmanager matches it. The top-level routes are the
// children of an implicit root that names no receivers. At each level the routes are tried in
// order; the first whose matchers all match takes the alert (routes with `continue: true` let
// the following ones match too), and within it the deepest matching child route decides: a
// route is used itself only when none of its children matches. A child inherits the receivers,
// group_by, intervals, send_resolved and mute/active time intervals it does not set. A receiver
// reached through several routes is notified once, with the settings of the first route that
// reached it.
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
  // Identifies the route in group keys as Alertmanager does: the matchers of each route from
  // the root down, e.g. {}/{severity="critical"}/{team="db"}.
  std::string route_key;
  std::vector<std::string> group_by = {"alertname"};
  Duration group_wait{0};
  Duration group_interval{0};
  Duration repeat_interval{0};
  bool send_resolved = true;
  std::vector<std::string> mute_time_intervals;    // names in AlertingConfig::time_intervals
  std::vector<std::string> active_time_intervals;  // empty = always active
};

// Returns true when `route` must stay quiet at `unix_nanos`: one of its mute intervals holds, or
// it has active intervals and none holds.
bool RouteMuted(const AlertingConfig& config, const RouteMatch& route, int64_t unix_nanos);

// Returns the receivers for `labels`, in route order, each once.
std::vector<RouteMatch> MatchRoutes(const AlertingConfig& config, const Labels& labels);

// Returns the settings for `receiver` from the first route that reaches `labels` through it,
// or the configuration's top-level settings when none does any more (e.g. after a reload).
RouteMatch RouteFor(const AlertingConfig& config, const Labels& labels,
                    const std::string& receiver);

// Returns the labels of `labels` that `route` groups by (all of them for group_by ['...']),
// canonical.
Labels GroupLabels(const RouteMatch& route, const Labels& labels);

}  // namespace nightjar::collector::alerting
