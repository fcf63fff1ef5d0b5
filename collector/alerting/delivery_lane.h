// One receiver's delivery lane: the queue of that receiver's notifications and the thread that
// delivers them, oldest due first, one attempt at a time (notification_dispatcher.h runs one
// lane per receiver, so a receiver that hangs holds back only its own notifications).
//
// Within the lane: a newer notification for the same group key supersedes an older one still
// waiting (the receiver only needs the latest state); one being delivered at that moment is let
// finish, and when it must be retried while a newer one waits, it is superseded instead of
// retried. Each attempt's outcome is written to the alerts database before the next attempt.
//
// Time comes from the Clock: the thread re-reads it at least every poll_interval and whenever
// Wake() is called, so tests drive retries with a FakeClock.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alerting/alert_store.h"
#include "alerting/alerting_config.h"
#include "alerting/alerting_metrics.h"
#include "alerting/notification_record.h"
#include "plugin_host/plugin_host.h"
#include "runtime/clock.h"

namespace nightjar::collector::alerting {

// Returns the plugin host to deliver through, or null while there is none (before the
// collector starts its plugins, or during a reload); called before every attempt, so a reload
// that replaces the host is picked up.
using PluginHostProvider = std::function<std::shared_ptr<plugins::PluginHost>()>;

// What the lanes of one dispatcher share; owned by the dispatcher, which outlives its lanes.
struct LaneServices {
  AlertStore* store = nullptr;
  PluginHostProvider hosts;
  const Clock* clock = nullptr;
  AlertingMetrics* metrics = nullptr;
  Duration poll_interval{0};
  // Returns the retry settings in force (they change on a configuration reload).
  std::function<AlertingConfig::Delivery()> delivery;
};

class DeliveryLane {
 public:
  DeliveryLane(std::string receiver, const LaneServices* services);
  // Stops the thread after the attempt in progress and takes the lane's queue out of the
  // pending gauge.
  ~DeliveryLane();
  DeliveryLane(const DeliveryLane&) = delete;
  DeliveryLane& operator=(const DeliveryLane&) = delete;

  // Starts the thread (a no-op while it runs).
  void Start();
  // Asks the thread to stop once the attempt in progress is finished and written; Join() waits
  // for that. Split so that a dispatcher stops all its lanes at once, not one after another.
  void RequestStop();
  void Join();

  // Queues records of this lane's receiver that are already in the database.
  void Enqueue(std::vector<NotificationRecord> records);
  // Makes the thread look at the clock now.
  void Wake();
  // Waits until nothing is due at the clock's current time and nothing is being delivered;
  // returns false when `deadline` passed first.
  bool WaitIdle(std::chrono::steady_clock::time_point deadline);
  // Returns how many notifications wait for delivery.
  size_t pending() const;

  const std::string& receiver() const { return receiver_; }

 private:
  void Run();
  // Picks the queued record due first, or returns false with how long to wait.
  bool NextDue(int64_t now, NotificationRecord* out, Duration* wait) const;
  // Runs one attempt and writes its outcome; called without mutex_ held.
  void Deliver(NotificationRecord* record);
  // Requeues or drops `record` after its attempt; called with mutex_ held.
  void Finish(const NotificationRecord& record);
  // Drops queued (not in-flight) records that `newer` supersedes and returns them; called with
  // mutex_ held.
  std::vector<NotificationRecord> TakeSuperseded(const NotificationRecord& newer);
  void MarkSuperseded(std::vector<NotificationRecord> records);
  // Brings the shared pending gauge in line with this lane's queue; called with mutex_ held.
  void CountPending();

  const std::string receiver_;
  const LaneServices* services_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::vector<NotificationRecord> queue_;
  std::string in_flight_;  // id of the record being delivered, "" when none
  size_t counted_ = 0;     // this lane's share of the pending gauge
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace nightjar::collector::alerting
