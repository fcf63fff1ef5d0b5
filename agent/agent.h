// The running agent: the persistent queue, the file inputs on their tail thread, the host
// metrics input on its own thread, the exporter on its thread, and the optional metrics
// endpoint, started and stopped in the order that keeps every line safe.
//
// Start: lock the state directory (one agent per state), open the queue, scan files (resuming
// from checkpoints), start exporting, start reading.
// Stop: stop collecting host metrics; stop reading; read rotated and deleted files to their end and
// commit everything built; send what can be sent within the grace period; close the queue. Whatever
// was not acknowledged stays queued, and whatever was not read stays in the files, for the next
// start.
//
// Thread-safety: Create/Start/Stop/Reload from the main thread; Healthy() from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <thread>

#include "agent_metrics.h"
#include "config/agent_config.h"
#include "exporter/otlp_exporter.h"
#include "inputs/file_tail/file_tailer.h"
#include "inputs/host_metrics/host_metrics.h"
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

  // Applies a new configuration. Not supported yet: returns Unimplemented and keeps running
  // with the current one.
  Status Reload(const AgentConfig& config);

  // Returns true while the tail, host metrics and export threads show recent signs of life (for the
  // systemd watchdog: a wedged thread stops the pings and systemd restarts the agent).
  bool Healthy() const;

  // Returns the bound metrics port (0 when the endpoint is off).
  uint16_t metrics_port() const { return metrics_server_ ? metrics_server_->port() : 0; }

 private:
  explicit Agent(AgentConfig config);
  Status LockStateDir();
  Status StartMetricsServer();
  void TailLoop();

  AgentConfig config_;
  metrics::Registry registry_;
  AgentMetrics metrics_;
  int lock_fd_ = -1;
  std::unique_ptr<PersistentQueue> queue_;
  std::unique_ptr<OtlpExporter> exporter_;
  std::unique_ptr<FileTailer> tailer_;
  std::unique_ptr<host_metrics::HostMetricsInput> host_metrics_;
  std::unique_ptr<HttpServer> metrics_server_;
  std::thread tail_thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> tail_heartbeat_{0};
};

}  // namespace nightjar::agent
