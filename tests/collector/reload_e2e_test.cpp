// End-to-end tests of the collector's configuration reload (SIGHUP) against the real binary:
// no acknowledged record lost or doubled and no connection refused while it reloads under
// load; a refused configuration leaves the running one in place; a changed listen address is
// rebound; and systemd hears RELOADING=1 (with MONOTONIC_USEC) and READY=1 around it.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "collector_process.h"
#include "http_client.h"
#include "otlp/codec.h"
#include "runtime/sqlite.h"
#include "test_util.h"

namespace nightjar::collector {
namespace {

using testing::CollectorProcess;
using testing::Get;
using testing::kT0;
using testing::Post;

constexpr const char* kProto = "application/x-protobuf";
constexpr const char* kOldToken = "old-api-token-0123456789";
constexpr const char* kNewToken = "new-api-token-0123456789";

std::map<std::string, std::string> Bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

// Rewrites the configuration file CollectorProcess started the collector with.
void WriteConfig(const testing::TempDir& dir, const std::string& yaml) {
  std::ofstream(dir.File("collector.yaml")) << "data_dir: " << dir.path().string() << "/data\n"
                                            << yaml;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Returns how often `needle` occurs in the collector's log.
size_t Occurrences(const std::string& log, const std::string& needle) {
  size_t n = 0;
  for (size_t at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) ++n;
  return n;
}

// Sends SIGHUP and waits until the log says the reload is over (applied or refused).
bool Reload(CollectorProcess& p) {
  std::string log = p.log();
  size_t before =
      Occurrences(log, "configuration reloaded") + Occurrences(log, "configuration refused");
  ::kill(p.pid(), SIGHUP);
  return testing::WaitFor([&] {
    std::string now = p.log();
    return Occurrences(now, "configuration reloaded") + Occurrences(now, "configuration refused") >
           before;
  });
}

// Returns one numbered batch of `n` log records (attribute "batch" = `batch`).
std::string NumberedBatch(int64_t batch, size_t n) {
  otlp::LogsData logs = testing::Logs("reload", n, kT0 + static_cast<uint64_t>(batch));
  for (auto& r : logs.resource_logs[0].scope_logs[0].log_records) {
    r.attributes.push_back({"batch", otlp::AnyValue(batch)});
  }
  return otlp::EncodeLogs(logs, otlp::Encoding::kProtobuf);
}

std::map<int64_t, int64_t> CountByBatch(const std::string& path) {
  std::map<int64_t, int64_t> out;
  auto db = sqlite::Database::Open(path, sqlite::OpenOptions{});
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return out;
  auto st =
      db->Prepare("SELECT json_extract(attributes, '$.batch'), count(*) FROM logs GROUP BY 1");
  EXPECT_TRUE(st.ok());
  while (*st->Step()) out[st->Int64(0)] = st->Int64(1);
  return out;
}

int64_t CountPoints(const std::string& path) {
  auto db = sqlite::Database::Open(path, sqlite::OpenOptions{});
  if (!db.ok()) return -1;
  auto st = db->Prepare("SELECT count(*) FROM points");
  if (!st.ok() || !*st->Step()) return -1;
  return st->Int64(0);
}

// Sends numbered batches until stopped, recording the acknowledged ones and the failures that
// were no HTTP answer at all. With `keep_alive`, all requests share one connection.
class Sender {
 public:
  Sender(uint16_t port, bool keep_alive, std::atomic<int64_t>* next)
      : thread_([this, port, keep_alive, next] { Run(port, keep_alive, next); }) {}
  ~Sender() { Join(); }
  void Join() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<int64_t> acknowledged;
  std::vector<std::string> connection_errors;
  std::atomic<int64_t> answered{0};

 private:
  void Run(uint16_t port, bool keep_alive, std::atomic<int64_t>* next) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setKeepAlive(true);
    while (!stop_) {
      int64_t batch = (*next)++;
      std::string body = NumberedBatch(batch, kRecords);
      int status = 0;
      std::string error;
      if (keep_alive) {
        try {
          Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, "/v1/logs",
                                     Poco::Net::HTTPMessage::HTTP_1_1);
          req.setContentType(kProto);
          req.setContentLength(static_cast<std::streamsize>(body.size()));
          req.setKeepAlive(true);
          session.sendRequest(req) << body;
          Poco::Net::HTTPResponse res;
          std::istream& in = session.receiveResponse(res);
          in.ignore(std::numeric_limits<std::streamsize>::max());
          status = res.getStatus();
        } catch (const Poco::Exception& e) {
          error = e.displayText();
        }
      } else {
        auto r = Post(port, "/v1/logs", kProto, body);
        status = r.status;
        error = r.error;
      }
      if (status == 200) acknowledged.push_back(batch);
      if (status == 0) connection_errors.push_back(error);
      ++answered;
    }
  }

 public:
  static constexpr size_t kRecords = 20;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

constexpr const char* kBase =
    "retention:\n  logs: 36500d\n  metrics: 36500d\n"
    "auth:\n  api_tokens: [old-api-token-0123456789]\n";

TEST(CollectorReload, AppliesANewConfigurationUnderLoadWithoutLosingAnything) {
  testing::TempDir dir;
  CollectorProcess p(dir.path().string());
  ASSERT_TRUE(p.Start(kBase)) << p.error();
  uint16_t otlp_port = p.otlp_port();
  // 2023 points: kept by the running retention, expired by the new one.
  ASSERT_EQ(
      Post(otlp_port, "/v1/metrics", kProto,
           otlp::EncodeMetrics(testing::Gauge("old.gauge", 2, 5, kT0), otlp::Encoding::kProtobuf))
          .status,
      200);
  ASSERT_EQ(CountPoints(p.database()), 10);
  EXPECT_EQ(Get(p.api_port(), "/api/v1/logs?limit=1", Bearer(kOldToken)).status, 200);

  std::atomic<int64_t> next{0};
  std::vector<std::unique_ptr<Sender>> senders;
  senders.push_back(std::make_unique<Sender>(otlp_port, /*keep_alive=*/true, &next));
  for (int i = 0; i < 3; ++i) {
    senders.push_back(std::make_unique<Sender>(otlp_port, /*keep_alive=*/false, &next));
  }
  auto answered = [&] {
    int64_t n = 0;
    for (const auto& s : senders) n += s->answered.load();
    return n;
  };
  ASSERT_TRUE(testing::WaitFor([&] { return answered() >= 20; }));
  WriteConfig(dir,
              "retention:\n  logs: 36500d\n  metrics: 30d\n"
              "auth:\n  api_tokens: [new-api-token-0123456789]\n"
              "api:\n  max_limit: 7\n"
              "store:\n  synchronous: full\n");
  ASSERT_TRUE(Reload(p)) << p.log();
  int64_t at_reload = answered();
  // Traffic goes on after the reload, on the same connections.
  ASSERT_TRUE(testing::WaitFor([&] { return answered() >= at_reload + 20; }));
  for (auto& s : senders) s->Join();

  std::string log = p.log();
  EXPECT_NE(log.find("configuration reloaded"), std::string::npos) << log;
  // A restart-only setting is named and kept; the rest of the file is applied.
  EXPECT_NE(log.find("store.synchronous changed: needs a restart; keeping normal"),
            std::string::npos)
      << log;
  EXPECT_EQ(Get(p.api_port(), "/api/v1/logs?limit=1", Bearer(kOldToken)).status, 401);
  EXPECT_EQ(Get(p.api_port(), "/api/v1/logs?limit=1", Bearer(kNewToken)).status, 200);
  // The new API limit is in effect: a limit above it is refused.
  EXPECT_EQ(Get(p.api_port(), "/api/v1/logs?limit=8", Bearer(kNewToken)).status, 400);
  EXPECT_TRUE(testing::WaitFor([&] { return CountPoints(p.database()) == 0; }))
      << "the new metrics retention did not delete the 2023 points";
  std::string ports = ReadFile(dir.File("ports.json"));
  EXPECT_NE(ports.find("\"otlp\": " + std::to_string(otlp_port)), std::string::npos) << ports;
  ASSERT_EQ(p.Stop(), 0);

  std::map<int64_t, int64_t> stored = CountByBatch(p.database());
  size_t acknowledged = 0;
  for (const auto& s : senders) {
    EXPECT_TRUE(s->connection_errors.empty())
        << s->connection_errors.size()
        << " requests failed without an answer, first: " << s->connection_errors.front();
    for (int64_t batch : s->acknowledged) {
      EXPECT_EQ(stored[batch], static_cast<int64_t>(Sender::kRecords)) << "batch " << batch;
    }
    acknowledged += s->acknowledged.size();
  }
  EXPECT_GE(acknowledged, 40u);
  for (const auto& [batch, count] : stored) {
    EXPECT_EQ(count, static_cast<int64_t>(Sender::kRecords))
        << "batch " << batch << " stored " << count << " records";
  }
}

TEST(CollectorReload, RefusesAnInvalidConfigurationAndKeepsRunningTheOldOne) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "rules");
  CollectorProcess p(dir.path().string());
  ASSERT_TRUE(p.Start(kBase)) << p.error();
  std::string config = dir.File("collector.yaml");

  // A typo on line 5 (line 1 is data_dir).
  WriteConfig(dir,
              "auth:\n  api_tokens: [new-api-token-0123456789]\n"
              "retention:\n  logz: 1d\n");
  ASSERT_TRUE(Reload(p)) << p.log();
  EXPECT_NE(p.log().find(config + ":5:3: retention.logz: unknown key"), std::string::npos)
      << p.log();

  // A broken rule file.
  std::ofstream(dir.File("rules/broken.lua")) << "this is not lua\n";
  WriteConfig(dir,
              "retention:\n  logs: 36500d\n  metrics: 36500d\n"
              "auth:\n  api_tokens: [new-api-token-0123456789]\n"
              "rules:\n  dir: " +
                  dir.File("rules") + "\n");
  ASSERT_TRUE(Reload(p)) << p.log();
  EXPECT_NE(p.log().find("broken.lua"), std::string::npos) << p.log();
  EXPECT_EQ(Occurrences(p.log(), "configuration refused"), 2u) << p.log();

  // The old configuration runs: old token, ingestion.
  EXPECT_EQ(Get(p.api_port(), "/api/v1/logs?limit=1", Bearer(kOldToken)).status, 200);
  EXPECT_EQ(Get(p.api_port(), "/api/v1/logs?limit=1", Bearer(kNewToken)).status, 401);
  EXPECT_EQ(Post(p.otlp_port(), "/v1/logs", kProto, NumberedBatch(1, 5)).status, 200);
  EXPECT_EQ(p.Stop(), 0);
  EXPECT_EQ(CountByBatch(p.database())[1], 5);
}

// Returns a port that was free a moment ago on 127.0.0.1.
uint16_t FreePort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  return socket.address().port();
}

TEST(CollectorReload, RebindsAChangedListenAddress) {
  testing::TempDir dir;
  CollectorProcess p(dir.path().string());
  // The flags CollectorProcess passes would override the file's addresses on reload too, so
  // this collector is started with its addresses in the file only.
  std::string config = dir.File("collector.yaml");
  uint16_t api_before = FreePort();
  auto yaml = [&](uint16_t api) {
    return "receiver:\n  listen: 127.0.0.1:0\napi:\n  listen: 127.0.0.1:" + std::to_string(api) +
           "\n";
  };
  WriteConfig(dir, yaml(api_before));
  std::string ports = dir.File("ports.json");
  pid_t pid = -1;
  {
    std::vector<std::string> args = {testing::CollectorBinary(), "--config", config, "--ports-file",
                                     ports};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid = fork();
    if (pid == 0) {
      int log = ::open(dir.File("collector.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(log, 2);
      ::execv(argv[0], argv.data());
      _exit(127);
    }
  }
  ASSERT_GT(pid, 0);
  // Killed if the test ends early; after a clean stop, the pid is already reaped.
  std::unique_ptr<pid_t, void (*)(pid_t*)> guard(&pid, [](pid_t* child) {
    if (*child > 0 && ::kill(*child, SIGKILL) == 0) ::waitpid(*child, nullptr, 0);
  });
  auto port_in_file = [&](const char* key) {
    std::string text = ReadFile(ports);
    size_t at = text.find(std::string("\"") + key + "\": ");
    return at == std::string::npos ? 0 : std::atoi(text.c_str() + at + std::strlen(key) + 4);
  };
  ASSERT_TRUE(testing::WaitFor([&] { return port_in_file("api") == api_before; }));
  uint16_t otlp = static_cast<uint16_t>(port_in_file("otlp"));
  EXPECT_EQ(Get(api_before, "/healthz").status, 200);

  uint16_t api_after = FreePort();
  WriteConfig(dir, yaml(api_after));
  ::kill(pid, SIGHUP);
  EXPECT_TRUE(testing::WaitFor([&] { return port_in_file("api") == api_after; }))
      << ReadFile(dir.File("collector.log"));
  EXPECT_EQ(Get(api_after, "/healthz").status, 200);
  EXPECT_TRUE(testing::WaitFor([&] { return Get(api_before, "/healthz").status == 0; }))
      << "the old API address still answers";
  EXPECT_EQ(port_in_file("otlp"), otlp);
  EXPECT_EQ(Post(otlp, "/v1/logs", kProto, NumberedBatch(1, 3)).status, 200);
  ::kill(pid, SIGTERM);
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, 0), pid);
  pid = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

// A datagram socket standing in for systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), std::min(path.size(), sizeof(addr.sun_path) - 1));
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0)
        << std::strerror(errno);
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~NotifySocket() { ::close(fd_); }
  // Returns the next message, or "" after 10 s without one.
  std::string Receive() {
    char buf[1024];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }

 private:
  std::string path_;
  int fd_;
};

int64_t MonotonicMicros() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

TEST(CollectorReload, TellsSystemdItIsReloadingAndThenReady) {
  testing::TempDir dir;
  NotifySocket socket(dir.File("notify.sock"));
  // Only the notifications under test: no watchdog pings in between.
  ::unsetenv("WATCHDOG_USEC");
  ::unsetenv("WATCHDOG_PID");
  ::setenv("NOTIFY_SOCKET", dir.File("notify.sock").c_str(), 1);
  CollectorProcess p(dir.path().string());
  bool started = p.Start(kBase);
  ::unsetenv("NOTIFY_SOCKET");
  ASSERT_TRUE(started) << p.error();
  EXPECT_EQ(socket.Receive().rfind("READY=1", 0), 0u);

  int64_t before = MonotonicMicros();
  ::kill(p.pid(), SIGHUP);
  std::string reloading = socket.Receive();
  int64_t after = MonotonicMicros();
  EXPECT_EQ(reloading.rfind("RELOADING=1\n", 0), 0u) << reloading;
  size_t at = reloading.find("MONOTONIC_USEC=");
  ASSERT_NE(at, std::string::npos) << reloading;
  int64_t usec = std::atoll(reloading.c_str() + at + 15);
  EXPECT_GE(usec, before);
  EXPECT_LE(usec, after);
  EXPECT_EQ(socket.Receive().rfind("READY=1", 0), 0u);
  EXPECT_EQ(p.Stop(), 0);
}

}  // namespace
}  // namespace nightjar::collector
