// The alert lifecycle: turns the rules engine's evaluations into alerts that go pending, fire
// and resolve, persists them with their history in the alerts database, lets operators
// acknowledge, resolve and silence them, and queues notifications for the receivers the
// configured routes name.
//
//   auto manager = AlertManager::Open({.database_path = config.DatabasePath(data_dir),
//                                      .config = config, .clock = &clock,
//                                      .registry = &metrics.registry(),
//                                      .plugin_host = [&c] { return c.plugin_host(); }});
//   (*manager)->Start();
//   rules_engine.SetSink(manager->get());        // SetRules + Apply (rule_evaluation.h)
//   RegisterAlertRoutes(server, **manager, hooks);  // alerts_api.h
//
// Semantics (Prometheus where it fits; see lifecycle.h for the state machine):
// - Identity is rule + labels; the fingerprint is a hash of the labels (labels.h). A rule's
//   evaluation marked `complete` clears the rule's alerts it does not mention; event-driven
//   evaluations change only the alerts they carry. An evaluation with `error` set changes
//   nothing (counted in nightjar_alert_evaluation_errors_total).
// - SetRules: alerts of rules no longer present resolve; the others keep their state and
//   timers. Until the first SetRules (e.g. right after a restart), stored alerts are kept as
//   they were. Evaluations of rules SetRules did not announce are ignored (and logged once):
//   the engine announces its rules before evaluating them.
// - Persistence: transitions, acknowledgements, silences and the notifications they queue are
//   written in one transaction before Apply/the operator call returns, so a restart keeps
//   alerts, `for` timers (active_since) and keep_firing_for timers as they were. Changes of a
//   value or annotations alone are written by the next Tick (at most tick_interval later), so
//   that busy event-driven rules do not write on every record.
// - Notifications, as Prometheus Alertmanager groups them: router.h picks each firing alert's
//   receivers and its route's group_by puts it in a group (receiver + group key). A new group is
//   notified group_wait after it formed; after that a change of the group (an alert that
//   starts firing; one that resolves, if send_resolved) is notified at most every
//   group_interval, and an unchanged group still firing every repeat_interval. A notification
//   carries every alert of the group: those firing, and those resolved since the last one. An
//   acknowledged alert brings no repeats; silenced and inhibited (inhibition.h) alerts are left
//   out altogether; both are notified again when they change state (an acknowledgement ends
//   when the alert resolves), and a firing alert left out while muted is announced once the
//   mute ends. The groups' state (NotificationGroup) is written with the notification it
//   queues, so a restart neither repeats nor loses a notification.
// - Retention (per AlertingConfig::retention): resolved alerts are listed for `resolved`, then
//   forgotten (their history stays for `history`).
//
// Time: evaluation times as given (else the Clock's), the Clock everywhere else. Tick() (run
// every tick_interval by a thread of the manager's own, or by the caller when tick_interval is
// 0) applies the passing of time: keep_firing_for running out, flapping ending, group_wait,
// group_interval and repeat_interval running out, silences ending, retention, and the deferred
// writes.
//
// Thread-safety: every method may be called from any thread. Apply and the operator calls
// serialize on one mutex and never wait on a receiver: delivery runs on the dispatcher's
// threads, one per receiver (notification_dispatcher.h).
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "alerting/alert.h"
#include "alerting/alert_store.h"
#include "alerting/alerting_config.h"
#include "alerting/alerting_metrics.h"
#include "alerting/label_matcher.h"
#include "alerting/notification_dispatcher.h"
#include "alerting/notification_group.h"
#include "alerting/rule_evaluation.h"
#include "alerting/silence.h"
#include "base/status.h"
#include "runtime/clock.h"
#include "runtime/metrics.h"

namespace nightjar::collector::alerting {

struct AlertManagerOptions {
  std::string database_path;  // AlertingConfig::DatabasePath(data_dir)
  AlertingConfig config;
  const Clock* clock = &Clock::System();
  metrics::Registry* registry = nullptr;  // null: a private registry
  // Where notifications go (see PluginHostProvider); null: they stay queued in the database.
  PluginHostProvider plugin_host;
  // How often the manager's own thread calls Tick(); 0 = no thread, the caller ticks.
  Duration tick_interval = std::chrono::seconds(1);
  // The longest real-time wait of the dispatcher between looks at the clock.
  Duration poll_interval = std::chrono::seconds(1);
};

// Which alerts Alerts() returns; every set field must hold.
struct AlertFilter {
  std::vector<AlertState> states;  // empty = any
  std::string rule;                // empty = any
  std::vector<LabelMatcher> matchers;
  std::optional<bool> acknowledged;
  std::optional<bool> silenced;
};

// An alert with what is derived for display.
struct AlertView {
  Alert alert;
  std::string rule_file;                  // "" when the rule is not (or no longer) loaded
  std::vector<std::string> silenced_by;   // ids of the active silences matching it
  std::vector<std::string> inhibited_by;  // fingerprints of the firing alerts muting it
};

class AlertManager final : public AlertSink {
 public:
  // Opens the alerts database (creating and migrating it) and loads alerts and silences.
  static Result<std::unique_ptr<AlertManager>> Open(AlertManagerOptions options);
  // Returns the notification groups' state (tests, diagnostics).
  std::vector<NotificationGroup> Groups() const;
  ~AlertManager() override;
  AlertManager(const AlertManager&) = delete;
  AlertManager& operator=(const AlertManager&) = delete;

  // Starts the dispatcher (resuming notifications a previous run left pending) and the tick
  // thread.
  Status Start();
  // Stops the tick thread, writes deferred changes, and stops the dispatcher after the attempt
  // in progress. Idempotent; the destructor calls it.
  void Stop();

  // AlertSink (rule_evaluation.h).
  void SetRules(const std::vector<RuleSpec>& rules) override;
  void Apply(const RuleEvaluation& evaluation) override;

  // Applies the passing of time at the clock's now (see above).
  void Tick();

  // Replaces routes, intervals, flap policy, delivery and retention settings (a reload). The
  // database path is fixed at Open.
  void SetConfig(AlertingConfig config);

  // Returns the alerts matching `filter`: firing first, then pending, then resolved; newest
  // change first within each, then by labels.
  std::vector<AlertView> Alerts(const AlertFilter& filter = {}) const;
  // Returns one alert; NotFound when there is none with that fingerprint.
  Result<AlertView> GetAlert(const std::string& fingerprint) const;
  // Returns an alert's history, newest first (also for alerts no longer listed).
  Result<std::vector<HistoryEntry>> History(const std::string& fingerprint, int limit) const;

  // Acknowledges a pending or firing alert (FailedPrecondition for a resolved one).
  Result<AlertView> Acknowledge(const std::string& fingerprint, const std::string& by,
                                const std::string& comment);
  // Removes the acknowledgement (a no-op when there is none).
  Result<AlertView> Unacknowledge(const std::string& fingerprint, const std::string& by);
  // Resolves a pending or firing alert by hand (FailedPrecondition when already resolved). It
  // fires again only if its rule finds the condition again (a new pending period).
  Result<AlertView> Resolve(const std::string& fingerprint, const std::string& by,
                            const std::string& comment);

  // Creates a silence (`id` empty) or replaces an existing one (`id` set; NotFound when
  // unknown). Fails when there are no matchers or ends_at is not after starts_at.
  Result<Silence> PutSilence(Silence silence);
  // Ends a silence now (an expired one stays as it is); NotFound when unknown.
  Result<Silence> ExpireSilence(const std::string& id);
  // Deletes a silence; NotFound when unknown.
  Status DeleteSilence(const std::string& id);
  // Returns every silence (active and pending first, then expired; newest first).
  std::vector<Silence> Silences() const;
  Result<Silence> GetSilence(const std::string& id) const;

  // Returns the most recent notification records, newest first.
  Result<std::vector<NotificationRecord>> Notifications(int limit) const;
  // Waits until the dispatcher has nothing due (tests, shutdown); false on timeout.
  bool WaitForDeliveries(std::chrono::milliseconds timeout);

  const Clock& clock() const { return *clock_; }
  AlertingMetrics& metrics() { return metrics_; }

 private:
  // What one call changes: written together, then the notifications are queued.
  struct Changes {
    WriteSet set;
    std::vector<NotificationRecord> queue;
    bool recount = false;
  };

  AlertManager(AlertManagerOptions options, std::unique_ptr<AlertStore> store);
  void Load(std::vector<Alert> alerts, std::vector<Silence> silences,
            std::vector<NotificationGroup> groups);
  const RuleSpec& SpecFor(const std::string& rule) const;
  // Records transitions, queues notifications and decides persistence for `a`; returns false
  // when the alert became inactive and must be forgotten.
  bool Settle(Alert& a, const std::vector<Transition>& transitions, int64_t now,
              const std::string& actor, bool created, Changes* ch);
  // Queues the notifications of the groups that are due at `now` and updates their state.
  void FlushGroups(int64_t now, Changes* ch);
  void Forget(const std::string& fingerprint, Changes* ch);
  void Commit(Changes* ch);
  void Recount(int64_t now);
  bool IsSilenced(const Alert& a, int64_t now) const;
  AlertView View(const Alert& a, int64_t now,
                 const std::map<std::string, std::vector<std::string>>& inhibitions) const;
  Result<Alert*> Find(const std::string& fingerprint);
  void AddHistory(const Alert& a, std::string event, AlertState from, AlertState to,
                  std::string actor, std::string reason, int64_t now, Changes* ch);
  void RunTicker();

  const Clock* clock_;
  Duration tick_interval_;
  AlertingMetrics metrics_;
  std::unique_ptr<AlertStore> store_;
  std::unique_ptr<NotificationDispatcher> dispatcher_;

  mutable std::mutex mutex_;
  AlertingConfig config_;
  std::map<std::string, RuleSpec> rules_;
  std::set<std::string> ignored_rules_;  // evaluated but unannounced rules, each logged once
  std::map<std::string, Alert> alerts_;  // by fingerprint
  std::map<std::string, std::set<std::string>> rule_alerts_;  // rule -> fingerprints
  std::set<std::string> dirty_;  // alerts with unwritten value/annotation changes
  std::vector<Silence> silences_;
  std::map<std::string, NotificationGroup> groups_;  // by GroupId
  int64_t last_purge_ = 0;

  std::mutex ticker_mutex_;
  std::condition_variable ticker_wake_;
  bool ticker_stop_ = false;
  std::thread ticker_;
};

}  // namespace nightjar::collector::alerting
