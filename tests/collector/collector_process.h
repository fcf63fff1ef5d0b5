// Runs the real nightjar-collector binary for end-to-end tests: on port 0, in a temporary
// directory, with its stderr in a file; finds its ports through --ports-file; stops it with a
// signal or kills it.
//
// Thread-safety: a CollectorProcess belongs to one thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace nightjar::collector::testing {

// Returns the path of the nightjar-collector binary under test.
std::string CollectorBinary();

// Runs the binary to completion with `args` in `cwd`; returns the exit status (-1 when it did
// not exit normally) and fills `output` with stdout+stderr.
int RunCollector(const std::vector<std::string>& args, const std::string& cwd, std::string* output);

class CollectorProcess {
 public:
  // `dir` holds the config, the data directory, the ports file and the log.
  explicit CollectorProcess(std::string dir) : dir_(std::move(dir)) {}
  ~CollectorProcess();

  // Starts the collector with `config_yaml` (listen addresses are forced to 127.0.0.1:0) and
  // waits until it listens. Returns false (with the log in `error()`) when it does not.
  bool Start(const std::string& config_yaml, const std::vector<std::string>& extra_args = {});

  // Sends `sig` and waits for the exit; returns the exit status, or -1 on a timeout or a death
  // by signal.
  int Stop(int sig = 15, std::chrono::seconds timeout = std::chrono::seconds(30));

  // Kills the process with SIGKILL and reaps it.
  void Kill();

  // Returns true while the process has not exited.
  bool Alive();

  // Reads a field of /proc/<pid>/status in KiB (e.g. "VmRSS", "VmHWM"); -1 when unavailable.
  long StatusKib(const char* field) const;

  pid_t pid() const { return pid_; }
  uint16_t otlp_port() const { return otlp_port_; }
  uint16_t api_port() const { return api_port_; }
  std::string database() const { return dir_ + "/data/nightjar.db"; }
  std::string log() const;
  const std::string& error() const { return error_; }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  uint16_t otlp_port_ = 0;
  uint16_t api_port_ = 0;
  std::string error_;
};

}  // namespace nightjar::collector::testing
