// Load benchmark of nightjar-collector: starts the real binary on a temporary data directory,
// sends OTLP/HTTP protobuf requests from several keep-alive connections for a fixed time, and
// reports acknowledged items/s, the collector's CPU use (and per item), its peak RSS and request
// latencies.
//
//   collector_load_bench --collector build/release/collector/nightjar-collector
//       [--signal logs|metrics] [--seconds 20] [--connections 4] [--batch 500]
//       [--plugins off|on] [--plugin-dir DIR] [--no-severity]
//
// --plugins on configures the first-party severity classifier and zscore detector (from
// --plugin-dir, default this build's plugin output directory), as in docs/plugin-guide.md: the
// difference in CPU per item between off and on is what the plugins cost per record or point.
// Detection runs after the commit on its own thread, so after the clock stops the benchmark
// waits for the detection queue to drain and counts that CPU too (cpu_us_per_item). With
// --no-severity the log records carry no severity, so the classifier must find it in every
// body (its most expensive case).
//
// Request bodies are generated (deterministically) before the clock starts, so the client's
// encoding does not compete with the collector for the machine's cores during the run. The
// load average is printed before and after the run: the figures only mean something next to it.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_data.h"
#include "otlp/codec.h"

extern char** environ;

namespace {

using namespace nightjar;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string collector;
  std::string signal = "logs";
  int seconds = 20;
  int connections = 4;
  int batch = 500;
  bool plugins = false;
  std::string plugin_dir = NJ_PLUGINS_DIR;
  bool no_severity = false;
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--no-severity") {
      o.no_severity = true;
      --i;
      continue;
    }
    if (i + 1 >= argc) break;
    std::string v = argv[i + 1];
    if (k == "--collector")
      o.collector = v;
    else if (k == "--signal")
      o.signal = v;
    else if (k == "--seconds")
      o.seconds = std::atoi(v.c_str());
    else if (k == "--connections")
      o.connections = std::atoi(v.c_str());
    else if (k == "--batch")
      o.batch = std::atoi(v.c_str());
    else if (k == "--plugins")
      o.plugins = v == "on";
    else if (k == "--plugin-dir")
      o.plugin_dir = v;
  }
  if (o.collector.empty()) {
    std::fprintf(stderr,
                 "usage: %s --collector PATH [--signal logs|metrics] [--seconds N] "
                 "[--connections N] [--batch N] [--plugins off|on] [--plugin-dir DIR] "
                 "[--no-severity]\n",
                 argv[0]);
    std::exit(2);
  }
  return o;
}

// Returns what is left to read from `in`.
std::string ReadAll(std::istream& in) {
  std::string out;
  char buffer[8192];
  while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
    out.append(buffer, static_cast<size_t>(in.gcount()));
  }
  return out;
}

// Returns user+system CPU seconds of `pid`.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text = ReadAll(in);
  size_t close = text.rfind(')');
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Returns a "VmHWM"-style field of /proc/<pid>/status in KiB.
long StatusKib(pid_t pid, const char* key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + std::strlen(key) + 1);
  }
  return -1;
}

// Returns the 1-, 5- and 15-minute load averages as /proc/loadavg has them.
std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

// Returns the body of GET `path` on 127.0.0.1:`port`, or "" on failure.
std::string HttpGet(int port, const std::string& path) {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, path,
                               Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(req);
    Poco::Net::HTTPResponse res;
    return ReadAll(session.receiveResponse(res));
  } catch (const std::exception&) {
    return "";
  }
}

// Returns the value of an unlabelled sample `name` in a Prometheus exposition (0 if absent).
double Sample(const std::string& exposition, const std::string& name) {
  size_t at = exposition.find("\n" + name + " ");
  return at == std::string::npos ? 0.0 : std::atof(exposition.c_str() + at + name.size() + 2);
}

// The `plugins:` section of --plugins on: the first-party classifier and detector with their
// defaults, as an operator would start.
std::string PluginsSection(const std::string& dir) {
  return "plugins:\n  directory: \"\"\n  paths: [" + dir + "/severity.so, " + dir +
         "/zscore.so]\n  instances:\n    - plugin: severity\n    - plugin: zscore\n";
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  bool logs = o.signal == "logs";
  auto dir =
      std::filesystem::temp_directory_path() / ("nightjar-load-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream cfg(dir / "collector.yaml");
    cfg << "data_dir: " << (dir / "data").string() << "\n"
        << "log_level: warning\n"
        << "receiver:\n  listen: 127.0.0.1:0\n  threads: " << o.connections + 2 << "\n"
        << "api:\n  listen: 127.0.0.1:0\n"
        << "pipeline:\n  queue_max_bytes: 256MiB\n";
    if (o.plugins) cfg << PluginsSection(o.plugin_dir);
  }
  std::string ports = (dir / "ports.json").string();
  std::vector<std::string> args = {o.collector, "--config", (dir / "collector.yaml").string(),
                                   "--ports-file", ports};
  std::vector<char*> argv_c;
  for (auto& a : args) argv_c.push_back(a.data());
  argv_c.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, o.collector.c_str(), nullptr, nullptr, argv_c.data(), environ) != 0) {
    std::perror("posix_spawn");
    return 1;
  }
  int port = 0;
  int api_port = 0;
  for (auto deadline = Clock::now() + std::chrono::seconds(20); Clock::now() < deadline;) {
    std::ifstream in(ports);
    std::string text = ReadAll(in);
    size_t at = text.find("\"otlp\": ");
    size_t api_at = text.find("\"api\": ");
    if (at != std::string::npos && api_at != std::string::npos) {
      port = std::atoi(text.c_str() + at + 8);
      api_port = std::atoi(text.c_str() + api_at + 7);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (port == 0) {
    std::fprintf(stderr, "the collector did not start\n");
    kill(pid, SIGKILL);
    return 1;
  }

  // Bodies: logs cycle through 256 distinct requests; metric requests are all distinct (a
  // repeated point would be recognised as a retry and not stored again).
  std::vector<std::string> bodies;
  uint64_t now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  size_t per_request = static_cast<size_t>(o.batch);
  if (logs) {
    for (int i = 0; i < 256; ++i) {
      otlp::LogsData data =
          collector::bench::MakeLogs(static_cast<uint64_t>(i), per_request,
                                     now - 60'000'000'000 + static_cast<uint64_t>(i) * 1'000'000);
      if (o.no_severity) {
        for (auto& r : data.resource_logs[0].scope_logs[0].log_records) {
          r.severity_number = 0;
          r.severity_text.clear();
        }
      }
      bodies.push_back(otlp::EncodeLogs(data, otlp::Encoding::kProtobuf));
    }
  } else {
    size_t series = 100, points = per_request / series;
    per_request = series * points;
    size_t requests = static_cast<size_t>(o.seconds) * 600'000 / per_request;
    for (size_t i = 0; i < requests; ++i) {
      bodies.push_back(otlp::EncodeMetrics(
          collector::bench::MakeMetrics(i % 7, series, points,
                                        now - 86'400'000'000'000 + i * points * 1'000'000'000,
                                        1'000'000'000),
          otlp::Encoding::kProtobuf));
    }
  }
  std::printf("prepared %zu request bodies of %zu %s each (%.0f KB protobuf)\n", bodies.size(),
              per_request, logs ? "log records" : "points",
              static_cast<double>(bodies[0].size()) / 1024);

  std::atomic<size_t> next{0};
  std::atomic<int64_t> acked{0}, refused{0}, failed{0};
  std::mutex mutex;
  std::vector<double> latencies_ms;
  std::string load_before = LoadAverage();
  double cpu0 = CpuSeconds(pid);
  auto start = Clock::now();
  auto deadline = start + std::chrono::seconds(o.seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&] {
      Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
      session.setKeepAlive(true);
      session.setTimeout(Poco::Timespan(30, 0));
      std::vector<double> mine;
      while (Clock::now() < deadline) {
        size_t i = next.fetch_add(1);
        if (!logs && i >= bodies.size()) break;
        const std::string& body = bodies[i % bodies.size()];
        Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST,
                                   logs ? "/v1/logs" : "/v1/metrics",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
        req.setContentType("application/x-protobuf");
        req.setContentLength(static_cast<std::streamsize>(body.size()));
        req.setKeepAlive(true);
        auto t0 = Clock::now();
        try {
          session.sendRequest(req).write(body.data(), static_cast<std::streamsize>(body.size()));
          Poco::Net::HTTPResponse res;
          std::istream& in = session.receiveResponse(res);
          ReadAll(in);
          double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
          if (res.getStatus() == Poco::Net::HTTPResponse::HTTP_OK) {
            acked += static_cast<int64_t>(per_request);
            mine.push_back(ms);
          } else if (res.getStatus() == Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE) {
            ++refused;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
          } else {
            ++failed;
          }
        } catch (const std::exception& e) {
          ++failed;
          session.reset();
        }
      }
      std::lock_guard<std::mutex> lock(mutex);
      latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  double cpu = CpuSeconds(pid) - cpu0;
  std::string load_after = LoadAverage();
  // Detection may still be working through its queue: its CPU is part of the cost per point.
  std::string exposition = HttpGet(api_port, "/metrics");
  for (auto drain = Clock::now() + std::chrono::seconds(60);
       Sample(exposition, "nightjar_collector_detection_queue_points") > 0 && Clock::now() < drain;
       exposition = HttpGet(api_port, "/metrics")) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  double cpu_drained = CpuSeconds(pid) - cpu0;
  long hwm = StatusKib(pid, "VmHWM:");
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double q) {
    return latencies_ms.empty()
               ? 0.0
               : latencies_ms[std::min(
                     latencies_ms.size() - 1,
                     static_cast<size_t>(q * static_cast<double>(latencies_ms.size())))];
  };
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  std::uintmax_t db_bytes = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "data")) {
    db_bytes += e.file_size();
  }
  std::printf("signal=%s connections=%d batch=%zu seconds=%.1f plugins=%s%s\n", o.signal.c_str(),
              o.connections, per_request, elapsed, o.plugins ? "on" : "off",
              o.no_severity ? " (records without severity)" : "");
  std::printf("load_average before=%s after=%s\n", load_before.c_str(), load_after.c_str());
  std::printf("acknowledged=%lld items/s=%.0f refused_503=%lld failed=%lld\n",
              static_cast<long long>(acked.load()), static_cast<double>(acked.load()) / elapsed,
              static_cast<long long>(refused.load()), static_cast<long long>(failed.load()));
  std::printf("collector_cpu=%.2f cores peak_rss=%.1f MiB database=%.1f MiB\n", cpu / elapsed,
              static_cast<double>(hwm) / 1024, static_cast<double>(db_bytes) / 1048576);
  std::printf("latency_ms p50=%.1f p99=%.1f max=%.1f requests=%zu\n", pct(0.5), pct(0.99),
              latencies_ms.empty() ? 0.0 : latencies_ms.back(), latencies_ms.size());
  std::printf("cpu_us_per_item=%.2f (collector CPU until detection drained / items)\n",
              acked.load() > 0 ? cpu_drained * 1e6 / static_cast<double>(acked.load()) : 0.0);
  if (o.plugins) {
    std::printf(
        "classified_records=%.0f detected_points=%.0f detection_dropped=%.0f "
        "anomalies=%s\n",
        Sample(exposition, "nightjar_collector_classified_records_total"),
        Sample(exposition, "nightjar_collector_detected_points_total"),
        Sample(exposition, "nightjar_collector_detection_dropped_points_total"),
        HttpGet(api_port, "/api/v1/anomalies?limit=1000").find("\"id\"") == std::string::npos
            ? "none"
            : "some");
  }
  std::printf("clean_exit=%d\n", WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::filesystem::remove_all(dir);
  return 0;
}
