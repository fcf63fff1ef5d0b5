// Delivery of notifications, a lane per receiver; see notification_dispatcher.h.
#include "alerting/notification_dispatcher.h"

#include <utility>

#include "base/logging.h"

namespace nightjar::collector::alerting {

NotificationDispatcher::NotificationDispatcher(AlertStore* store, PluginHostProvider hosts,
                                               const Clock* clock, AlertingMetrics* metrics,
                                               AlertingConfig::Delivery delivery,
                                               Duration poll_interval)
    : delivery_(delivery) {
  services_.store = store;
  services_.hosts = std::move(hosts);
  services_.clock = clock;
  services_.metrics = metrics;
  services_.poll_interval = poll_interval;
  services_.delivery = [this] {
    std::lock_guard<std::mutex> lock(delivery_mutex_);
    return delivery_;
  };
}

NotificationDispatcher::~NotificationDispatcher() { Stop(); }

Status NotificationDispatcher::Start() {
  NJ_ASSIGN_OR_RETURN(std::vector<NotificationRecord> pending,
                      services_.store->PendingNotifications());
  if (!pending.empty()) {
    log::Info("alerting", "resuming notifications left pending",
              {{"count", static_cast<int64_t>(pending.size())}});
  }
  Enqueue(std::move(pending));
  std::lock_guard<std::mutex> lock(mutex_);
  started_ = true;
  for (auto& [receiver, lane] : lanes_) lane->Start();
  return Status::Ok();
}

void NotificationDispatcher::Stop() {
  std::vector<DeliveryLane*> lanes;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    started_ = false;
    for (auto& [receiver, lane] : lanes_) lanes.push_back(lane.get());
  }
  // All lanes are asked first, so that stopping takes as long as the slowest attempt in
  // progress, not the sum of them.
  for (DeliveryLane* lane : lanes) lane->RequestStop();
  for (DeliveryLane* lane : lanes) lane->Join();
}

DeliveryLane* NotificationDispatcher::LaneFor(const std::string& receiver) {
  std::unique_ptr<DeliveryLane>& lane = lanes_[receiver];
  if (!lane) {
    lane = std::make_unique<DeliveryLane>(receiver, &services_);
    if (started_) lane->Start();
  }
  return lane.get();
}

std::vector<DeliveryLane*> NotificationDispatcher::Lanes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<DeliveryLane*> out;
  for (const auto& [receiver, lane] : lanes_) out.push_back(lane.get());
  return out;
}

void NotificationDispatcher::Enqueue(std::vector<NotificationRecord> records) {
  // Split by receiver, keeping each receiver's records in the order given.
  std::map<std::string, std::vector<NotificationRecord>> by_receiver;
  for (NotificationRecord& r : records) by_receiver[r.receiver].push_back(std::move(r));
  std::vector<std::pair<DeliveryLane*, std::vector<NotificationRecord>>> work;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [receiver, list] : by_receiver) {
      work.emplace_back(LaneFor(receiver), std::move(list));
    }
  }
  // Outside mutex_: a lane's Enqueue may write superseded records to the store.
  for (auto& [lane, list] : work) lane->Enqueue(std::move(list));
}

void NotificationDispatcher::Wake() {
  for (DeliveryLane* lane : Lanes()) lane->Wake();
}

void NotificationDispatcher::SetDelivery(AlertingConfig::Delivery delivery) {
  std::lock_guard<std::mutex> lock(delivery_mutex_);
  delivery_ = delivery;
}

bool NotificationDispatcher::WaitIdle(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (DeliveryLane* lane : Lanes()) {
    if (!lane->WaitIdle(deadline)) return false;
  }
  return true;
}

size_t NotificationDispatcher::pending() const {
  size_t total = 0;
  for (DeliveryLane* lane : Lanes()) total += lane->pending();
  return total;
}

}  // namespace nightjar::collector::alerting
