// Peer programs for the notifier tests; see peer_process.h.
#include "peer_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace nightjar::plugins::testing {

std::unique_ptr<PeerProcess> PeerProcess::Start(const std::vector<std::string>& argv,
                                                const std::string& log_path, std::string* error) {
  if (argv.empty() || access(argv[0].c_str(), X_OK) != 0) {
    *error = (argv.empty() ? std::string("no program") : argv[0]) +
             " is not an executable file; install the Debian packages listed in .ci/deps";
    return nullptr;
  }
  int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  int pipe_fds[2];
  if (log_fd < 0 || pipe2(pipe_fds, O_CLOEXEC) != 0) {
    *error = "cannot open " + log_path + " or a pipe: " + std::strerror(errno);
    if (log_fd >= 0) close(log_fd);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[0]);
  close(log_fd);
  if (rc != 0) {
    close(pipe_fds[1]);
    *error = "cannot start " + argv[0] + ": " + std::strerror(rc);
    return nullptr;
  }
  return std::unique_ptr<PeerProcess>(new PeerProcess(pid, pipe_fds[1], log_path));
}

PeerProcess::~PeerProcess() { Stop(); }

bool PeerProcess::Running() {
  if (exited_) return false;
  pid_t r = waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) exited_ = true;
  return !exited_;
}

int PeerProcess::Wait(std::chrono::milliseconds timeout) {
  if (!WaitUntil([this] { return !Running(); }, timeout)) {
    kill(pid_, SIGKILL);
    WaitUntil([this] { return !Running(); }, std::chrono::seconds(5));
    return -1;
  }
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
}

void PeerProcess::Stop() {
  if (stdin_fd_ >= 0) {
    close(stdin_fd_);
    stdin_fd_ = -1;
  }
  if (!Running()) return;
  kill(pid_, SIGTERM);
  if (!WaitUntil([this] { return !Running(); }, std::chrono::seconds(5))) {
    kill(pid_, SIGKILL);
    WaitUntil([this] { return !Running(); }, std::chrono::seconds(5));
  }
}

std::string PeerProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int UnusedLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace nightjar::plugins::testing
