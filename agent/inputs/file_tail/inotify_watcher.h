// inotify on the directories the file input watches: wakes the tail thread when a watched file
// grows or when files appear, move or disappear, so that lines ship within milliseconds while
// the agent otherwise sleeps. Watching directories (not files) needs one watch per directory,
// however many files it holds. Polling stays on as the safety net (inotify can overflow, and
// does not see writes made through other mounts such as NFS clients).
//
// Thread-safety: used by the tail thread only; fd() may be polled.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nightjar::agent {

class InotifyWatcher {
 public:
  // Returns a watcher, or nullptr (with a logged warning) when inotify is unavailable.
  static std::unique_ptr<InotifyWatcher> Create();
  ~InotifyWatcher();
  InotifyWatcher(const InotifyWatcher&) = delete;
  InotifyWatcher& operator=(const InotifyWatcher&) = delete;

  // Adds watches for directories not watched yet. Failures (a missing directory, the watch
  // limit) leave that directory to polling.
  void Watch(const std::vector<std::string>& directories);

  // Reads every pending event. Calls `on_modified(path)` for a file written in a watched
  // directory and `on_moved(from, to)` for a rename between watched directories; returns true
  // when files were created, moved or deleted (or events were lost), so that the caller
  // rescans.
  bool ReadEvents(
      const std::function<void(const std::string& path)>& on_modified,
      const std::function<void(const std::string& from, const std::string& to)>& on_moved);

  int fd() const { return fd_; }
  size_t watch_count() const { return directories_.size(); }

 private:
  explicit InotifyWatcher(int fd) : fd_(fd) {}

  int fd_;
  std::unordered_map<int, std::string> directories_;  // watch descriptor -> directory
  std::set<std::string> watched_;
  std::unordered_map<uint32_t, std::string> moved_from_;  // rename cookie -> old path
  bool limit_warned_ = false;
};

}  // namespace nightjar::agent
