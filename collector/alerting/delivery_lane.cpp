// One receiver's delivery lane; see delivery_lane.h.
#include "alerting/delivery_lane.h"

#include <algorithm>
#include <utility>

#include "alerting/delivery_attempt.h"
#include "base/logging.h"
#include "runtime/units.h"

namespace nightjar::collector::alerting {
namespace {

bool SameGroup(const NotificationRecord& a, const NotificationRecord& b) {
  return a.receiver == b.receiver && a.group_key == b.group_key;
}

void LogOutcome(const NotificationRecord& record, int64_t now) {
  if (record.state == NotificationRecord::State::kFailed) {
    log::Warning("alerting", "notification failed",
                 {{"receiver", record.receiver},
                  {"id", record.id},
                  {"attempts", static_cast<int64_t>(record.attempts)},
                  {"error", record.last_error}});
  } else if (record.state == NotificationRecord::State::kPending) {
    log::Info("alerting", "notification will be retried",
              {{"receiver", record.receiver},
               {"id", record.id},
               {"attempts", static_cast<int64_t>(record.attempts)},
               {"retry_in", FormatDuration(Duration(record.next_attempt_at - now))},
               {"error", record.last_error}});
  }
}

}  // namespace

DeliveryLane::DeliveryLane(std::string receiver, const LaneServices* services)
    : receiver_(std::move(receiver)), services_(services) {}

DeliveryLane::~DeliveryLane() {
  RequestStop();
  Join();
  // Its records stay pending in the database, but no longer wait in this process: a manager
  // opened later on the same registry counts them again when it queues them.
  std::lock_guard<std::mutex> lock(mutex_);
  queue_.clear();
  CountPending();
}

void DeliveryLane::Start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void DeliveryLane::RequestStop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

void DeliveryLane::Join() {
  std::thread thread;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    thread = std::move(thread_);
  }
  if (thread.joinable()) thread.join();
}

void DeliveryLane::Enqueue(std::vector<NotificationRecord> records) {
  std::vector<NotificationRecord> superseded;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (NotificationRecord& r : records) {
      // The dispatcher's Start() re-reads what the database holds pending, which may include
      // records queued before it: one queue entry per id.
      bool queued = std::any_of(queue_.begin(), queue_.end(),
                                [&](const NotificationRecord& q) { return q.id == r.id; });
      if (queued) continue;
      for (NotificationRecord& old : TakeSuperseded(r)) superseded.push_back(std::move(old));
      queue_.push_back(std::move(r));
    }
    CountPending();
    woken_ = true;
  }
  wake_.notify_all();
  MarkSuperseded(std::move(superseded));
}

void DeliveryLane::Wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

size_t DeliveryLane::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

bool DeliveryLane::WaitIdle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  return idle_.wait_until(lock, deadline, [&] {
    if (!in_flight_.empty() || woken_) return false;
    int64_t now = services_->clock->NowUnixNanos();
    return std::none_of(queue_.begin(), queue_.end(),
                        [&](const NotificationRecord& r) { return r.next_attempt_at <= now; });
  });
}

std::vector<NotificationRecord> DeliveryLane::TakeSuperseded(const NotificationRecord& newer) {
  std::vector<NotificationRecord> out;
  auto it = std::stable_partition(queue_.begin(), queue_.end(), [&](const NotificationRecord& r) {
    return !SameGroup(r, newer) || r.id == in_flight_ || r.created_at > newer.created_at;
  });
  out.assign(std::make_move_iterator(it), std::make_move_iterator(queue_.end()));
  queue_.erase(it, queue_.end());
  return out;
}

void DeliveryLane::MarkSuperseded(std::vector<NotificationRecord> records) {
  int64_t now = services_->clock->NowUnixNanos();
  for (NotificationRecord& r : records) {
    r.state = NotificationRecord::State::kSuperseded;
    r.updated_at = now;
    services_->metrics->notifications.With({r.receiver, "superseded"}).Inc();
    Status st = services_->store->UpdateNotification(r);
    if (!st.ok()) {
      services_->metrics->store_errors.Get().Inc();
      log::Error("alerting", "cannot record a superseded notification",
                 {{"id", r.id}, {"error", st.ToString()}});
    }
  }
}

void DeliveryLane::CountPending() {
  size_t now = queue_.size();
  services_->metrics->notifications_pending.Get().Inc(static_cast<double>(now) -
                                                      static_cast<double>(counted_));
  counted_ = now;
}

bool DeliveryLane::NextDue(int64_t now, NotificationRecord* out, Duration* wait) const {
  auto best = queue_.end();
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (best == queue_.end() || it->next_attempt_at < best->next_attempt_at ||
        (it->next_attempt_at == best->next_attempt_at && it->created_at < best->created_at)) {
      best = it;
    }
  }
  *wait = services_->poll_interval;
  if (best == queue_.end()) return false;
  if (best->next_attempt_at > now) {
    *wait = std::min(*wait, Duration(best->next_attempt_at - now));
    return false;
  }
  *out = *best;
  return true;
}

void DeliveryLane::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    NotificationRecord record;
    Duration wait;
    if (!NextDue(services_->clock->NowUnixNanos(), &record, &wait)) {
      idle_.notify_all();
      wake_.wait_for(lock, wait, [&] { return stopping_ || woken_; });
      continue;
    }
    in_flight_ = record.id;
    lock.unlock();
    Deliver(&record);
    lock.lock();
    in_flight_.clear();
    Finish(record);
  }
  idle_.notify_all();
}

void DeliveryLane::Deliver(NotificationRecord* record) {
  std::shared_ptr<plugins::PluginHost> host = services_->hosts ? services_->hosts() : nullptr;
  plugins::NotifyOutcome::Kind outcome =
      AttemptDelivery(host, *services_->clock, services_->delivery(), record);
  services_->metrics->notifications
      .With({record->receiver, std::string(plugins::NotifyOutcomeName(outcome))})
      .Inc();
  LogOutcome(*record, record->updated_at);
  Status st = services_->store->UpdateNotification(*record);
  if (!st.ok()) {
    services_->metrics->store_errors.Get().Inc();
    log::Error("alerting", "cannot record a notification's outcome",
               {{"id", record->id}, {"error", st.ToString()}});
  }
}

void DeliveryLane::Finish(const NotificationRecord& record) {
  auto it = std::find_if(queue_.begin(), queue_.end(),
                         [&](const NotificationRecord& r) { return r.id == record.id; });
  if (it == queue_.end()) return;
  bool newer_waiting = std::any_of(queue_.begin(), queue_.end(), [&](const NotificationRecord& r) {
    return r.id != record.id && SameGroup(r, record) && r.created_at >= record.created_at;
  });
  if (record.state == NotificationRecord::State::kPending && newer_waiting) {
    // A newer state of the same group is queued: retrying this one would only deliver an
    // outdated message, possibly after the newer one. MarkSuperseded takes only the store's
    // lock, and nothing takes the store's lock and then this one.
    NotificationRecord old = record;
    queue_.erase(it);
    MarkSuperseded({old});
  } else if (record.state == NotificationRecord::State::kPending) {
    *it = record;
  } else {
    queue_.erase(it);
  }
  CountPending();
}

}  // namespace nightjar::collector::alerting
