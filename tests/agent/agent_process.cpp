// Running the agent binary; see agent_process.h.
#include "agent_process.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace nightjar::agent::testing {
namespace {

pid_t Spawn(const std::vector<std::string>& args, const std::string& output_path,
            const std::vector<std::string>& extra_env = {}) {
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  for (const std::string& e : extra_env) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  // Descriptors of the test process (a receiver's listening socket: Poco does not set
  // SOCK_CLOEXEC) must not leak into the agent, or the agent would hold the port.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGHUP);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), env.data()) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  return pid;
}

// Waits for `pid` to exit; returns its status, or nullopt after `timeout`.
std::optional<int> WaitExit(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string AgentBinary() { return NJ_AGENT_BINARY; }

RunResult RunAgent(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  char path[] = "/tmp/nj-agent-run-XXXXXX";
  int fd = ::mkstemp(path);
  ::close(fd);
  std::vector<std::string> argv = {AgentBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult result;
  pid_t pid = Spawn(argv, path);
  if (pid > 0) {
    std::optional<int> status = WaitExit(pid, timeout);
    if (!status) {
      ::kill(pid, SIGKILL);
      status = WaitExit(pid, std::chrono::seconds(5));
    }
    result.exit_code = status.value_or(-1);
  }
  result.output = ReadFile(path);
  ::unlink(path);
  return result;
}

AgentProcess::AgentProcess(std::string config_path, std::string log_path)
    : config_path_(std::move(config_path)), log_path_(std::move(log_path)) {}

AgentProcess::~AgentProcess() {
  if (pid_ > 0) Kill();
}

bool AgentProcess::Start(std::chrono::milliseconds timeout) {
  size_t log_start = Log().size();
  log_start_ = log_start;
  pid_ = Spawn({AgentBinary(), "--config", config_path_}, log_path_, extra_env_);
  if (pid_ <= 0) return false;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string marker = "metrics endpoint listening address=";
  while (std::chrono::steady_clock::now() < deadline) {
    std::string log = Log();
    size_t at = log.find(marker, log_start);
    if (at != std::string::npos) {
      size_t end = log.find('\n', at);
      std::string address = log.substr(at + marker.size(), end - at - marker.size());
      metrics_port_ = static_cast<uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
      // "reading" is logged once the first scan is done and the threads run.
      if (log.find(" reading ", at) != std::string::npos) return true;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

int AgentProcess::Terminate(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  std::optional<int> status = WaitExit(pid_, timeout);
  if (!status) {
    Kill();
    return -1;
  }
  pid_ = -1;
  return *status;
}

void AgentProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  WaitExit(pid_, std::chrono::seconds(10));
  pid_ = -1;
}

std::string AgentProcess::Log() const { return ReadFile(log_path_); }

void AgentProcess::Signal(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

bool AgentProcess::WaitForLog(const std::string& text, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Log().find(text, log_start_) != std::string::npos) return true;
    PauseBriefly();
  }
  return false;
}

void AgentProcess::PauseBriefly() { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }

std::optional<double> AgentProcess::Metric(const std::string& series) const {
  if (metrics_port_ == 0 || pid_ <= 0) return std::nullopt;
  std::string text;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", metrics_port_);
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/metrics",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::stringstream s;
    s << in.rdbuf();
    text = s.str();
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

}  // namespace nightjar::agent::testing
