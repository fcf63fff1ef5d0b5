// The `alerting:` section of the collector's configuration: where alert state lives, which
// notifier instances hear about which alerts, and the lifecycle's tunables.
//
//   alerting:
//     database: /var/lib/nightjar/alerts.db   # default: <data_dir>/alerts.db
//     external_url: https://nightjar.example.com  # links in notifications
//     repeat_interval: 4h                     # re-notify a still-firing alert this often
//     send_resolved: true                     # tell receivers when an alert resolves
//     routes:                                 # first match wins, unless `continue: true`
//       - match: {severity: critical}         # label equality
//         matchers: ['team=~"db|infra"']      # Alertmanager matchers: = != =~ !~
//         receivers: [oncall-webhook]         # notifier instance names (plugins.instances)
//         repeat_interval: 1h                 # optional, overrides the default
//         send_resolved: true                 # optional, overrides the default
//         continue: false
//       - receivers: [team-webhook]           # no match/matchers: matches every alert
//     flapping:
//       window: 30m                           # changes counted over this window...
//       max_changes: 4                        # ...more than this many = flapping (0 = off)
//       stable_for: 15m                       # no change this long ends flapping
//     delivery:
//       initial_backoff: 10s                  # retry-later without a delay from the notifier
//       max_backoff: 10m
//       give_up_after: 24h                    # then the notification is recorded as failed
//     retention:
//       resolved: 24h                         # resolved alerts stay listed this long
//       history: 30d                          # transitions kept this long
//       silences: 7d                          # expired silences kept this long
//       notifications: 7d                     # finished notification records kept this long
//
// Errors land in the configuration document with file:line:column and the key's path, like
// every other section's.
//
// Thread-safety: plain values.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "alerting/label_matcher.h"
#include "alerting/lifecycle.h"
#include "base/status.h"
#include "plugin_host/plugin_host_config.h"
#include "runtime/config.h"
#include "runtime/units.h"

namespace nightjar::collector::alerting {

// One route: alerts matching all `matchers` go to `receivers`.
struct Route {
  std::vector<LabelMatcher> matchers;  // empty = every alert
  std::vector<std::string> receivers;  // notifier instance names
  Duration repeat_interval{0};         // 0 = AlertingConfig::repeat_interval
  std::optional<bool> send_resolved;   // unset = AlertingConfig::send_resolved
  bool continue_matching = false;      // also try the routes after this one
  std::string where;                   // "collector.yaml: alerting.routes[0]", for messages
};

struct AlertingConfig {
  std::string database;  // empty = <data_dir>/alerts.db
  std::string external_url;
  Duration repeat_interval = std::chrono::hours(4);
  bool send_resolved = true;
  std::vector<Route> routes;
  FlapPolicy flapping;

  struct Delivery {
    Duration initial_backoff = std::chrono::seconds(10);
    Duration max_backoff = std::chrono::minutes(10);
    Duration give_up_after = std::chrono::hours(24);
  } delivery;

  struct Retention {
    Duration resolved = std::chrono::hours(24);
    Duration history = std::chrono::hours(24 * 30);
    Duration silences = std::chrono::hours(24 * 7);
    Duration notifications = std::chrono::hours(24 * 7);
  } retention;

  // Returns the database file: `database`, or <data_dir>/alerts.db.
  std::string DatabasePath(const std::string& data_dir) const;
};

// Reads the `alerting:` section (absent = the defaults above, no routes). Errors are recorded
// in `section`'s document (check its status()); the returned value holds what could be read.
AlertingConfig ReadAlertingConfig(ConfigNode section);

// Returns one message per route receiver that names no configured notifier instance (for
// --check-config; at run time such a notification is recorded as failed with the same reason).
std::vector<std::string> UnknownReceivers(const AlertingConfig& config,
                                          const plugins::PluginHostConfig& plugins);

}  // namespace nightjar::collector::alerting
