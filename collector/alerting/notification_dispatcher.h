// Delivers queued notifications through notifier plugins, on a thread of its own so that
// neither rule evaluation nor the API ever waits on a slow receiver.
//
// Every notification is in the alerts database before it is queued here (the lifecycle writes
// it with the transition that caused it); each attempt's outcome is written back:
//   delivered            -> done, never sent again (also after a restart)
//   failed               -> done, with the notifier's message (e.g. a 4xx answer)
//   retry later          -> due again after the notifier's delay when it gave one, else after
//                           exponential backoff (initial_backoff doubling up to max_backoff);
//                           recorded as failed ("gave up ...") once give_up_after has passed
//                           since it was created
// Start() queues what a previous run left pending. A newer notification for the same receiver
// and group key supersedes an older one still waiting (the receiver only needs the latest
// state); one being delivered at that moment is let finish.
//
// Time comes from the Clock (due times are wall-clock times, stored, so they survive a
// restart); the thread re-reads it at least every poll_interval and whenever Wake() is called,
// so tests drive retries with a FakeClock.
//
// Thread-safety: every method may be called from any thread.
#pragma once

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

class NotificationDispatcher {
 public:
  NotificationDispatcher(AlertStore* store, PluginHostProvider hosts, const Clock* clock,
                         AlertingMetrics* metrics, AlertingConfig::Delivery delivery,
                         Duration poll_interval);
  ~NotificationDispatcher();
  NotificationDispatcher(const NotificationDispatcher&) = delete;
  NotificationDispatcher& operator=(const NotificationDispatcher&) = delete;

  // Queues the pending notifications of the database and starts the thread.
  Status Start();
  // Finishes the attempt in progress and stops; what is still pending stays in the database.
  void Stop();

  // Queues records already written to the database.
  void Enqueue(std::vector<NotificationRecord> records);
  // Makes the thread look at the clock now (after a FakeClock moved, or new work).
  void Wake();
  // Replaces the retry settings (configuration reload).
  void SetDelivery(AlertingConfig::Delivery delivery);

  // Waits until no notification is due at the clock's current time and none is being
  // delivered; returns false when `timeout` (real time) passed first.
  bool WaitIdle(std::chrono::milliseconds timeout);

  // Returns how many notifications wait for delivery.
  size_t pending() const;

 private:
  void Run();
  // Picks the queued record due first, or returns false with how long to wait.
  bool NextDue(int64_t now, NotificationRecord* out, Duration* wait);
  void Attempt(NotificationRecord* record);
  void Finish(const NotificationRecord& record);
  // Drops queued (not in-flight) records that `newer` supersedes; returns them.
  std::vector<NotificationRecord> TakeSuperseded(const NotificationRecord& newer);
  void MarkSuperseded(std::vector<NotificationRecord> records);

  AlertStore* store_;
  PluginHostProvider hosts_;
  const Clock* clock_;
  AlertingMetrics* metrics_;
  Duration poll_interval_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  AlertingConfig::Delivery delivery_;
  std::vector<NotificationRecord> queue_;
  std::string in_flight_;  // id of the record being delivered, "" when none
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace nightjar::collector::alerting
