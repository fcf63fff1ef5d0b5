// Delivers queued notifications through notifier plugins, off the threads of rule evaluation
// and the API, with one delivery lane per receiver (notifier instance; delivery_lane.h) so that
// one slow or dead receiver — a 10 s SMTP timeout, a webhook that hangs — never delays the
// notifications of another.
//
// Why a thread per receiver rather than a shared pool: the guarantee is that no receiver waits
// on another, and a pool of N threads breaks it as soon as N receivers hang at once; a pool as
// large as the receivers is a thread per receiver with more bookkeeping. Receivers are the
// notifier instances the configuration's routes name (a handful), each lane's thread sleeps on
// a condition variable when it has nothing due, and attempts within a lane stay sequential, so
// a receiver gets its notifications one at a time, oldest due first (notifiers' I/O is
// blocking, so a lane cannot serve several receivers without one waiting on another). The
// number of lanes is bounded by the receivers ever named by this process's configurations (and
// by notifications a previous run left pending); a lane's thread runs from Start() to Stop(),
// and the lane lives as long as the dispatcher.
//
// Every notification is in the alerts database before it is queued here (the lifecycle writes
// it with the transition that caused it); each attempt's outcome is written back
// (delivery_attempt.h): delivered ones are never sent again (also after a restart), failed ones
// keep the notifier's message, retried ones follow the notifier's delay or exponential backoff
// until give_up_after. Start() queues what a previous run left pending. A newer notification
// for the same receiver and group key supersedes an older one still waiting.
//
// Time comes from the Clock (due times are wall-clock times, stored, so they survive a
// restart); each lane re-reads it at least every poll_interval and whenever Wake() is called,
// so tests drive retries with a FakeClock.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "alerting/alert_store.h"
#include "alerting/alerting_config.h"
#include "alerting/alerting_metrics.h"
#include "alerting/delivery_lane.h"
#include "alerting/notification_record.h"
#include "runtime/clock.h"

namespace nightjar::collector::alerting {

class NotificationDispatcher {
 public:
  NotificationDispatcher(AlertStore* store, PluginHostProvider hosts, const Clock* clock,
                         AlertingMetrics* metrics, AlertingConfig::Delivery delivery,
                         Duration poll_interval);
  ~NotificationDispatcher();
  NotificationDispatcher(const NotificationDispatcher&) = delete;
  NotificationDispatcher& operator=(const NotificationDispatcher&) = delete;

  // Queues the pending notifications of the database and starts the lanes.
  Status Start();
  // Finishes the attempts in progress (one per lane at most) and stops; what is still pending
  // stays in the database.
  void Stop();

  // Queues records already written to the database, each in its receiver's lane.
  void Enqueue(std::vector<NotificationRecord> records);
  // Makes every lane look at the clock now (after a FakeClock moved, or new work).
  void Wake();
  // Replaces the retry settings (configuration reload); attempts from now on use them.
  void SetDelivery(AlertingConfig::Delivery delivery);

  // Waits until no notification is due at the clock's current time and none is being
  // delivered, in any lane; returns false when `timeout` (real time) passed first.
  bool WaitIdle(std::chrono::milliseconds timeout);

  // Returns how many notifications wait for delivery.
  size_t pending() const;

 private:
  // Returns the lane of `receiver`, creating (and, once started, starting) it; called with
  // mutex_ held.
  DeliveryLane* LaneFor(const std::string& receiver);
  std::vector<DeliveryLane*> Lanes() const;

  // Declared before lanes_, so the lanes (whose threads use it) are destroyed first.
  LaneServices services_;

  mutable std::mutex delivery_mutex_;  // a leaf lock: lanes read delivery_ from their threads
  AlertingConfig::Delivery delivery_;

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<DeliveryLane>> lanes_;  // by receiver
  bool started_ = false;
};

}  // namespace nightjar::collector::alerting
