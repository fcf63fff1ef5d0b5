// The collector binary as a child process; see collector_process.h.
#include "collector_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

extern char** environ;

namespace nightjar::collector::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Spawns `args` with stdout and stderr appended to `log`, in `cwd`.
pid_t Spawn(const std::vector<std::string>& args, const std::string& cwd, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// Waits for `pid` up to `timeout`; returns the wait status or nullopt.
std::optional<int> WaitExit(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0) return std::nullopt;
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

std::string CollectorBinary() {
  if (const char* dir = std::getenv("NJ_BINARY_DIR")) {
    return std::string(dir) + "/collector/nightjar-collector";
  }
  return NJ_COLLECTOR_BINARY;
}

int RunCollector(const std::vector<std::string>& args, const std::string& cwd,
                 std::string* output) {
  std::string log = cwd + "/run-" + std::to_string(::getpid()) + ".log";
  std::filesystem::remove(log);
  std::vector<std::string> full = {CollectorBinary()};
  full.insert(full.end(), args.begin(), args.end());
  pid_t pid = Spawn(full, cwd, log);
  if (pid < 0) return -1;
  auto status = WaitExit(pid, std::chrono::seconds(30));
  if (!status) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  *output = ReadFile(log);
  return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
}

CollectorProcess::~CollectorProcess() {
  if (pid_ > 0) Kill();
}

bool CollectorProcess::Start(const std::string& config_yaml,
                             const std::vector<std::string>& extra_args) {
  std::string config = dir_ + "/collector.yaml";
  {
    std::ofstream out(config);
    out << "data_dir: " << dir_ << "/data\n" << config_yaml;
  }
  std::string ports = dir_ + "/ports.json";
  std::filesystem::remove(ports);
  std::vector<std::string> args = {CollectorBinary(),  "--config",     config,
                                   "--listen-address", "127.0.0.1:0",  "--api-address",
                                   "127.0.0.1:0",      "--ports-file", ports};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = Spawn(args, dir_, dir_ + "/collector.log");
  if (pid_ < 0) {
    error_ = "cannot spawn " + args[0];
    return false;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = ReadFile(ports);
    size_t o = text.find("\"otlp\": "), a = text.find("\"api\": ");
    if (o != std::string::npos && a != std::string::npos) {
      otlp_port_ = static_cast<uint16_t>(std::atoi(text.c_str() + o + 8));
      api_port_ = static_cast<uint16_t>(std::atoi(text.c_str() + a + 7));
      return true;
    }
    if (!Alive()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  error_ = "the collector did not start:\n" + log();
  return false;
}

int CollectorProcess::Stop(int sig, std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, sig);
  auto status = WaitExit(pid_, timeout);
  if (!status) {
    Kill();
    return -1;
  }
  pid_ = -1;
  return WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
}

void CollectorProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

bool CollectorProcess::Alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

long CollectorProcess::StatusKib(const char* field) const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::atol(line.c_str() + prefix.size());
  }
  return -1;
}

std::string CollectorProcess::log() const { return ReadFile(dir_ + "/collector.log"); }

}  // namespace nightjar::collector::testing
