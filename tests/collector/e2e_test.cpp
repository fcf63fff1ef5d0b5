// End-to-end tests of the nightjar-collector binary: command line, embedded defaults, clean
// shutdown, kill -9 under load, backpressure with bounded memory, and malformed input — each
// against the real process, on port 0, in a temporary directory.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
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
// Retention that keeps the tests' 2023 timestamps.
constexpr const char* kKeep = "retention:\n  logs: 36500d\n  metrics: 36500d\n";

TEST(CollectorBinary, PrintsHelpAndVersion) {
  testing::TempDir dir;
  std::string out;
  EXPECT_EQ(testing::RunCollector({"--help"}, dir.path().string(), &out), 0);
  EXPECT_NE(out.find("Usage: nightjar-collector"), std::string::npos);
  EXPECT_NE(out.find("--check-config"), std::string::npos);
  EXPECT_EQ(testing::RunCollector({"--version"}, dir.path().string(), &out), 0);
  EXPECT_EQ(out.rfind("nightjar-collector ", 0), 0u) << out;
  EXPECT_EQ(testing::RunCollector({"--frobnicate"}, dir.path().string(), &out), 2);
  EXPECT_NE(out.find("unknown option --frobnicate"), std::string::npos);
}

TEST(CollectorBinary, ChecksConfigurationWithLinePreciseErrors) {
  testing::TempDir dir;
  std::string good = dir.File("good.yaml"), bad = dir.File("bad.yaml");
  std::ofstream(good) << "receiver:\n  listen: 127.0.0.1:14318\n";
  std::ofstream(bad) << "receiver:\n  listen: 127.0.0.1:14318\n  max_body_sise: 1MiB\n";
  std::string out;
  EXPECT_EQ(testing::RunCollector({"--config", good, "--check-config"}, dir.path().string(), &out),
            0);
  EXPECT_NE(out.find("is valid"), std::string::npos);
  EXPECT_NE(testing::RunCollector({"--config", bad, "--check-config"}, dir.path().string(), &out),
            0);
  EXPECT_NE(out.find(bad + ":3:3: receiver.max_body_sise: unknown key (did you mean "
                           "\"max_body_size\"?)"),
            std::string::npos)
      << out;
  EXPECT_NE(testing::RunCollector({"--config", dir.File("missing.yaml"), "--check-config"},
                                  dir.path().string(), &out),
            0);
  EXPECT_NE(out.find("cannot open"), std::string::npos);
}

TEST(CollectorBinary, RunsOnEmbeddedDefaultsAndSaysWhereToSend) {
  testing::TempDir dir;
  std::string ports = dir.File("ports.json");
  // No --config: embedded defaults, except the ports (a fixed port may be taken here) and the
  // data directory, which systemd's $STATE_DIRECTORY sets: without it the default could be a
  // real /var/lib/nightjar on this machine.
  std::filesystem::path state = dir.path() / "state";
  std::filesystem::create_directories(state);
  setenv("STATE_DIRECTORY", state.c_str(), 1);
  std::string out;
  std::thread runner([&] {
    (void)testing::RunCollector(
        {"--listen-address", "127.0.0.1:0", "--api-address", "127.0.0.1:0", "--ports-file", ports},
        dir.path().string(), &out);
  });
  ASSERT_TRUE(
      testing::WaitFor([&] { return std::filesystem::exists(ports); }, std::chrono::seconds(20)));
  std::ifstream in(ports);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  uint16_t api = static_cast<uint16_t>(std::atoi(text.c_str() + text.find("\"api\": ") + 7));
  EXPECT_EQ(Get(api, "/readyz").status, 200);
  unsetenv("STATE_DIRECTORY");
  EXPECT_TRUE(std::filesystem::exists(state / "nightjar.db"));
  // The runner's child is the only nightjar-collector started from this directory.
  std::string pid_text;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::error_code ec;
    auto cwd = std::filesystem::read_symlink(entry.path() / "cwd", ec);
    if (!ec && cwd == dir.path()) pid_text = entry.path().filename().string();
  }
  ASSERT_FALSE(pid_text.empty());
  kill(std::stoi(pid_text), SIGTERM);
  runner.join();
  EXPECT_NE(out.find("send OTLP/HTTP to http://127.0.0.1:"), std::string::npos) << out;
  EXPECT_NE(out.find("database=" + (state / "nightjar.db").string()), std::string::npos) << out;
  EXPECT_NE(out.find("query API at http://127.0.0.1:"), std::string::npos) << out;
  EXPECT_NE(out.find("stopped; everything acknowledged is committed"), std::string::npos) << out;
}

TEST(CollectorBinary, StopsCleanlyOnSigtermAndKeepsWhatItAcknowledged) {
  testing::TempDir dir;
  CollectorProcess p(dir.path().string());
  ASSERT_TRUE(p.Start(kKeep)) << p.error();
  ASSERT_EQ(Post(p.otlp_port(), "/v1/logs", kProto,
                 otlp::EncodeLogs(testing::Logs("svc", 50, kT0), otlp::Encoding::kProtobuf))
                .status,
            200);
  kill(p.pid(), SIGHUP);
  ASSERT_TRUE(testing::WaitFor(
      [&] { return p.log().find("configuration reloaded") != std::string::npos; }));
  EXPECT_EQ(Get(p.api_port(), "/healthz").status, 200);
  EXPECT_EQ(p.Stop(SIGTERM), 0) << p.log();
  ASSERT_TRUE(p.Start(kKeep)) << p.error();
  rapidjson::Document d;
  d.Parse(Get(p.api_port(), "/api/v1/logs?limit=1000").body.c_str());
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(d["logs"].Size(), 50u);
  EXPECT_EQ(p.Stop(SIGINT), 0);
}

// Counts stored records per "batch" attribute, reading the database directly.
std::map<int64_t, int64_t> CountByBatch(const std::string& path) {
  std::map<int64_t, int64_t> out;
  sqlite::OpenOptions o;
  o.read_only = false;  // a read-write open recovers the write-ahead log after a kill
  auto db = sqlite::Database::Open(path, o);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return out;
  auto st =
      db->Prepare("SELECT json_extract(attributes, '$.batch'), count(*) FROM logs GROUP BY 1");
  EXPECT_TRUE(st.ok());
  while (*st->Step()) out[st->Int64(0)] = st->Int64(1);
  return out;
}

TEST(CollectorBinary, LosesNothingItAcknowledgedWhenKilledUnderLoad) {
  testing::TempDir dir;
  CollectorProcess p(dir.path().string());
  ASSERT_TRUE(p.Start(kKeep)) << p.error();
  constexpr int kRecords = 200;
  std::mutex mutex;
  std::vector<int64_t> acknowledged;
  std::atomic<int64_t> next{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      while (!stop.load()) {
        int64_t batch = next++;
        otlp::LogsData logs = testing::Logs("load", kRecords, kT0 + static_cast<uint64_t>(batch));
        for (auto& r : logs.resource_logs[0].scope_logs[0].log_records) {
          r.attributes.push_back({"batch", otlp::AnyValue(batch)});
        }
        auto r = Post(p.otlp_port(), "/v1/logs", kProto,
                      otlp::EncodeLogs(logs, otlp::Encoding::kProtobuf));
        if (r.status == 200) {
          std::lock_guard<std::mutex> lock(mutex);
          acknowledged.push_back(batch);
        }
      }
    });
  }
  bool loaded = testing::WaitFor([&] {
    std::lock_guard<std::mutex> lock(mutex);
    return acknowledged.size() >= 40;
  });
  p.Kill();  // SIGKILL while requests are in flight
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_TRUE(loaded);
  ASSERT_TRUE(p.Start(kKeep)) << p.error();  // restarts on the killed database
  EXPECT_EQ(Get(p.api_port(), "/readyz").status, 200);
  EXPECT_EQ(p.Stop(), 0);
  std::map<int64_t, int64_t> stored = CountByBatch(p.database());
  for (int64_t batch : acknowledged) {
    EXPECT_EQ(stored[batch], kRecords) << "acknowledged batch " << batch << " is not whole";
  }
  for (const auto& [batch, count] : stored) {
    EXPECT_EQ(count, kRecords) << "batch " << batch << " was stored in part";
  }
}

TEST(CollectorBinary, RefusesWithRetryAfterWhenFullAndKeepsMemoryBounded) {
  testing::TempDir dir;
  CollectorProcess p(dir.path().string());
  ASSERT_TRUE(p.Start(std::string(kKeep) +
                      "pipeline:\n  queue_max_bytes: 4MiB\n"
                      "receiver:\n  threads: 8\n  max_body_size: 1MiB\n  commit_timeout: 60s\n"))
      << p.error();
  long baseline_kib = p.StatusKib("VmRSS");
  ASSERT_GT(baseline_kib, 0);
  // The writer cannot commit while this connection holds the write lock: the queue fills.
  auto blocker = sqlite::Database::Open(p.database());
  ASSERT_TRUE(blocker.ok());
  ASSERT_TRUE(blocker->Exec("PRAGMA busy_timeout = 10000; BEGIN IMMEDIATE").ok());
  std::string body = otlp::EncodeLogs(testing::Logs("flood", 1000, kT0), otlp::Encoding::kProtobuf);
  ASSERT_LT(body.size(), 1u << 20);
  std::atomic<int> refused{0}, accepted{0}, other{0};
  std::atomic<bool> retry_after_ok{true};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < 12; ++c) {
    clients.emplace_back([&] {
      while (!stop.load()) {
        auto r = Post(p.otlp_port(), "/v1/logs", kProto, body);
        if (r.status == 503) {
          ++refused;
          if (r.headers["retry-after"].empty()) retry_after_ok = false;
        } else if (r.status == 200) {
          ++accepted;
        } else {
          ++other;
        }
      }
    });
  }
  bool flooded = testing::WaitFor([&] { return refused.load() >= 200; }, std::chrono::seconds(30));
  int health = Get(p.otlp_port(), "/healthz").status;  // the receiver itself stays responsive
  long peak_kib = p.StatusKib("VmHWM");
  ASSERT_TRUE(blocker->Exec("COMMIT").ok());
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_TRUE(flooded) << "refused " << refused.load() << ", accepted " << accepted.load();
  EXPECT_EQ(health, 200);
  EXPECT_TRUE(p.Alive());
  EXPECT_TRUE(retry_after_ok.load());
  EXPECT_EQ(other.load(), 0);
  // The queue holds at most 4 MiB of rows; eight request threads each hold at most a 1 MiB
  // body and its decoded form. Growth beyond that would mean the queue is not bounded.
  EXPECT_LT(peak_kib - baseline_kib, 96 * 1024)
      << "baseline " << baseline_kib << " KiB, peak " << peak_kib << " KiB";
  // Every refusal was counted, as queue_full or busy (all threads waiting for the store).
  std::istringstream metrics(Get(p.api_port(), "/metrics").body);
  double counted = 0;
  for (std::string line; std::getline(metrics, line);) {
    for (const char* reason : {"queue_full", "busy"}) {
      std::string prefix =
          std::string("nightjar_collector_refused_requests_total{signal=\"logs\",") + "reason=\"" +
          reason + "\"} ";
      if (line.rfind(prefix, 0) == 0) counted += std::stod(line.substr(prefix.size()));
    }
  }
  EXPECT_EQ(counted, refused.load());
  std::printf("baseline RSS %ld KiB, peak %ld KiB, %d refused, %d accepted\n", baseline_kib,
              peak_kib, refused.load(), accepted.load());
  EXPECT_EQ(p.Stop(), 0);
}

TEST(CollectorBinary, KeepsServingThroughMalformedInput) {
  testing::TempDir dir;
  CollectorProcess p(dir.path().string());
  ASSERT_TRUE(p.Start(std::string(kKeep) + "receiver:\n  max_body_size: 64KiB\n")) << p.error();
  std::string valid = otlp::EncodeLogs(testing::Logs("svc", 5, kT0), otlp::Encoding::kProtobuf);
  std::vector<std::string> bodies = {
      "", "\xff\xff\xff\xff", std::string(100 << 10, 'A'),
      std::string("\x0a\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 11)};
  for (size_t cut = 1; cut < valid.size(); cut += 37) bodies.push_back(valid.substr(0, cut));
  for (size_t i = 0; i < valid.size(); i += 53) {
    std::string flipped = valid;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
    bodies.push_back(flipped);
  }
  int answered = 0;
  for (const std::string& body : bodies) {
    for (const char* type : {kProto, "application/json"}) {
      auto r = Post(p.otlp_port(), "/v1/logs", type, body);
      EXPECT_TRUE(r.status == 200 || r.status == 400 || r.status == 413)
          << r.status << " " << r.error;
      if (r.status != 0) ++answered;
    }
  }
  EXPECT_EQ(answered, static_cast<int>(bodies.size() * 2));
  EXPECT_TRUE(p.Alive());
  EXPECT_EQ(Post(p.otlp_port(), "/v1/logs", kProto, valid).status, 200);
  EXPECT_EQ(p.Stop(), 0);
}

}  // namespace
}  // namespace nightjar::collector
