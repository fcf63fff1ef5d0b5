// inotify directory watches; see inotify_watcher.h.
#include "inputs/file_tail/inotify_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/logging.h"

namespace nightjar::agent {
namespace {

constexpr uint32_t kMask = IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                           IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_CLOSE_WRITE;
constexpr uint32_t kStructural = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                 IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_Q_OVERFLOW |
                                 IN_ATTRIB;

}  // namespace

std::unique_ptr<InotifyWatcher> InotifyWatcher::Create() {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    log::Warning("file_tail", "inotify unavailable; discovering changes by polling only",
                 {{"error", std::strerror(errno)}});
    return nullptr;
  }
  return std::unique_ptr<InotifyWatcher>(new InotifyWatcher(fd));
}

InotifyWatcher::~InotifyWatcher() { ::close(fd_); }

void InotifyWatcher::Watch(const std::vector<std::string>& directories) {
  for (const std::string& dir : directories) {
    if (watched_.count(dir) != 0) continue;
    int wd = inotify_add_watch(fd_, dir.c_str(), kMask | IN_ONLYDIR);
    if (wd < 0) {
      if (errno == ENOSPC && !limit_warned_) {
        limit_warned_ = true;
        log::Warning("file_tail",
                     "inotify watch limit reached; further directories are polled "
                     "(raise fs.inotify.max_user_watches)",
                     {{"directory", dir}});
      }
      continue;
    }
    directories_[wd] = dir;
    watched_.insert(dir);
  }
}

bool InotifyWatcher::ReadEvents(
    const std::function<void(const std::string& path)>& on_modified,
    const std::function<void(const std::string& from, const std::string& to)>& on_moved) {
  bool rescan = false;
  alignas(inotify_event) char buffer[16 * 1024];
  while (true) {
    ssize_t n = ::read(fd_, buffer, sizeof(buffer));
    if (n <= 0) break;
    for (char* p = buffer; p < buffer + n;) {
      auto* event = reinterpret_cast<inotify_event*>(p);
      p += sizeof(inotify_event) + event->len;
      if ((event->mask & kStructural) != 0) rescan = true;
      if ((event->mask & IN_IGNORED) != 0) {
        auto it = directories_.find(event->wd);
        if (it != directories_.end()) {
          watched_.erase(it->second);
          directories_.erase(it);
        }
        continue;
      }
      if (event->len == 0) continue;
      auto it = directories_.find(event->wd);
      if (it == directories_.end()) continue;
      std::string path = it->second;
      if (path.back() != '/') path += '/';
      path += event->name;
      if ((event->mask & (IN_MODIFY | IN_CLOSE_WRITE)) != 0) on_modified(path);
      if ((event->mask & IN_MOVED_FROM) != 0) {
        if (moved_from_.size() > 1024) moved_from_.clear();  // unpaired: moved out of view
        moved_from_[event->cookie] = path;
      }
      if ((event->mask & IN_MOVED_TO) != 0) {
        auto from = moved_from_.find(event->cookie);
        if (from != moved_from_.end()) {
          on_moved(from->second, path);
          moved_from_.erase(from);
        }
      }
    }
  }
  return rescan;
}

}  // namespace nightjar::agent
