// The `alerting:` section; see alerting_config.h.
#include "alerting/alerting_config.h"

#include <algorithm>

namespace nightjar::collector::alerting {
namespace {

void RequirePositive(ConfigNode& node, std::string_view key, Duration value) {
  if (node.Has(key) && value <= Duration::zero()) node.Error(key, "must be longer than 0s");
}

std::vector<LabelMatcher> ReadMatchers(ConfigNode& node, std::string_view key) {
  std::vector<LabelMatcher> out;
  for (const std::string& text : node.Strings(key)) {
    auto m = LabelMatcher::Parse(text);
    if (!m.ok()) {
      node.Error(key, m.status().message());
      continue;
    }
    out.push_back(std::move(*m));
  }
  return out;
}

std::vector<std::string> ReadGroupBy(ConfigNode& node) {
  std::vector<std::string> group_by = node.Strings("group_by");
  bool all = std::find(group_by.begin(), group_by.end(), "...") != group_by.end();
  if (all && group_by.size() > 1) {
    node.Error("group_by", "'...' (every label) cannot be combined with label names");
  }
  return group_by;
}

// Reads a list of time interval names, each of which must be defined under time_intervals.
std::vector<std::string> ReadIntervalNames(ConfigNode& item, std::string_view key,
                                           const std::vector<NamedTimeInterval>& intervals) {
  std::vector<std::string> names = item.Strings(key);
  for (const std::string& name : names) {
    bool known = std::any_of(intervals.begin(), intervals.end(),
                             [&](const NamedTimeInterval& i) { return i.name == name; });
    if (!known) {
      item.Error(key, "\"" + name + "\" is not defined under alerting.time_intervals");
    }
  }
  return names;
}

Route ReadRoute(ConfigNode& item, bool top_level, const std::vector<NamedTimeInterval>& intervals) {
  Route route;
  item.AllowKeys({"match", "matchers", "receivers", "group_by", "group_wait", "group_interval",
                  "repeat_interval", "send_resolved", "continue", "routes", "mute_time_intervals",
                  "active_time_intervals"});
  route.where = item.file() + ": " + item.path();
  for (auto& [name, value] : item.StringMap("match")) {
    auto m = LabelMatcher::Make(name, LabelMatcher::Op::kEqual, value);
    if (!m.ok()) {
      item.Error("match", m.status().message());
      continue;
    }
    route.matchers.push_back(std::move(*m));
  }
  for (LabelMatcher& m : ReadMatchers(item, "matchers")) route.matchers.push_back(std::move(m));
  route.receivers = item.Strings("receivers");
  if (item.Has("group_by")) route.group_by = ReadGroupBy(item);
  if (item.Has("group_wait")) route.group_wait = item.Dur("group_wait", Duration(0));
  if (item.Has("group_interval")) {
    route.group_interval = item.Dur("group_interval", Duration(0));
    RequirePositive(item, "group_interval", *route.group_interval);
  }
  route.repeat_interval = item.Dur("repeat_interval", Duration(0));
  RequirePositive(item, "repeat_interval", route.repeat_interval);
  if (item.Has("send_resolved")) route.send_resolved = item.Bool("send_resolved", true);
  if (item.Has("mute_time_intervals")) {
    route.mute_time_intervals = ReadIntervalNames(item, "mute_time_intervals", intervals);
  }
  if (item.Has("active_time_intervals")) {
    route.active_time_intervals = ReadIntervalNames(item, "active_time_intervals", intervals);
  }
  route.continue_matching = item.Bool("continue", false);
  for (ConfigNode& child : item.Items("routes")) {
    if (!child.IsMap()) {
      child.Error("", "expected a mapping (a child route)");
      continue;
    }
    route.routes.push_back(ReadRoute(child, false, intervals));
  }
  // The top level names no receivers of its own: a top-level route without receivers
  // reaches nobody unless each of its alerts matches a child that names some.
  if (top_level && route.receivers.empty() && route.routes.empty()) {
    item.Error("receivers", "is required: the notifier instances (plugins.instances[].name)");
  }
  return route;
}

InhibitRule ReadInhibitRule(ConfigNode& item) {
  InhibitRule rule;
  item.AllowKeys({"source_matchers", "target_matchers", "equal"});
  rule.where = item.file() + ": " + item.path();
  rule.source = ReadMatchers(item, "source_matchers");
  rule.target = ReadMatchers(item, "target_matchers");
  rule.equal = item.Strings("equal");
  if (rule.source.empty()) item.Error("source_matchers", "is required: at least one matcher");
  if (rule.target.empty()) item.Error("target_matchers", "is required: at least one matcher");
  return rule;
}

void CollectUnknown(const std::vector<Route>& routes, const plugins::PluginHostConfig& plugins,
                    std::vector<std::string>* out) {
  for (const Route& route : routes) {
    for (const std::string& receiver : route.receivers) {
      bool known =
          std::any_of(plugins.instances.begin(), plugins.instances.end(),
                      [&](const plugins::InstanceConfig& i) { return i.name == receiver; });
      if (!known) {
        out->push_back(route.where + ": receiver \"" + receiver +
                       "\" is not a notifier instance in plugins.instances");
      }
    }
    CollectUnknown(route.routes, plugins, out);
  }
}

}  // namespace

std::string AlertingConfig::DatabasePath(const std::string& data_dir) const {
  return database.empty() ? data_dir + "/alerts.db" : database;
}

AlertingConfig ReadAlertingConfig(ConfigNode section) {
  AlertingConfig c;
  if (section.IsNull()) return c;
  section.AllowKeys({"database", "external_url", "group_by", "group_wait", "group_interval",
                     "repeat_interval", "send_resolved", "max_alerts", "routes", "inhibit_rules",
                     "time_intervals", "flapping", "delivery", "retention"});
  c.database = section.String("database");
  c.external_url = section.String("external_url");
  while (!c.external_url.empty() && c.external_url.back() == '/') c.external_url.pop_back();
  if (section.Has("group_by")) c.group_by = ReadGroupBy(section);
  if (c.group_by.empty()) c.group_by = {"alertname"};
  c.group_wait = section.Dur("group_wait", c.group_wait);
  c.group_interval = section.Dur("group_interval", c.group_interval);
  RequirePositive(section, "group_interval", c.group_interval);
  c.max_alerts = static_cast<int>(section.Int("max_alerts", c.max_alerts, 1, 1'000'000));
  c.repeat_interval = section.Dur("repeat_interval", c.repeat_interval);
  RequirePositive(section, "repeat_interval", c.repeat_interval);
  c.send_resolved = section.Bool("send_resolved", c.send_resolved);
  c.time_intervals = ReadTimeIntervals(section);
  for (ConfigNode& item : section.Items("routes")) {
    if (!item.IsMap()) {
      item.Error("", "expected a mapping with at least `receivers: [<instance>]`");
      continue;
    }
    c.routes.push_back(ReadRoute(item, true, c.time_intervals));
  }
  for (ConfigNode& item : section.Items("inhibit_rules")) {
    if (!item.IsMap()) {
      item.Error("", "expected a mapping with `source_matchers` and `target_matchers`");
      continue;
    }
    c.inhibit_rules.push_back(ReadInhibitRule(item));
  }

  ConfigNode flapping = section.Child("flapping");
  flapping.AllowKeys({"window", "max_changes", "stable_for"});
  c.flapping.window = flapping.Dur("window", c.flapping.window);
  c.flapping.max_changes =
      static_cast<int>(flapping.Int("max_changes", c.flapping.max_changes, 0, 1000));
  c.flapping.stable_for = flapping.Dur("stable_for", c.flapping.stable_for);
  RequirePositive(flapping, "window", c.flapping.window);
  RequirePositive(flapping, "stable_for", c.flapping.stable_for);

  ConfigNode delivery = section.Child("delivery");
  delivery.AllowKeys({"initial_backoff", "max_backoff", "give_up_after"});
  c.delivery.initial_backoff = delivery.Dur("initial_backoff", c.delivery.initial_backoff);
  c.delivery.max_backoff = delivery.Dur("max_backoff", c.delivery.max_backoff);
  c.delivery.give_up_after = delivery.Dur("give_up_after", c.delivery.give_up_after);
  RequirePositive(delivery, "initial_backoff", c.delivery.initial_backoff);
  RequirePositive(delivery, "give_up_after", c.delivery.give_up_after);
  if (c.delivery.max_backoff < c.delivery.initial_backoff) {
    delivery.Error("max_backoff", "must not be shorter than `initial_backoff`");
  }

  ConfigNode retention = section.Child("retention");
  retention.AllowKeys({"resolved", "history", "silences", "notifications"});
  c.retention.resolved = retention.Dur("resolved", c.retention.resolved);
  c.retention.history = retention.Dur("history", c.retention.history);
  c.retention.silences = retention.Dur("silences", c.retention.silences);
  c.retention.notifications = retention.Dur("notifications", c.retention.notifications);
  for (const char* key : {"resolved", "history", "silences", "notifications"}) {
    if (retention.Has(key)) RequirePositive(retention, key, retention.Dur(key, Duration(1)));
  }
  return c;
}

std::vector<std::string> UnknownReceivers(const AlertingConfig& config,
                                          const plugins::PluginHostConfig& plugins) {
  std::vector<std::string> out;
  CollectUnknown(config.routes, plugins, &out);
  return out;
}

}  // namespace nightjar::collector::alerting
