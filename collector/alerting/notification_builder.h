// Builds the notification a receiver gets for a group of alerts, in the model notifier plugins
// see (plugins::Notification, Alertmanager's webhook model): alerts with status, labels,
// annotations, startsAt/endsAt, fingerprint and a link; the group key, group labels, common
// labels and annotations; the external URL; and an id that names this notification across
// retries and restarts.
//
// A group's notification carries every alert of the group: those firing, then those resolved
// since the group's last notification.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "alerting/alert.h"
#include "alerting/notification_record.h"
#include "alerting/router.h"
#include "plugin_host/hook_types.h"

namespace nightjar::collector::alerting {

// Returns the group key as Alertmanager forms it: <route key>:<group labels>, e.g.
// {}/{severity="critical"}:{alertname="HighCPU"}.
std::string GroupKey(const RouteMatch& route, const Labels& group_labels);

// Returns the notification for `alerts` (not empty) sent through `route`, created at `now`.
// At most `max_alerts` alerts (0 = no limit) are carried; the rest are counted in
// truncated_alerts. The id (the idempotency key) is a hash of the receiver, the group key, the
// group's state hash (`state_hash`; empty = one made of the alerts and their states) and `now`.
plugins::Notification BuildNotification(const std::vector<const Alert*>& alerts,
                                        const RouteMatch& route, const Labels& group_labels,
                                        const std::string& external_url, int64_t now,
                                        const std::string& state_hash = "", int max_alerts = 0);

// Returns the record that queues `notification` for `route.receiver`, due at once.
NotificationRecord QueueRecord(plugins::Notification notification, const RouteMatch& route,
                               int64_t now);

}  // namespace nightjar::collector::alerting
