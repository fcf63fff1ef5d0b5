// Runs a program to completion with a deadline and captures its output, for tests that drive
// third-party tools (node, protoc, npm).
//
// The child gets exactly the environment passed in, so a stray OTEL_* or NODE_OPTIONS variable
// of the person running the tests cannot change what the tool does.
//
// Thread-safety: RunProcess is reentrant.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace nightjar::interop {

struct ProcessResult {
  bool started = false;    // false: the program could not be spawned; `error` says why
  bool timed_out = false;  // the deadline passed and the child was killed
  int exit_code = -1;      // the exit status, or -1 when the child did not exit normally
  int signal = 0;          // the terminating signal, if any
  std::string stdout_text;
  std::string stderr_text;
  std::string error;

  // Returns true when the program ran and exited with status 0.
  bool Succeeded() const { return started && !timed_out && signal == 0 && exit_code == 0; }

  // Returns a one-paragraph account of how the run ended plus its stderr, for failure messages.
  std::string Describe() const;
};

// Runs `argv` (argv[0] is a path, not searched in PATH) with `env` ("NAME=value" entries) and
// stdin from the file `stdin_path`. Waits for the child to exit and for its stdout and stderr to
// close; when `timeout` passes first, kills it with SIGKILL and reports timed_out.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         std::chrono::milliseconds timeout,
                         const std::string& stdin_path = "/dev/null");

// Returns the environment a tool needs and nothing else: PATH, HOME and a UTF-8 locale.
std::vector<std::string> MinimalEnvironment();

}  // namespace nightjar::interop
