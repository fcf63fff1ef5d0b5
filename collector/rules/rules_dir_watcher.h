// Watches the rules directory with inotify and calls a function once the directory has been
// quiet for a moment after a change (an editor's save is often several events: a temporary
// file, a rename, a chmod), so that rules reload when an operator saves a file.
//
// A directory that does not exist, or an inotify that cannot be had (its per-user limits), is
// logged; rules then reload only on SIGHUP or POST /api/v1/rules/reload.
//
// Thread-safety: Start/Stop from one thread; `on_change` runs on the watcher's own thread.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "runtime/units.h"

namespace nightjar::collector::rules {

class RulesDirWatcher {
 public:
  RulesDirWatcher(std::string dir, std::function<void()> on_change,
                  Duration quiet = std::chrono::milliseconds(200));
  ~RulesDirWatcher();
  RulesDirWatcher(const RulesDirWatcher&) = delete;
  RulesDirWatcher& operator=(const RulesDirWatcher&) = delete;

  // Starts watching; returns false (logged) when the directory cannot be watched.
  bool Start();
  // Stops and joins. Idempotent.
  void Stop();

 private:
  void Run();
  // Reads and discards what inotify has; returns true when anything was there.
  bool Drain();

  std::string dir_;
  std::function<void()> on_change_;
  Duration quiet_;
  int inotify_fd_ = -1;
  int wake_fd_ = -1;  // an eventfd that Stop() signals
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace nightjar::collector::rules
