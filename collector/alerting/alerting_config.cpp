// The `alerting:` section; see alerting_config.h.
#include "alerting/alerting_config.h"

#include <algorithm>

namespace nightjar::collector::alerting {
namespace {

void RequirePositive(ConfigNode& node, std::string_view key, Duration value) {
  if (node.Has(key) && value <= Duration::zero()) node.Error(key, "must be longer than 0s");
}

Route ReadRoute(ConfigNode& item) {
  Route route;
  item.AllowKeys(
      {"match", "matchers", "receivers", "repeat_interval", "send_resolved", "continue"});
  route.where = item.file() + ": " + item.path();
  for (auto& [name, value] : item.StringMap("match")) {
    auto m = LabelMatcher::Make(name, LabelMatcher::Op::kEqual, value);
    if (!m.ok()) {
      item.Error("match", m.status().message());
      continue;
    }
    route.matchers.push_back(std::move(*m));
  }
  for (const std::string& text : item.Strings("matchers")) {
    auto m = LabelMatcher::Parse(text);
    if (!m.ok()) {
      item.Error("matchers", m.status().message());
      continue;
    }
    route.matchers.push_back(std::move(*m));
  }
  route.receivers = item.Strings("receivers");
  if (route.receivers.empty()) {
    item.Error("receivers", "is required: the notifier instances (plugins.instances[].name)");
  }
  route.repeat_interval = item.Dur("repeat_interval", Duration(0));
  RequirePositive(item, "repeat_interval", route.repeat_interval);
  if (item.Has("send_resolved")) route.send_resolved = item.Bool("send_resolved", true);
  route.continue_matching = item.Bool("continue", false);
  return route;
}

}  // namespace

std::string AlertingConfig::DatabasePath(const std::string& data_dir) const {
  return database.empty() ? data_dir + "/alerts.db" : database;
}

AlertingConfig ReadAlertingConfig(ConfigNode section) {
  AlertingConfig c;
  if (section.IsNull()) return c;
  section.AllowKeys({"database", "external_url", "repeat_interval", "send_resolved", "routes",
                     "flapping", "delivery", "retention"});
  c.database = section.String("database");
  c.external_url = section.String("external_url");
  while (!c.external_url.empty() && c.external_url.back() == '/') c.external_url.pop_back();
  c.repeat_interval = section.Dur("repeat_interval", c.repeat_interval);
  RequirePositive(section, "repeat_interval", c.repeat_interval);
  c.send_resolved = section.Bool("send_resolved", c.send_resolved);
  for (ConfigNode& item : section.Items("routes")) {
    if (!item.IsMap()) {
      item.Error("", "expected a mapping with at least `receivers: [<instance>]`");
      continue;
    }
    c.routes.push_back(ReadRoute(item));
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
  for (const Route& route : config.routes) {
    for (const std::string& receiver : route.receivers) {
      bool known =
          std::any_of(plugins.instances.begin(), plugins.instances.end(),
                      [&](const plugins::InstanceConfig& i) { return i.name == receiver; });
      if (!known) {
        out.push_back(route.where + ": receiver \"" + receiver +
                      "\" is not a notifier instance in plugins.instances");
      }
    }
  }
  return out;
}

}  // namespace nightjar::collector::alerting
