// The `alerting:` section of the collector's configuration: where alert state lives, which
// notifier instances hear about which alerts, and the lifecycle's tunables.
//
//   alerting:
//     database: /var/lib/nightjar/alerts.db   # default: <data_dir>/alerts.db
//     external_url: https://nightjar.example.com  # links in notifications
//     group_by: [alertname]                   # one notification per group; ['...'] = per alert
//     group_wait: 30s                         # a new group's first notification waits this long
//     group_interval: 5m                      # a group's changes are notified at most this often
//     repeat_interval: 4h                     # re-notify a still-firing group this often
//     send_resolved: true                     # tell receivers when an alert resolves
//     max_alerts: 1000                        # alerts per notification; more are counted only
//     routes:                                 # first match wins, unless `continue: true`
//       - match: {severity: critical}         # label equality
//         matchers: ['team=~"db|infra"']      # Alertmanager matchers: = != =~ !~
//         receivers: [oncall-webhook]         # notifier instance names (plugins.instances)
//         group_by: [alertname, cluster]      # optional: group_by, group_wait, group_interval,
//         repeat_interval: 1h                 # repeat_interval, send_resolved and receivers
//         send_resolved: true                 # default to the parent route's
//         mute_time_intervals: [offhours]     # quiet while any of these intervals holds
//         active_time_intervals: [business]  # speak only while one of these holds
//         continue: false
//         routes:                             # child routes: the deepest match wins
//           - matchers: ['team="db"']
//             receivers: [db-pager]
//       - receivers: [team-webhook]           # no match/matchers: matches every alert
//     time_intervals:                         # named times for mute/active_time_intervals
//       - name: offhours                      # (see time_interval.h)
//         time_intervals: [{times: [{start_time: "18:00", end_time: "24:00"}]}]
//     inhibit_rules:                          # a firing source alert mutes matching targets
//       - source_matchers: ['severity="critical"']
//         target_matchers: ['severity="warning"']
//         equal: [cluster]                    # ...that have the same values of these labels
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
#include "alerting/time_interval.h"
#include "base/status.h"
#include "plugin_host/plugin_host_config.h"
#include "runtime/config.h"
#include "runtime/units.h"

namespace nightjar::collector::alerting {

// One route: alerts matching all `matchers` go to `receivers`, or to the deepest matching
// child route. Unset settings are the parent route's (the top level's for top-level routes).
struct Route {
  std::vector<LabelMatcher> matchers;  // empty = every alert
  std::vector<std::string> receivers;  // notifier instance names; empty = the parent's
  std::optional<std::vector<std::string>> group_by;  // unset = the parent's
  std::optional<Duration> group_wait;
  std::optional<Duration> group_interval;
  Duration repeat_interval{0};        // 0 = the parent's
  std::optional<bool> send_resolved;  // unset = the parent's
  // Names of time_intervals; unset = the parent's. A muted route's groups are not notified
  // (they are when the mute ends, as changes or repeats).
  std::optional<std::vector<std::string>> mute_time_intervals;
  std::optional<std::vector<std::string>> active_time_intervals;
  bool continue_matching = false;  // also try the routes after this one
  std::vector<Route> routes;       // children
  std::string where;               // "collector.yaml: alerting.routes[0]", for messages
};

// A firing alert matching `source` mutes the other alerts matching `target` that have the same
// values (or are both without) each of the `equal` labels.
struct InhibitRule {
  std::vector<LabelMatcher> source;
  std::vector<LabelMatcher> target;
  std::vector<std::string> equal;
  std::string where;
};

struct AlertingConfig {
  std::string database;  // empty = <data_dir>/alerts.db
  std::string external_url;
  // The top level's routing settings, which routes inherit. group_by ["..."] groups by every
  // label, i.e. each alert is its own group.
  std::vector<std::string> group_by = {"alertname"};
  Duration group_wait = std::chrono::seconds(30);
  Duration group_interval = std::chrono::minutes(5);
  Duration repeat_interval = std::chrono::hours(4);
  bool send_resolved = true;
  int max_alerts = 1000;  // per notification; the rest are counted in truncated_alerts
  std::vector<Route> routes;
  std::vector<InhibitRule> inhibit_rules;
  std::vector<NamedTimeInterval> time_intervals;
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
