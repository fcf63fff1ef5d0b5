// The running agent: the persistent queue, the file inputs on their tail thread, the journal
// inputs and the host metrics input on threads of their own, the exporter on its thread, and the
// optional metrics endpoint, started and stopped in the order that keeps every line safe.
//
// Start: lock the state directory (one agent per state), open the queue, scan files (resuming
// from checkpoints), start exporting, start reading.
// Stop: stop collecting host metrics; stop reading; read rotated and deleted files to their end and
// commit everything built; send what can be sent within the grace period; close the queue. Whatever
// was not acknowledged stays queued, and whatever was not read stays in the files, for the next
// start.
// Reload: build the new inputs and exporter first (a configuration that does not compile changes
// nothing); then stop the running inputs as Stop does, but keep the queue open, so that every
// checkpoint and cursor is committed; swap in the new parts and start them from those checkpoints.
// The queue and what it holds are never touched. state_dir and queue settings need a restart:
// a change to them is logged and the running values are kept.
//
// Thread-safety: Create/Start/Stop/Reload from the main thread; Healthy() from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "agent_metrics.h"
#include "config/agent_config.h"
#include "exporter/otlp_exporter.h"
#include "inputs/file_tail/file_tailer.h"
#include "inputs/host_metrics/host_metrics.h"
#include "inputs/journal/journal_input.h"
#include "queue/persistent_queue.h"
#include "runtime/http_server.h"
#include "runtime/metrics.h"

namespace nightjar::agent {

class Agent {
 public:
  // Builds the agent from a validated configuration; opens nothing yet.
  static Result<std::unique_ptr<Agent>> Create(AgentConfig config);
  ~Agent();

  // Starts reading and shipping. When this returns OK the agent is reading files.
  Status Start();

  // Stops within the configured grace period (see the file comment).
  Status Stop();

  // Applies a new configuration (see the file comment). On an error nothing changed and the
  // running configuration stays.
  Status Reload(const AgentConfig& config);

  // Returns true while the tail, host metrics and export threads show recent signs of life (for the
  // systemd watchdog: a wedged thread stops the pings and systemd restarts the agent).
  bool Healthy() const;

  // Returns the bound metrics port (0 when the endpoint is off).
  uint16_t metrics_port() const { return metrics_server_ ? metrics_server_->port() : 0; }

 private:
  // The parts a reload replaces, built from a configuration before any of them runs.
  struct Inputs {
    std::unique_ptr<FileTailer> tailer;
    std::vector<std::unique_ptr<journal::JournalInput>> journals;
    std::unique_ptr<host_metrics::HostMetricsInput> host_metrics;
  };

  explicit Agent(AgentConfig config);
  Status LockStateDir();
  Status StartMetricsServer();
  // Builds the inputs of `config`; `known` names the inputs that ran before (a reload), whose
  // start_at no longer applies.
  Result<Inputs> BuildInputs(const AgentConfig& config, const AgentConfig* known);
  // Starts the tail thread (from the saved checkpoints), the journal and host metrics inputs.
  Status StartInputs(bool first_run);
  // Stops every input and commits what they read; the queue stays open.
  Status StopInputs(int64_t deadline_nanos);
  // Replaces the running inputs (which must be stopped) and exporter with `inputs`, `exporter`.
  void SwapParts(Inputs& inputs, std::unique_ptr<OtlpExporter>& exporter);
  // The queue's listeners: a batch was committed; room was made.
  void NotifyExporter();
  void WakeInputs();
  void TailLoop();

  AgentConfig config_;
  metrics::Registry registry_;
  AgentMetrics metrics_;
  int lock_fd_ = -1;
  std::unique_ptr<PersistentQueue> queue_;
  std::unique_ptr<OtlpExporter> exporter_;
  std::unique_ptr<FileTailer> tailer_;
  std::unique_ptr<host_metrics::HostMetricsInput> host_metrics_;
  std::vector<std::unique_ptr<journal::JournalInput>> journals_;
  // Guards the pointers above against the queue's listeners, which run on the tail, journal and
  // export threads while a reload replaces the parts. Never held while a thread is joined.
  mutable std::mutex parts_mutex_;
  std::unique_ptr<HttpServer> metrics_server_;
  std::thread tail_thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> tail_heartbeat_{0};
};

}  // namespace nightjar::agent
