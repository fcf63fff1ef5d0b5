// One delivery attempt; see delivery_attempt.h.
#include "alerting/delivery_attempt.h"

#include <algorithm>
#include <string>
#include <utility>

#include "runtime/units.h"

namespace nightjar::collector::alerting {
namespace {

plugins::NotifyOutcome Notify(const std::shared_ptr<plugins::PluginHost>& host,
                              const NotificationRecord& record) {
  plugins::NotifyOutcome outcome;
  if (!host) {
    outcome.kind = plugins::NotifyOutcome::Kind::kRetryLater;
    outcome.message = "no notifier plugins are running yet";
    return outcome;
  }
  Result<plugins::NotifyOutcome> r = host->Notify(record.receiver, record.notification);
  if (r.ok()) return std::move(r).value();
  outcome.kind = plugins::NotifyOutcome::Kind::kFailed;
  outcome.message = r.status().message();
  return outcome;
}

}  // namespace

Duration RetryDelay(const AlertingConfig::Delivery& delivery, const plugins::NotifyOutcome& outcome,
                    uint32_t attempts) {
  if (outcome.retry_after.count() > 0) return outcome.retry_after;
  Duration delay = delivery.initial_backoff;
  for (uint32_t i = 1; i < attempts && delay < delivery.max_backoff; ++i) delay *= 2;
  return std::min(delay, delivery.max_backoff);
}

plugins::NotifyOutcome::Kind AttemptDelivery(const std::shared_ptr<plugins::PluginHost>& host,
                                             const Clock& clock,
                                             const AlertingConfig::Delivery& delivery,
                                             NotificationRecord* record) {
  record->attempts++;
  record->notification.attempt = record->attempts;
  plugins::NotifyOutcome outcome = Notify(host, *record);
  int64_t now = clock.NowUnixNanos();
  record->updated_at = now;
  record->last_error = outcome.message;
  switch (outcome.kind) {
    case plugins::NotifyOutcome::Kind::kDelivered:
      record->state = NotificationRecord::State::kDelivered;
      record->delivered_at = now;
      record->last_error.clear();
      break;
    case plugins::NotifyOutcome::Kind::kFailed:
      record->state = NotificationRecord::State::kFailed;
      break;
    case plugins::NotifyOutcome::Kind::kRetryLater:
      if (now - record->created_at >= delivery.give_up_after.count()) {
        record->state = NotificationRecord::State::kFailed;
        record->last_error = "gave up after " + std::to_string(record->attempts) +
                             " attempts over " + FormatDuration(delivery.give_up_after) + ": " +
                             outcome.message;
      } else {
        record->next_attempt_at = now + RetryDelay(delivery, outcome, record->attempts).count();
      }
      break;
  }
  return outcome.kind;
}

}  // namespace nightjar::collector::alerting
