// Real peer programs the notifier tests run (an SMTP server, Alertmanager, openssl): started
// with posix_spawn, output to a log file, and stopped by the test that started them.
//
// The child's stdin is a pipe whose write end only this process holds: a peer that watches
// its stdin (the SMTP test server does) exits even when the test process dies without
// stopping it.
//
// Thread-safety: a PeerProcess belongs to one test; WaitUntil is reentrant.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nightjar::plugins::testing {

class PeerProcess {
 public:
  // Starts argv (argv[0] is an absolute path) with stdout and stderr appended to `log_path`.
  // Returns nullptr and sets `error` when the program is missing or cannot be spawned.
  static std::unique_ptr<PeerProcess> Start(const std::vector<std::string>& argv,
                                            const std::string& log_path, std::string* error);

  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  // Returns true while the child has not exited.
  bool Running();

  // Waits up to `timeout` for the child to exit; returns its exit status, or -1 when it was
  // killed by a signal or (after killing it) when the time ran out.
  int Wait(std::chrono::milliseconds timeout);

  // Stops the child: closes its stdin, sends SIGTERM, and SIGKILL after 5 s.
  void Stop();

  // Returns what the child wrote so far, for failure messages.
  std::string Log() const;

 private:
  PeerProcess(pid_t pid, int stdin_fd, std::string log_path)
      : pid_(pid), stdin_fd_(stdin_fd), log_path_(std::move(log_path)) {}

  pid_t pid_;
  int stdin_fd_;
  std::string log_path_;
  bool exited_ = false;
  int status_ = 0;
};

// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// Returns a loopback TCP port nothing listens on at the moment of the call. For peers that
// cannot bind port 0 and report it; the caller must cope with losing a race for it.
int UnusedLoopbackPort();

}  // namespace nightjar::plugins::testing
