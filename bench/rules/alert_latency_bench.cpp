// Latency from a log line being written to the webhook hearing the alert it raised, through the
// real binaries: nightjar-agent tails the file and ships to nightjar-collector, whose on_log rule
// fires (for = 0) and whose webhook notifier posts to an HTTP server in this program.
//
//   build/release/bench/rules/alert_latency_bench [--lines 100] [--interval-ms 200]
//
// Each line names a new order, so each raises a new alert; the time is taken just before the
// line's write(2) and when the notification naming its order arrives. Reports p50, p99 and max
// (target: p99 under 1 second). The agent batches for up to 50 ms here (batch.timeout), as a
// latency-minded deployment would; the default 200 ms adds up to 150 ms.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent_process.h"
#include "collector_process.h"
#include "runtime/http_server.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kRule = R"lua(
rule {
  name = "PaymentFailed",
  labels = { severity = "page" },
  on_log = function(rec)
    local order = string.match(rec.body, "order (%d+)")
    if order and rec.severity >= nightjar.severity.ERROR then return { order = order } end
  end,
}
)lua";

// Records when the first notification naming each order arrived.
class Hook {
 public:
  Hook() : server_(Options()) {
    server_.Route("POST", "/hook",
                  [this](nightjar::HttpServer::Request& req, nightjar::HttpServer::Response& res) {
                    auto now = Clock::now();
                    std::string body = nightjar::HttpServer::ReadBody(req, 1 << 20).value_or("");
                    {
                      std::lock_guard lock(mutex_);
                      // Alertmanager's JSON: "order":"<n>" among the labels.
                      for (size_t at = body.find("\"order\":\""); at != std::string::npos;
                           at = body.find("\"order\":\"", at + 1)) {
                        size_t start = at + 9;
                        std::string order = body.substr(start, body.find('"', start) - start);
                        arrived_.emplace(order, now);
                      }
                    }
                    changed_.notify_all();
                    nightjar::HttpServer::Send(res, 200, "text/plain", "ok\n");
                  });
    if (!server_.Start().ok()) std::abort();
  }
  uint16_t port() const { return server_.port(); }
  bool WaitFor(const std::string& order, Clock::time_point* at) {
    std::unique_lock lock(mutex_);
    bool ok = changed_.wait_for(lock, std::chrono::seconds(30),
                                [&] { return arrived_.count(order) > 0; });
    if (ok) *at = arrived_[order];
    return ok;
  }

 private:
  static nightjar::HttpServerOptions Options() {
    nightjar::HttpServerOptions o;
    o.threads = 2;
    return o;
  }
  nightjar::HttpServer server_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Clock::time_point> arrived_;
};

double Percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  int lines = 100;
  int interval_ms = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--lines") lines = std::stoi(argv[i + 1]);
    if (a == "--interval-ms") interval_ms = std::stoi(argv[i + 1]);
  }
  fs::path dir = fs::temp_directory_path() / "nj-alert-latency";
  fs::remove_all(dir);
  fs::create_directories(dir / "rules");
  fs::create_directories(dir / "logs");
  fs::create_directories(dir / "collector");
  std::ofstream(dir / "rules" / "orders.lua") << kRule;

  Hook hook;
  nightjar::collector::testing::CollectorProcess collector((dir / "collector").string());
  std::string config = std::string("plugins:\n  directory: \"\"\n  paths: [") + NJ_WEBHOOK_PLUGIN +
                       "]\n  instances:\n    - plugin: webhook\n      name: hook\n"
                       "      options: {url: \"http://127.0.0.1:" +
                       std::to_string(hook.port()) + "/hook\"}\nrules: {dir: \"" +
                       (dir / "rules").string() +
                       "\"}\nalerting:\n  group_wait: 0s\n  group_interval: 1s\n  routes:\n    - "
                       "receivers: [hook]\n";
  if (!collector.Start(config)) {
    std::fprintf(stderr, "collector did not start: %s\n", collector.error().c_str());
    return 1;
  }
  std::ofstream(dir / "agent.yaml")
      << "state_dir: " << (dir / "agent").string() << "\ninputs:\n  - name: shop\n    include: [\""
      << (dir / "logs").string() << "/*.log\"]\n"
      << "    parser: {type: regex, pattern: '^(?<level>[A-Z]+) (?<message>.*)$'}\n"
      << "batch: {timeout: 50ms}\nexporter: {endpoint: \"http://127.0.0.1:" << collector.otlp_port()
      << "\"}\nmetrics: {listen: \"127.0.0.1:0\"}\n";
  nightjar::agent::testing::AgentProcess agent((dir / "agent.yaml").string(),
                                               (dir / "agent.log").string());
  if (!agent.Start()) {
    std::fprintf(stderr, "agent did not start\n");
    return 1;
  }

  int fd = ::open((dir / "logs" / "app.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<double> latencies_ms;
  for (int i = 0; i < lines; ++i) {
    std::string order = std::to_string(100000 + i);
    std::string line = "ERROR payment failed for order " + order + "\n";
    auto written = Clock::now();
    if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 1;
    Clock::time_point arrived;
    if (!hook.WaitFor(order, &arrived)) {
      std::fprintf(stderr, "order %s: no notification within 30 s\n", order.c_str());
      return 1;
    }
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(arrived - written).count());
    std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
  }
  ::close(fd);
  agent.Terminate();
  collector.Stop();
  std::printf("lines=%d latency_ms p50=%.1f p99=%.1f max=%.1f\n", lines,
              Percentile(latencies_ms, 0.5), Percentile(latencies_ms, 0.99),
              *std::max_element(latencies_ms.begin(), latencies_ms.end()));
  fs::remove_all(dir);
  return 0;
}
