// A real Prometheus Alertmanager (Debian's prometheus-alertmanager) for the notifier tests: on a
// loopback port, clustering off, storage and configuration in a directory the test owns.
//
// Thread-safety: one test owns an instance; Get may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "peer_process.h"

namespace nightjar::plugins::testing {

class AlertmanagerProcess {
 public:
  // Starts Alertmanager with configuration `config_yaml`, keeping its files under `dir`, and
  // waits until it is ready. port() is 0 and problem() says why when it could not start.
  AlertmanagerProcess(const std::string& dir, const std::string& config_yaml);

  int port() const { return port_; }
  const std::string& problem() const { return problem_; }
  // Returns "http://127.0.0.1:<port>".
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::unique_ptr<PeerProcess> process_;
  int port_ = 0;
  std::string problem_;
};

// Returns the status and body of GET http://127.0.0.1:<port><path>; status 0 when the
// connection failed.
std::pair<int, std::string> HttpGet(int port, const std::string& path);

}  // namespace nightjar::plugins::testing
