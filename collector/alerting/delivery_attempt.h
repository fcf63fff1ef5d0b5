// One delivery attempt of a notification: hands it to its receiver's notifier instance and
// applies the outcome to the record, as notification_dispatcher.h describes:
//   delivered    -> kDelivered, delivered_at set
//   failed       -> kFailed with the notifier's message (also when the receiver is unknown)
//   retry later  -> due again after the notifier's delay when it gave one, else after
//                   exponential backoff (initial_backoff doubling up to max_backoff); kFailed
//                   ("gave up ...") once give_up_after has passed since the record was created
// Writing the record back is the caller's: this file only decides.
//
// Thread-safety: a pure function of its arguments, apart from the call into the plugin host
// (which may be called from any thread).
#pragma once

#include <memory>

#include "alerting/alerting_config.h"
#include "alerting/notification_record.h"
#include "plugin_host/plugin_host.h"
#include "runtime/clock.h"

namespace nightjar::collector::alerting {

// Delivers `record` through `host` (null: no notifier is running yet, which is a retry later),
// updates its attempts, state, times and last_error, and returns the notifier's outcome.
plugins::NotifyOutcome::Kind AttemptDelivery(const std::shared_ptr<plugins::PluginHost>& host,
                                             const Clock& clock,
                                             const AlertingConfig::Delivery& delivery,
                                             NotificationRecord* record);

// Returns the delay before the next attempt after a retry-later outcome: the notifier's when
// it gave one (it knows its peer, e.g. a Retry-After header), else initial_backoff doubling per
// attempt up to max_backoff.
Duration RetryDelay(const AlertingConfig::Delivery& delivery, const plugins::NotifyOutcome& outcome,
                    uint32_t attempts);

}  // namespace nightjar::collector::alerting
