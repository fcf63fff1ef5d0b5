// Running the real nightjar-agent binary in tests: start it with a configuration, stop it with
// SIGTERM or SIGKILL, read its log, scrape its metrics endpoint.
//
// Thread-safety: one test thread per AgentProcess.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace nightjar::agent::testing {

// Returns the path of the agent binary built with the tests.
std::string AgentBinary();

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs the agent binary with `args` to completion (killed after `timeout`).
RunResult RunAgent(const std::vector<std::string>& args,
                   std::chrono::milliseconds timeout = std::chrono::seconds(20));

class AgentProcess {
 public:
  // `log_path` receives the agent's stderr and stdout (appended across restarts).
  AgentProcess(std::string config_path, std::string log_path);
  ~AgentProcess();
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;

  // Adds "NAME=value" entries to the environment the agent starts with.
  void SetEnvironment(std::vector<std::string> extra) { extra_env_ = std::move(extra); }

  // Starts the agent and waits until it reports its metrics port (the configuration must set
  // metrics.listen). Returns false when it does not come up within `timeout`.
  bool Start(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Sends SIGTERM and waits for the exit; returns the exit status, or -1 if it had to be killed.
  int Terminate(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Sends SIGKILL and reaps the process.
  void Kill();
  // Sends `signal` and returns at once.
  void Signal(int signal);
  // Waits until the log (since the last Start) contains `text`.
  bool WaitForLog(const std::string& text, std::chrono::milliseconds timeout) const;
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Returns the value of one series from /metrics, e.g.
  // "nightjar_agent_inputs_paused" or "nightjar_agent_lines_read_total{input=\"app\"}".
  std::optional<double> Metric(const std::string& series) const;
  // Waits until Metric(series) satisfies `pred`.
  template <typename Pred>
  bool WaitForMetric(const std::string& series, Pred pred,
                     std::chrono::milliseconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::optional<double> v = Metric(series);
      if (v && pred(*v)) return true;
      PauseBriefly();
    }
    return false;
  }

  // Returns everything the agent logged so far.
  std::string Log() const;

 private:
  static void PauseBriefly();

  std::string config_path_;
  std::string log_path_;
  std::vector<std::string> extra_env_;
  size_t log_start_ = 0;
  pid_t pid_ = -1;
  uint16_t metrics_port_ = 0;
};

}  // namespace nightjar::agent::testing
