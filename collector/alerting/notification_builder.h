// Builds the notification a receiver gets for a group of alerts, in the model notifier plugins
// see (plugins::Notification, Alertmanager's webhook model): alerts with status, labels,
// annotations, startsAt/endsAt, fingerprint and a link; the group key, group labels, common
// labels and annotations; the external URL; and an id that names this notification across
// retries and restarts.
//
// Today each alert is its own group (group labels = the alert's labels); grouping several
// alerts into one notification only means passing more alerts.
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

// Returns the group key of a one-alert group: <route key>:<labels>.
std::string GroupKey(const RouteMatch& route, const Labels& group_labels);

// Returns the notification for `alerts` (not empty) sent through `route`, created at `now`.
plugins::Notification BuildNotification(const std::vector<const Alert*>& alerts,
                                        const RouteMatch& route, const Labels& group_labels,
                                        const std::string& external_url, int64_t now);

// Returns the record that queues `notification` for `route.receiver`, due at once.
NotificationRecord QueueRecord(plugins::Notification notification, const RouteMatch& route,
                               int64_t now);

}  // namespace nightjar::collector::alerting
