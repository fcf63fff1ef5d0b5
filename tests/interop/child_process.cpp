// Runs a child process with posix_spawn; see child_process.h.
//
// The parent waits on three file descriptors with poll(): the read ends of the child's stdout
// and stderr pipes, and a pidfd that becomes readable when the child exits. Reading both pipes
// while waiting keeps a chatty child from blocking on a full pipe, and the pidfd gives a wait
// with a deadline without sleeping or signals.
#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace nightjar::interop {
namespace {

// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  void Reset(int fd = -1) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

std::string ErrnoText(const char* what, int err) {
  return std::string(what) + ": " + std::strerror(err);
}

// Appends what is readable on `fd` to `out`; returns false at end of file.
bool Drain(int fd, std::string* out) {
  char buffer[65536];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n > 0) {
      out->append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

}  // namespace

std::string ProcessResult::Describe() const {
  std::string text;
  if (!started) {
    text = "could not start: " + error;
  } else if (timed_out) {
    text = "timed out and was killed";
  } else if (signal != 0) {
    text = "killed by signal " + std::to_string(signal);
  } else {
    text = "exited with status " + std::to_string(exit_code);
  }
  if (!stderr_text.empty()) text += "\n--- stderr ---\n" + stderr_text;
  return text;
}

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         std::chrono::milliseconds timeout, const std::string& stdin_path) {
  ProcessResult result;
  if (argv.empty()) {
    result.error = "empty command line";
    return result;
  }

  int out_pipe[2];
  int err_pipe[2];
  // O_CLOEXEC keeps the pipes out of children spawned concurrently by other threads; the
  // child's own copies are made by dup2, which clears the flag.
  if (pipe2(out_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    result.error = ErrnoText("pipe2", errno);
    return result;
  }
  Fd out_read(out_pipe[0]);
  Fd out_write(out_pipe[1]);
  if (pipe2(err_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    result.error = ErrnoText("pipe2", errno);
    return result;
  }
  Fd err_read(err_pipe[0]);
  Fd err_write(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, stdin_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);

  std::vector<char*> c_argv;
  for (const std::string& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  for (const std::string& e : env) c_env.push_back(const_cast<char*>(e.c_str()));
  c_env.push_back(nullptr);

  pid_t pid = -1;
  int spawn_error =
      posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) {
    result.error = ErrnoText(argv[0].c_str(), spawn_error);
    return result;
  }
  result.started = true;
  // Only the child may hold the write ends, or the reads below would never see end of file.
  out_write.Reset();
  err_write.Reset();

  // Through syscall(): glibc 2.36 declares pidfd_open without C linkage for C++ callers.
  Fd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  if (pidfd.get() < 0) {
    int err = errno;
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    result.error = ErrnoText("pidfd_open", err);
    result.started = false;
    return result;
  }

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true;
  bool err_open = true;
  bool exited = false;
  while (out_open || err_open || !exited) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    pollfd fds[3] = {{out_open ? out_read.get() : -1, POLLIN, 0},
                     {err_open ? err_read.get() : -1, POLLIN, 0},
                     {exited ? -1 : pidfd.get(), POLLIN, 0}};
    int ready = poll(fds, 3, static_cast<int>(left.count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      result.error = ErrnoText("poll", errno);
      result.timed_out = true;
      break;
    }
    if (out_open && fds[0].revents != 0) out_open = Drain(out_read.get(), &result.stdout_text);
    if (err_open && fds[1].revents != 0) err_open = Drain(err_read.get(), &result.stderr_text);
    if (!exited && fds[2].revents != 0) exited = true;
  }

  if (result.timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

std::vector<std::string> MinimalEnvironment() {
  std::vector<std::string> env;
  const char* path = std::getenv("PATH");
  env.push_back(std::string("PATH=") + (path ? path : "/usr/local/bin:/usr/bin:/bin"));
  const char* home = std::getenv("HOME");
  if (home) env.push_back(std::string("HOME=") + home);
  env.push_back("LANG=C.UTF-8");
  return env;
}

}  // namespace nightjar::interop
