// Tests of signal waiting and the systemd notify protocol.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "runtime/sd_notify.h"
#include "runtime/signals.h"

namespace nightjar {
namespace {

TEST(Signals, WaitReturnsTheSignalOrTimesOut) {
  BlockTerminationSignals();
  EXPECT_EQ(WaitForSignal(std::chrono::milliseconds(10)), std::nullopt);
  ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);
  EXPECT_EQ(WaitForSignal(std::chrono::seconds(5)), SIGHUP);
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  EXPECT_EQ(WaitForSignal(std::chrono::seconds(5)), SIGTERM);
}

// A datagram socket standing in for systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(bool abstract) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    name_ = "nj-notify-" + std::to_string(::getpid()) + (abstract ? "-a" : "-f");
    socklen_t len;
    if (abstract) {
      addr.sun_path[0] = '\0';
      std::memcpy(addr.sun_path + 1, name_.data(), name_.size());
      len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name_.size());
      env_ = "@" + name_;
    } else {
      env_ = "/tmp/" + name_;
      ::unlink(env_.c_str());
      std::memcpy(addr.sun_path, env_.data(), env_.size());
      len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + env_.size());
    }
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0) << std::strerror(errno);
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~NotifySocket() {
    ::close(fd_);
    if (env_[0] == '/') ::unlink(env_.c_str());
  }
  std::string Receive() {
    char buf[512];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }
  const std::string& env() const { return env_; }

 private:
  int fd_;
  std::string name_;
  std::string env_;
};

TEST(SdNotify, SendsToAPathSocket) {
  NotifySocket socket(false);
  setenv("NOTIFY_SOCKET", socket.env().c_str(), 1);
  EXPECT_TRUE(SdNotify("READY=1"));
  EXPECT_EQ(socket.Receive(), "READY=1");
  std::string reloading = SdReloadingMessage();
  EXPECT_TRUE(SdNotify(reloading));
  EXPECT_EQ(socket.Receive().substr(0, 27), "RELOADING=1\nMONOTONIC_USEC=");
  unsetenv("NOTIFY_SOCKET");
}

TEST(SdNotify, SendsToAnAbstractSocket) {
  NotifySocket socket(true);
  setenv("NOTIFY_SOCKET", socket.env().c_str(), 1);
  EXPECT_TRUE(SdNotify("WATCHDOG=1"));
  EXPECT_EQ(socket.Receive(), "WATCHDOG=1");
  unsetenv("NOTIFY_SOCKET");
}

TEST(SdNotify, IsANoOpOutsideSystemd) {
  unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(SdNotify("READY=1"));
}

TEST(SdNotify, WatchdogIntervalComesFromTheEnvironment) {
  unsetenv("WATCHDOG_USEC");
  EXPECT_EQ(SdWatchdogInterval(), std::nullopt);
  setenv("WATCHDOG_USEC", "20000000", 1);
  setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  EXPECT_EQ(SdWatchdogInterval(), std::chrono::seconds(20));
  setenv("WATCHDOG_PID", "1", 1);  // meant for another process
  EXPECT_EQ(SdWatchdogInterval(), std::nullopt);
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
}

}  // namespace
}  // namespace nightjar
