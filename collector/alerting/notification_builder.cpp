// Building notifications; see notification_builder.h.
#include "alerting/notification_builder.h"

#include <algorithm>

#include "alerting/labels.h"

namespace nightjar::collector::alerting {
namespace {

// Returns the pairs every alert has with the same value.
Labels Common(const std::vector<const Alert*>& alerts, Labels Alert::*field) {
  Labels common = alerts.front()->*field;
  for (const Alert* a : alerts) {
    std::erase_if(common, [&](const auto& pair) {
      return LabelValue(a->*field, pair.first) != std::optional<std::string_view>(pair.second);
    });
  }
  return common;
}

}  // namespace

std::string GroupKey(const RouteMatch& route, const Labels& group_labels) {
  return route.route_key + ":" + FormatLabels(group_labels);
}

plugins::Notification BuildNotification(const std::vector<const Alert*>& alerts,
                                        const RouteMatch& route, const Labels& group_labels,
                                        const std::string& external_url, int64_t now,
                                        const std::string& state_hash, int max_alerts) {
  plugins::Notification n;
  n.group_key = GroupKey(route, group_labels);
  n.group_labels = group_labels;
  n.common_labels = Common(alerts, &Alert::labels);
  n.common_annotations = Common(alerts, &Alert::annotations);
  n.external_url = external_url;
  std::string identity;
  for (const Alert* a : alerts) {
    identity += a->fingerprint + (a->state == AlertState::kFiring ? "+" : "-") +
                std::to_string(a->fired_at) + ",";
    if (max_alerts > 0 && n.alerts.size() >= static_cast<size_t>(max_alerts)) {
      ++n.truncated_alerts;
      continue;
    }
    plugins::Alert out;
    out.firing = a->state == AlertState::kFiring;
    out.labels = a->labels;
    out.annotations = a->annotations;
    out.starts_at_unix_nano = a->fired_at;
    out.ends_at_unix_nano = out.firing ? 0 : a->resolved_at;
    out.fingerprint = a->fingerprint;
    if (!external_url.empty())
      out.generator_url = external_url + "/api/v1/alerts/" + a->fingerprint;
    n.alerts.push_back(std::move(out));
  }
  // Deterministic, so that the same notification built twice (e.g. replayed after a crash
  // between building and recording it) is one row and one delivery.
  n.id = Fingerprint({{"receiver", route.receiver},
                      {"group", n.group_key},
                      {"alerts", state_hash.empty() ? identity : state_hash},
                      {"at", std::to_string(now)}}) +
         Fingerprint({{"at", std::to_string(now)}, {"group", n.group_key}});
  return n;
}

NotificationRecord QueueRecord(plugins::Notification notification, const RouteMatch& route,
                               int64_t now) {
  NotificationRecord r;
  r.id = notification.id;
  r.receiver = route.receiver;
  r.group_key = notification.group_key;
  r.status = notification.firing() ? "firing" : "resolved";
  for (const plugins::Alert& a : notification.alerts) r.fingerprints.push_back(a.fingerprint);
  r.notification = std::move(notification);
  r.created_at = now;
  r.next_attempt_at = now;
  r.updated_at = now;
  return r;
}

}  // namespace nightjar::collector::alerting
