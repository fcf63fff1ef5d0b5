// The rules engine: loads the Lua rule files of a directory, runs their rules on committed log
// records, on stored anomalies and periodically, and tells an alerting::AlertSink which alerts
// are active (collector/alerting/rule_evaluation.h).
//
//   RulesEngine engine({.config = config.rules, .store = &collector.store(),
//                       .clock = &clock, .registry = &collector.metrics().registry()});
//   engine.SetSink(collector.alerts());   // before Load()
//   LoadReport report = engine.Load();     // logs and reports per-file errors
//   collector.AddCommitObserver(engine_ptr);  collector.AddAnomalyObserver(engine_ptr);
//   engine.Start();  ...  engine.Reload();  ...  engine.Stop();
//
// Threads. OnLogsCommitted (the pipeline's writer thread) and OnAnomaly (the detection thread)
// only copy their input into a bounded queue (queue_max_records; what does not fit is counted
// in nightjar_rules_dropped_total{reason="queue_full"}) and return. The engine's own thread
// runs the on_log and on_anomaly rules on what is queued, and, at each evaluation_interval,
// EvaluateDue(): window expiry ticks and the `every` rules that are due. All Lua runs under one
// mutex, so tests may call ProcessQueued()/EvaluateDue() themselves, with or without the
// thread, and drive time with a FakeClock.
//
// Evaluations sent to the sink. on_log/on_anomaly: per batch, one event-driven evaluation per
// rule with the label sets the batch matched (complete = false); at each tick, one complete
// evaluation per rule with every label set still counted in its window, so an alert clears
// when its matches leave the window. every: one complete evaluation per run. A rule whose code
// fails sends an evaluation with `error` set, which changes no alert.
//
// Loading. Load()/Reload() read every *.lua file of the directory, in name order. A file that
// fails (syntax, runtime error, bad declaration, a rule name another file already uses) is
// refused with its message, and its previous version, if any, keeps running with its windows;
// an unchanged file keeps its state; a changed file's rules take over the window counts of
// rules of the same name. After each load the sink gets SetRules() with every running rule.
//
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "alerting/rule_evaluation.h"
#include "detection/anomaly_observer.h"
#include "pipeline/pipeline.h"
#include "rules/rule_file.h"
#include "rules/rule_status.h"
#include "rules/rules_config.h"
#include "rules/rules_metrics.h"
#include "rules/sliding_window.h"
#include "runtime/clock.h"
#include "runtime/metrics.h"
#include "store/store.h"

namespace nightjar::collector::rules {

struct RulesEngineOptions {
  RulesConfig config;
  Store* store = nullptr;  // what `every` rules query (read connections only); null: they fail
  const Clock* clock = &Clock::System();
  metrics::Registry* registry = nullptr;  // null: a private registry
  alerting::AlertSink* sink = nullptr;    // may also be set with SetSink() before Load()
  // The longest real-time wait of the engine's thread between looks at the clock (a FakeClock
  // does not wake it).
  Duration poll_interval = std::chrono::seconds(1);
};

// The outcome of one load of rule files.
struct LoadReport {
  std::vector<RuleFileStatus> files;
  // Returns true when every file loaded.
  bool ok() const;
  // Returns the errors, one line per failed file ("" when ok).
  std::string Errors() const;
};

class RulesEngine final : public CommitObserver, public AnomalyObserver {
 public:
  explicit RulesEngine(RulesEngineOptions options);
  ~RulesEngine() override;
  RulesEngine(const RulesEngine&) = delete;
  RulesEngine& operator=(const RulesEngine&) = delete;

  // Sets where evaluations go (null: nowhere). Call before Load().
  void SetSink(alerting::AlertSink* sink);

  // Loads (or reloads) every *.lua file of config.dir; see above. Each failure is also logged.
  LoadReport Load();
  LoadReport Reload() { return Load(); }

  // Replaces the configuration (a reload of the collector's) and loads the directory it names.
  // The evaluation interval and the queue and alert limits apply at once; the memory and
  // instruction limits apply to files loaded from now on (an unchanged file keeps its state, and
  // so the limits it was loaded with).
  LoadReport Reconfigure(RulesConfig config);

  // Returns the configuration in effect.
  RulesConfig Config() const;

  // Loads exactly these files (paths), as Load() does a directory's (test-rules).
  LoadReport LoadFiles(const std::vector<std::string>& paths);

  // Starts and stops the engine's thread. Stop() is idempotent; the destructor calls it.
  void Start();
  void Stop();

  // CommitObserver: queues the batch for the on_log rules.
  void OnLogsCommitted(const LogBatch& batch, std::span<const int64_t> ids) override;
  // AnomalyObserver: queues the anomaly for the on_anomaly rules.
  void OnAnomaly(const Anomaly& anomaly) override;

  // Runs the on_log and on_anomaly rules on everything queued, on the calling thread.
  void ProcessQueued();

  // Processes what is queued, then ticks every window and runs the `every` rules due at
  // `now_unix_nano` (those never run or whose interval has passed), on the calling thread.
  void EvaluateDue(int64_t now_unix_nano);

  // Waits until the queue is empty and nothing is being processed; false on timeout.
  bool WaitIdle(Duration timeout);

  // Returns every rule's status and the last load's file errors.
  RulesSnapshot Snapshot() const;

  // Returns the specs of the running rules (what SetRules was last given).
  std::vector<alerting::RuleSpec> Specs() const;

  RulesMetrics& metrics() { return metrics_; }

 private:
  struct Rule;
  struct File;
  using QueueItem = std::variant<std::pair<LogBatch, std::vector<int64_t>>, Anomaly>;

  LoadReport LoadSources(std::vector<std::pair<std::string, std::string>> files);  // name, path
  void Announce();
  void ProcessLogs(const LogBatch& batch, const std::vector<int64_t>& ids);
  void ProcessAnomaly(const Anomaly& anomaly);
  void Match(Rule& rule, const alerting::Labels& labels, std::optional<double> value, int64_t time,
             int64_t now, std::map<alerting::Labels, double>* touched);
  void SendWindow(Rule& rule, int64_t now, const std::map<alerting::Labels, double>* touched);
  void RunEvery(Rule& rule, int64_t now);
  alerting::AlertSample MakeSample(const Rule& rule, const alerting::Labels& labels, double value,
                                   alerting::AlertSample::Condition condition);
  void Apply(Rule& rule, alerting::RuleEvaluation evaluation, double seconds);
  void RecordError(Rule& rule, const std::string& error, int64_t now);
  int64_t NextWake();
  void Run();

  mutable std::mutex config_mutex_;  // guards options_.config; taken last, held briefly
  RulesEngineOptions options_;
  RulesMetrics metrics_;

  // Everything that runs Lua or changes the rules.
  mutable std::mutex mutex_;
  alerting::AlertSink* sink_ = nullptr;
  std::map<std::string, std::unique_ptr<File>> files_;  // by name
  std::atomic<bool> has_log_rules_{false};
  std::atomic<bool> has_anomaly_rules_{false};

  // Rule status, apart so that GET /api/v1/rules never waits for a running evaluation.
  mutable std::mutex status_mutex_;
  std::map<std::string, RuleStatus> status_;  // by rule name
  std::vector<std::string> status_order_;     // rule names by file, then declaration order
  std::vector<RuleFileStatus> file_status_;
  int64_t last_load_ = 0;

  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<QueueItem> queue_;
  size_t queued_records_ = 0;
  int busy_ = 0;
  std::atomic<int64_t> dropped_{0};
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace nightjar::collector::rules
