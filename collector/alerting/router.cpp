// Routing alerts to receivers; see router.h.
#include "alerting/router.h"

#include <algorithm>

namespace nightjar::collector::alerting {
namespace {

std::string RouteKey(const Route& route) {
  std::string key = "{}/{";
  for (size_t i = 0; i < route.matchers.size(); ++i) {
    if (i > 0) key += ",";
    key += route.matchers[i].ToString();
  }
  return key + "}";
}

}  // namespace

std::vector<RouteMatch> MatchRoutes(const AlertingConfig& config, const Labels& labels) {
  std::vector<RouteMatch> out;
  for (const Route& route : config.routes) {
    if (!MatchesAll(route.matchers, labels)) continue;
    for (const std::string& receiver : route.receivers) {
      bool seen = std::any_of(out.begin(), out.end(),
                              [&](const RouteMatch& m) { return m.receiver == receiver; });
      if (seen) continue;
      RouteMatch m;
      m.receiver = receiver;
      m.route_key = RouteKey(route);
      m.repeat_interval =
          route.repeat_interval.count() > 0 ? route.repeat_interval : config.repeat_interval;
      m.send_resolved = route.send_resolved.value_or(config.send_resolved);
      out.push_back(std::move(m));
    }
    if (!route.continue_matching) break;
  }
  return out;
}

RouteMatch RouteFor(const AlertingConfig& config, const Labels& labels,
                    const std::string& receiver) {
  for (RouteMatch& m : MatchRoutes(config, labels)) {
    if (m.receiver == receiver) return m;
  }
  RouteMatch m;
  m.receiver = receiver;
  m.route_key = "{}";
  m.repeat_interval = config.repeat_interval;
  m.send_resolved = config.send_resolved;
  return m;
}

}  // namespace nightjar::collector::alerting
