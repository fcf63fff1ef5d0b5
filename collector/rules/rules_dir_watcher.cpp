// Watching the rules directory; see rules_dir_watcher.h.
#include "rules/rules_dir_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/logging.h"

namespace nightjar::collector::rules {
namespace {

constexpr const char* kComponent = "rules";

// Events that change what a load of the directory would read.
constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
                           IN_DELETE_SELF | IN_MOVE_SELF;

int ToMillis(Duration d) {
  return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

}  // namespace

RulesDirWatcher::RulesDirWatcher(std::string dir, std::function<void()> on_change, Duration quiet)
    : dir_(std::move(dir)), on_change_(std::move(on_change)), quiet_(quiet) {}

RulesDirWatcher::~RulesDirWatcher() { Stop(); }

bool RulesDirWatcher::Start() {
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0 || inotify_add_watch(inotify_fd_, dir_.c_str(), kMask) < 0) {
    log::Warning(kComponent,
                 "cannot watch the rules directory; rules reload on SIGHUP and POST "
                 "/api/v1/rules/reload only",
                 {{"dir", dir_}, {"error", std::strerror(errno)}});
    if (inotify_fd_ >= 0) ::close(inotify_fd_);
    inotify_fd_ = -1;
    return false;
  }
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  thread_ = std::thread([this] { Run(); });
  return true;
}

void RulesDirWatcher::Stop() {
  if (thread_.joinable()) {
    stopping_ = true;
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof(one));
    thread_.join();
  }
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  inotify_fd_ = wake_fd_ = -1;
}

bool RulesDirWatcher::Drain() {
  alignas(inotify_event) char buffer[4096];
  bool any = false;
  while (::read(inotify_fd_, buffer, sizeof(buffer)) > 0) any = true;
  return any;
}

void RulesDirWatcher::Run() {
  pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  bool pending = false;
  while (!stopping_) {
    // While a change is pending, wait only for the quiet period; a new event restarts it.
    int rc = ::poll(fds, 2, pending ? ToMillis(quiet_) : -1);
    if (stopping_) break;
    if (rc < 0) {
      if (errno == EINTR) continue;
      log::Error(kComponent, "watching the rules directory failed",
                 {{"dir", dir_}, {"error", std::strerror(errno)}});
      return;
    }
    if (rc > 0 && (fds[0].revents & POLLIN) && Drain()) {
      pending = true;
      continue;
    }
    if (rc == 0 && pending) {
      pending = false;
      on_change_();
    }
  }
}

}  // namespace nightjar::collector::rules
