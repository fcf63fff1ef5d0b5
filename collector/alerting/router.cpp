// Routing alerts to receivers; see router.h.
#include "alerting/router.h"

#include <algorithm>

#include "alerting/labels.h"

namespace nightjar::collector::alerting {
namespace {

// A matched route with what it inherited.
struct Node {
  std::vector<std::string> receivers;
  RouteMatch settings;  // everything but the receiver
};

Node Root(const AlertingConfig& config) {
  Node root;
  root.settings.route_key = "{}";
  root.settings.group_by = config.group_by;
  root.settings.group_wait = config.group_wait;
  root.settings.group_interval = config.group_interval;
  root.settings.repeat_interval = config.repeat_interval;
  root.settings.send_resolved = config.send_resolved;
  return root;
}

Node Inherit(const Node& parent, const Route& route) {
  Node node = parent;
  std::string key = parent.settings.route_key + "/{";
  for (size_t i = 0; i < route.matchers.size(); ++i) {
    if (i > 0) key += ",";
    key += route.matchers[i].ToString();
  }
  node.settings.route_key = key + "}";
  if (!route.receivers.empty()) node.receivers = route.receivers;
  if (route.group_by) node.settings.group_by = *route.group_by;
  if (route.group_wait) node.settings.group_wait = *route.group_wait;
  if (route.group_interval) node.settings.group_interval = *route.group_interval;
  if (route.repeat_interval.count() > 0) node.settings.repeat_interval = route.repeat_interval;
  if (route.send_resolved) node.settings.send_resolved = *route.send_resolved;
  if (route.mute_time_intervals) node.settings.mute_time_intervals = *route.mute_time_intervals;
  if (route.active_time_intervals) {
    node.settings.active_time_intervals = *route.active_time_intervals;
  }
  return node;
}

// Appends the routes among `routes` (children of `parent`) that take `labels`; returns whether
// any matched.
bool MatchChildren(const std::vector<Route>& routes, const Node& parent, const Labels& labels,
                   std::vector<Node>* out) {
  bool matched = false;
  for (const Route& route : routes) {
    if (!MatchesAll(route.matchers, labels)) continue;
    matched = true;
    Node node = Inherit(parent, route);
    if (!MatchChildren(route.routes, node, labels, out)) out->push_back(std::move(node));
    if (!route.continue_matching) break;
  }
  return matched;
}

// Returns true when any interval named in `names` holds at `unix_nanos`.
bool AnyHolds(const AlertingConfig& config, const std::vector<std::string>& names,
              int64_t unix_nanos) {
  for (const NamedTimeInterval& interval : config.time_intervals) {
    bool named = std::find(names.begin(), names.end(), interval.name) != names.end();
    if (named && Contains(interval, unix_nanos)) return true;
  }
  return false;
}

}  // namespace

bool RouteMuted(const AlertingConfig& config, const RouteMatch& route, int64_t unix_nanos) {
  if (AnyHolds(config, route.mute_time_intervals, unix_nanos)) return true;
  return !route.active_time_intervals.empty() &&
         !AnyHolds(config, route.active_time_intervals, unix_nanos);
}

std::vector<RouteMatch> MatchRoutes(const AlertingConfig& config, const Labels& labels) {
  std::vector<Node> nodes;
  MatchChildren(config.routes, Root(config), labels, &nodes);
  std::vector<RouteMatch> out;
  for (const Node& node : nodes) {
    for (const std::string& receiver : node.receivers) {
      bool seen = std::any_of(out.begin(), out.end(),
                              [&](const RouteMatch& m) { return m.receiver == receiver; });
      if (seen) continue;
      RouteMatch m = node.settings;
      m.receiver = receiver;
      out.push_back(std::move(m));
    }
  }
  return out;
}

RouteMatch RouteFor(const AlertingConfig& config, const Labels& labels,
                    const std::string& receiver) {
  for (RouteMatch& m : MatchRoutes(config, labels)) {
    if (m.receiver == receiver) return m;
  }
  RouteMatch m = Root(config).settings;
  m.receiver = receiver;
  return m;
}

Labels GroupLabels(const RouteMatch& route, const Labels& labels) {
  if (std::find(route.group_by.begin(), route.group_by.end(), "...") != route.group_by.end()) {
    return labels;
  }
  Labels out;
  for (const auto& [name, value] : labels) {
    if (std::find(route.group_by.begin(), route.group_by.end(), name) != route.group_by.end()) {
      out.emplace_back(name, value);
    }
  }
  return Canonical(std::move(out));
}

}  // namespace nightjar::collector::alerting
