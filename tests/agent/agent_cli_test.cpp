// The agent as an operator runs it: the command line (--help, --version, --check-config), the
// systemd notify protocol (READY, WATCHDOG, RELOADING, STOPPING), and one agent per state
// directory. Each test runs the real binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <vector>

#include "agent_process.h"
#include "log_writer.h"
#include "temp_dir.h"
#include "test_receiver.h"

namespace nightjar::agent::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

void WriteAgentConfig(const TempDir& dir, const std::string& endpoint) {
  std::ofstream out(dir / "agent.yaml");
  out << "state_dir: " << dir.path() << "/state\n"
      << "inputs:\n  - name: app\n    include: [\"" << dir.path() << "/*.log\"]\n"
      << "exporter: {endpoint: \"" << endpoint << "\"}\n"
      << "metrics: {listen: \"127.0.0.1:0\"}\n";
}

TEST(AgentCli, HelpAndVersion) {
  RunResult help = RunAgent({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.output, HasSubstr("--check-config"));
  RunResult version = RunAgent({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.output, HasSubstr("nightjar-agent "));
}

TEST(AgentCli, RefusesUnknownArguments) {
  RunResult r = RunAgent({"--frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("unknown argument \"--frobnicate\""));
}

TEST(AgentCli, CheckConfigAcceptsAValidFile) {
  TempDir dir;
  WriteAgentConfig(dir, "http://127.0.0.1:4318");
  RunResult r = RunAgent({"--config", dir / "agent.yaml", "--check-config"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("configuration OK (1 input)"));
  // Validation starts nothing: no state directory was created.
  EXPECT_FALSE(std::filesystem::exists(dir / "state"));
}

TEST(AgentCli, CheckConfigNamesTheLineOfAnError) {
  TempDir dir;
  WriteFile(dir / "agent.yaml",
            "inputs:\n"
            "  - name: app\n"
            "    include: /var/log/*.log\n"
            "    multiline: {start_pattern: \"([unclosed\"}\n");
  RunResult r = RunAgent({"--config", dir / "agent.yaml", "--check-config"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("agent.yaml:4:"));
  EXPECT_THAT(r.output, HasSubstr("multiline.start_pattern"));
  RunResult missing = RunAgent({"--config", dir / "nope.yaml", "--check-config"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.output, HasSubstr("cannot open the configuration file"));
}

TEST(AgentCli, OneAgentPerStateDirectory) {
  TempDir dir;
  TestReceiver receiver;
  ASSERT_TRUE(receiver.Start().ok());
  WriteAgentConfig(dir, receiver.endpoint());
  AgentProcess first(dir / "agent.yaml", dir / "first.log");
  ASSERT_TRUE(first.Start());
  RunResult second = RunAgent({"--config", dir / "agent.yaml"}, seconds(20));
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.output, HasSubstr("another nightjar-agent is running"));
  EXPECT_EQ(first.Terminate(), 0);
}

// A datagram socket standing in for systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    timeval tv{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~NotifySocket() {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  // Collects messages until one after the first `from` messages starts with `prefix`; returns
  // its index, or -1 when `timeout` passed first.
  int WaitFor(const std::string& prefix, std::chrono::milliseconds timeout, size_t from = 0) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      for (size_t i = from; i < messages_.size(); ++i) {
        if (messages_[i].rfind(prefix, 0) == 0) return static_cast<int>(i);
      }
      if (std::chrono::steady_clock::now() >= deadline) return -1;
      char buffer[256];
      ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n > 0) messages_.emplace_back(buffer, static_cast<size_t>(n));
    }
  }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::string path_;
  int fd_;
  std::vector<std::string> messages_;
};

TEST(AgentCli, TellsSystemdWhenReadyAliveAndStopping) {
  TempDir dir;
  TestReceiver receiver;
  ASSERT_TRUE(receiver.Start().ok());
  WriteAgentConfig(dir, receiver.endpoint());
  NotifySocket notify(dir / "notify.sock");
  AgentProcess agent(dir / "agent.yaml", dir / "agent.log");
  agent.SetEnvironment({"NOTIFY_SOCKET=" + (dir / "notify.sock"), "WATCHDOG_USEC=400000"});
  ASSERT_TRUE(agent.Start()) << agent.Log();
  EXPECT_GE(notify.WaitFor("READY=1", seconds(10)), 0);
  EXPECT_GE(notify.WaitFor("WATCHDOG=1", seconds(10)), 0);
  // A reload is announced (with the monotonic time systemd wants) and followed by READY=1.
  agent.Signal(SIGHUP);
  int reloading = notify.WaitFor("RELOADING=1\nMONOTONIC_USEC=", seconds(10));
  ASSERT_GE(reloading, 0) << agent.Log();
  EXPECT_GE(notify.WaitFor("READY=1", seconds(10), static_cast<size_t>(reloading) + 1), 0);
  agent.Signal(SIGTERM);
  EXPECT_GE(notify.WaitFor("STOPPING=1", seconds(10)), 0);
  EXPECT_EQ(agent.Terminate(), 0);
}

}  // namespace
}  // namespace nightjar::agent::testing
