// Delivery of notifications; see notification_dispatcher.h.
#include "alerting/notification_dispatcher.h"

#include <algorithm>

#include "base/logging.h"

namespace nightjar::collector::alerting {
namespace {

bool SameGroup(const NotificationRecord& a, const NotificationRecord& b) {
  return a.receiver == b.receiver && a.group_key == b.group_key;
}

// Returns the delay before the next attempt: the notifier's when it gave one (it knows its
// peer, e.g. a Retry-After header), else initial_backoff doubling per attempt up to max.
Duration RetryDelay(const AlertingConfig::Delivery& d, const plugins::NotifyOutcome& outcome,
                    uint32_t attempts) {
  if (outcome.retry_after.count() > 0) return outcome.retry_after;
  Duration delay = d.initial_backoff;
  for (uint32_t i = 1; i < attempts && delay < d.max_backoff; ++i) delay *= 2;
  return std::min(delay, d.max_backoff);
}

}  // namespace

NotificationDispatcher::NotificationDispatcher(AlertStore* store, PluginHostProvider hosts,
                                               const Clock* clock, AlertingMetrics* metrics,
                                               AlertingConfig::Delivery delivery,
                                               Duration poll_interval)
    : store_(store),
      hosts_(std::move(hosts)),
      clock_(clock),
      metrics_(metrics),
      poll_interval_(poll_interval),
      delivery_(delivery) {}

NotificationDispatcher::~NotificationDispatcher() { Stop(); }

Status NotificationDispatcher::Start() {
  NJ_ASSIGN_OR_RETURN(std::vector<NotificationRecord> pending, store_->PendingNotifications());
  if (!pending.empty()) {
    log::Info("alerting", "resuming notifications left pending",
              {{"count", static_cast<int64_t>(pending.size())}});
  }
  Enqueue(std::move(pending));
  std::lock_guard<std::mutex> lock(mutex_);
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void NotificationDispatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void NotificationDispatcher::Enqueue(std::vector<NotificationRecord> records) {
  std::vector<NotificationRecord> superseded;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (NotificationRecord& r : records) {
      // Start() re-reads what the database holds pending, which may include records queued
      // before it; one queue entry per id.
      bool queued = std::any_of(queue_.begin(), queue_.end(),
                                [&](const NotificationRecord& q) { return q.id == r.id; });
      if (queued) continue;
      for (NotificationRecord& old : TakeSuperseded(r)) superseded.push_back(std::move(old));
      queue_.push_back(std::move(r));
    }
    metrics_->notifications_pending.Get().Set(static_cast<double>(queue_.size()));
    woken_ = true;
  }
  wake_.notify_all();
  MarkSuperseded(std::move(superseded));
}

std::vector<NotificationRecord> NotificationDispatcher::TakeSuperseded(
    const NotificationRecord& newer) {
  std::vector<NotificationRecord> out;
  auto it = std::stable_partition(queue_.begin(), queue_.end(), [&](const NotificationRecord& r) {
    return !SameGroup(r, newer) || r.id == in_flight_ || r.created_at > newer.created_at;
  });
  out.assign(std::make_move_iterator(it), std::make_move_iterator(queue_.end()));
  queue_.erase(it, queue_.end());
  return out;
}

void NotificationDispatcher::MarkSuperseded(std::vector<NotificationRecord> records) {
  int64_t now = clock_->NowUnixNanos();
  for (NotificationRecord& r : records) {
    r.state = NotificationRecord::State::kSuperseded;
    r.updated_at = now;
    metrics_->notifications.With({r.receiver, "superseded"}).Inc();
    Status st = store_->UpdateNotification(r);
    if (!st.ok()) {
      metrics_->store_errors.Get().Inc();
      log::Error("alerting", "cannot record a superseded notification",
                 {{"id", r.id}, {"error", st.ToString()}});
    }
  }
}

void NotificationDispatcher::Wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void NotificationDispatcher::SetDelivery(AlertingConfig::Delivery delivery) {
  std::lock_guard<std::mutex> lock(mutex_);
  delivery_ = delivery;
}

size_t NotificationDispatcher::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

bool NotificationDispatcher::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return idle_.wait_for(lock, timeout, [&] {
    if (!in_flight_.empty() || woken_) return false;
    int64_t now = clock_->NowUnixNanos();
    return std::none_of(queue_.begin(), queue_.end(),
                        [&](const NotificationRecord& r) { return r.next_attempt_at <= now; });
  });
}

bool NotificationDispatcher::NextDue(int64_t now, NotificationRecord* out, Duration* wait) {
  auto best = queue_.end();
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (best == queue_.end() || it->next_attempt_at < best->next_attempt_at ||
        (it->next_attempt_at == best->next_attempt_at && it->created_at < best->created_at)) {
      best = it;
    }
  }
  *wait = poll_interval_;
  if (best == queue_.end()) return false;
  if (best->next_attempt_at > now) {
    *wait = std::min(*wait, Duration(best->next_attempt_at - now));
    return false;
  }
  *out = *best;
  return true;
}

void NotificationDispatcher::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    NotificationRecord record;
    Duration wait;
    if (!NextDue(clock_->NowUnixNanos(), &record, &wait)) {
      idle_.notify_all();
      wake_.wait_for(lock, wait, [&] { return stopping_ || woken_; });
      continue;
    }
    in_flight_ = record.id;
    lock.unlock();
    Attempt(&record);
    lock.lock();
    in_flight_.clear();
    Finish(record);
  }
  idle_.notify_all();
}

void NotificationDispatcher::Attempt(NotificationRecord* record) {
  std::shared_ptr<plugins::PluginHost> host = hosts_ ? hosts_() : nullptr;
  record->attempts++;
  record->notification.attempt = record->attempts;
  plugins::NotifyOutcome outcome;
  if (!host) {
    outcome.kind = plugins::NotifyOutcome::Kind::kRetryLater;
    outcome.message = "no notifier plugins are running yet";
  } else {
    Result<plugins::NotifyOutcome> r = host->Notify(record->receiver, record->notification);
    if (r.ok()) {
      outcome = std::move(r).value();
    } else {
      outcome.kind = plugins::NotifyOutcome::Kind::kFailed;
      outcome.message = r.status().message();
    }
  }
  int64_t now = clock_->NowUnixNanos();
  record->updated_at = now;
  record->last_error = outcome.message;
  AlertingConfig::Delivery delivery;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    delivery = delivery_;
  }
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
  metrics_->notifications.With({record->receiver, std::string(NotifyOutcomeName(outcome.kind))})
      .Inc();
  if (record->state == NotificationRecord::State::kFailed) {
    log::Warning("alerting", "notification failed",
                 {{"receiver", record->receiver},
                  {"id", record->id},
                  {"attempts", static_cast<int64_t>(record->attempts)},
                  {"error", record->last_error}});
  } else if (record->state == NotificationRecord::State::kPending) {
    log::Info("alerting", "notification will be retried",
              {{"receiver", record->receiver},
               {"id", record->id},
               {"attempts", static_cast<int64_t>(record->attempts)},
               {"retry_in", FormatDuration(Duration(record->next_attempt_at - now))},
               {"error", record->last_error}});
  }
  Status st = store_->UpdateNotification(*record);
  if (!st.ok()) {
    metrics_->store_errors.Get().Inc();
    log::Error("alerting", "cannot record a notification's outcome",
               {{"id", record->id}, {"error", st.ToString()}});
  }
}

void NotificationDispatcher::Finish(const NotificationRecord& record) {
  auto it = std::find_if(queue_.begin(), queue_.end(),
                         [&](const NotificationRecord& r) { return r.id == record.id; });
  if (it == queue_.end()) return;
  bool newer_waiting = std::any_of(queue_.begin(), queue_.end(), [&](const NotificationRecord& r) {
    return r.id != record.id && SameGroup(r, record) && r.created_at >= record.created_at;
  });
  if (record.state == NotificationRecord::State::kPending && newer_waiting) {
    // A newer state of the same group is queued: retrying this one would only deliver an
    // outdated message, possibly after the newer one.
    // Called with mutex_ held: MarkSuperseded takes only the store's lock, and nothing takes
    // the store's lock and then this one.
    NotificationRecord old = record;
    queue_.erase(it);
    MarkSuperseded({old});
  } else if (record.state == NotificationRecord::State::kPending) {
    *it = record;
  } else {
    queue_.erase(it);
  }
  metrics_->notifications_pending.Get().Set(static_cast<double>(queue_.size()));
}

}  // namespace nightjar::collector::alerting
