// End-to-end benchmark of nightjar-agent: tail a large file from the beginning and ship it over
// OTLP/HTTP protobuf, with the persistent queue on, to a receiver on the same machine that
// acknowledges everything; then the idle cost of an agent watching quiet files.
//
//   build/release/bench/agent/agent_bench [--lines 2000000] [--runs 5] [--idle-files 100]
//                                         [--idle-seconds 30] [--modes none,gzip]
//
// Shipping figures per mode (no compression, gzip):
//   lines/s          lines / (last line acknowledged - first line read). "First line read" is the
//                    observed time the agent stamped on the first record; "acknowledged" is when
//                    the receiver answered the request holding the last line.
//   CPU s / M lines  the agent's user+system CPU (/proc/<pid>/stat) when the last line was
//                    acknowledged, per million lines. Includes start-up and the scan.
//   peak RSS         VmHWM of the agent process.
// Idle figures: CPU share of one core and RSS of an agent watching --idle-files quiet files,
// measured over --idle-seconds after everything was shipped.
//
// The receiver counts records by walking the protobuf wire format (no full decode), so that it
// costs the shared CPUs as little as possible; it is not what is measured.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "otlp/codec.h"
#include "otlp/gzip.h"
#include "runtime/http_server.h"

extern char** environ;

namespace nightjar::bench {
namespace {

using Clock = std::chrono::steady_clock;

int64_t RealtimeNanos() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// ----- the input file ------------------------------------------------------------------------

// Writes `lines` app-log lines of ~120 bytes: timestamp, level, service, key=value message. A
// fixed-seed generator makes the file identical on every run.
void GenerateLog(const std::string& path, size_t lines) {
  static const char* kLevels[] = {"INFO", "INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"};
  static const char* kServices[] = {"checkout", "payments", "inventory", "search", "auth"};
  static const char* kPaths[] = {"/api/v1/cart", "/api/v1/items", "/api/v1/pay", "/healthz",
                                 "/api/v1/search"};
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  FILE* out = std::fopen(path.c_str(), "w");
  int64_t base = 1'714'564'800;  // 2024-05-01T12:00:00Z
  char line[256];
  for (size_t i = 0; i < lines; ++i) {
    uint64_t r = next();
    int64_t t = base + static_cast<int64_t>(i / 1000);
    time_t tt = static_cast<time_t>(t);
    tm tm{};
    gmtime_r(&tt, &tm);
    int n = std::snprintf(
        line, sizeof(line),
        "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ %-5s %-9s request_id=%016llx user=u%05d "
        "path=%s status=%d latency_ms=%d\n",
        tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
        static_cast<int>((i % 1000) * 1000 + r % 1000), kLevels[r % 7], kServices[(r >> 8) % 5],
        static_cast<unsigned long long>(next()), static_cast<int>((r >> 16) % 100000),
        kPaths[(r >> 24) % 5], (r >> 32) % 50 == 0 ? 500 : 200, static_cast<int>((r >> 40) % 2000));
    std::fwrite(line, 1, static_cast<size_t>(n), out);
  }
  std::fclose(out);
}

// ----- the receiver --------------------------------------------------------------------------

bool ReadVarint(const char*& p, const char* end, uint64_t* v) {
  *v = 0;
  for (int shift = 0; p < end && shift < 64; shift += 7) {
    uint8_t b = static_cast<uint8_t>(*p++);
    *v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

// Counts the log records of an ExportLogsServiceRequest by walking the length-delimited fields
// resource_logs(1) > scope_logs(2) > log_records(2), skipping everything else.
size_t CountRecords(std::string_view body, int depth = 0) {
  size_t count = 0;
  const char* p = body.data();
  const char* end = p + body.size();
  while (p < end) {
    uint64_t tag = 0;
    if (!ReadVarint(p, end, &tag)) return count;
    uint64_t field = tag >> 3;
    switch (tag & 7) {
      case 0: {
        uint64_t v;
        ReadVarint(p, end, &v);
        break;
      }
      case 1:
        p += 8;
        break;
      case 5:
        p += 4;
        break;
      case 2: {
        uint64_t len = 0;
        ReadVarint(p, end, &len);
        std::string_view inner(p, static_cast<size_t>(len));
        if (depth == 0 && field == 1) count += CountRecords(inner, 1);
        if (depth == 1 && field == 2) count += CountRecords(inner, 2);
        if (depth == 2 && field == 2) ++count;
        p += len;
        break;
      }
      default:
        return count;
    }
  }
  return count;
}

class Receiver {
 public:
  Receiver() {
    HttpServerOptions options;
    options.threads = 2;
    options.name = "bench-receiver";
    server_ = std::make_unique<HttpServer>(options);
    server_->Route("POST", "/v1/logs", [this](auto& request, auto& response) {
      auto body = HttpServer::ReadBody(request, 512 << 20);
      std::string plain;
      std::string_view view = *body;
      if (request.get("Content-Encoding", "") == "gzip") {
        plain = *otlp::GzipDecompress(*body, 512 << 20);
        view = plain;
      }
      size_t n = CountRecords(view);
      int64_t first_observed = 0;
      if (!seen_first_.exchange(true)) {
        auto logs = otlp::DecodeLogs(view, otlp::Encoding::kProtobuf);
        first_observed =
            logs->resource_logs[0].scope_logs[0].log_records[0].observed_time_unix_nano;
      }
      HttpServer::Send(response, 200, "application/x-protobuf", "");
      std::lock_guard<std::mutex> lock(mutex_);
      if (first_observed != 0) first_observed_ = first_observed;
      records_ += n;
      last_ack_ = RealtimeNanos();
      changed_.notify_all();
    });
    server_->Start().ok();
  }
  ~Receiver() { server_->Stop(); }

  uint16_t port() const { return server_->port(); }
  void Reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    records_ = 0;
    first_observed_ = 0;
    last_ack_ = 0;
    seen_first_ = false;
  }
  bool WaitFor(size_t n, std::chrono::seconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return records_ >= n; });
  }
  size_t records() {
    std::lock_guard<std::mutex> lock(mutex_);
    return records_;
  }
  int64_t first_observed() {
    std::lock_guard<std::mutex> lock(mutex_);
    return first_observed_;
  }
  int64_t last_ack() {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_ack_;
  }

 private:
  std::unique_ptr<HttpServer> server_;
  std::mutex mutex_;
  std::condition_variable changed_;
  size_t records_ = 0;
  int64_t first_observed_ = 0;
  int64_t last_ack_ = 0;
  std::atomic<bool> seen_first_{false};
};

// ----- the agent process ---------------------------------------------------------------------

pid_t SpawnAgent(const std::string& binary, const std::string& config, const std::string& log) {
  std::vector<std::string> args = {binary, "--config", config};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  // Keep the receiver's listening socket (no SOCK_CLOEXEC in Poco) out of the agent.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  pid_t pid = -1;
  if (posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Returns the process's user+system CPU seconds.
double CpuSeconds(pid_t pid) {
  std::string text;
  std::string path = "/proc/" + std::to_string(pid) + "/stat";
  int fd = ::open(path.c_str(), O_RDONLY);
  char buffer[4096];
  ssize_t n = fd >= 0 ? ::read(fd, buffer, sizeof(buffer)) : -1;
  if (fd >= 0) ::close(fd);
  if (n > 0) text.assign(buffer, static_cast<size_t>(n));
  size_t close = text.rfind(')');
  std::istringstream fields(text.substr(close + 2));
  std::string f;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int i = 3; i <= 15; ++i) {
    fields >> f;
    if (i == 14) utime = std::stoull(f);
    if (i == 15) stime = std::stoull(f);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Returns a field of /proc/<pid>/status in MiB (VmHWM, VmRSS).
double StatusMiB(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      return std::stod(line.substr(field.size() + 1)) / 1024.0;  // kB
    }
  }
  return 0;
}

void Stop(pid_t pid) {
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

void WriteConfig(const std::string& path, const std::string& state, const std::string& include,
                 uint16_t port, bool gzip) {
  std::ofstream out(path);
  out << "state_dir: " << state << "\n"
      << "log_level: warning\n"
      << "inputs:\n"
      << "  - name: bench\n"
      << "    include: [\"" << include << "\"]\n"
      << "exporter:\n"
      << "  endpoint: http://127.0.0.1:" << port << "\n"
      << "  compression: " << (gzip ? "gzip" : "none") << "\n";
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct ShipResult {
  double lines_per_second;
  double cpu_per_million;
  double peak_rss_mib;
};

ShipResult Ship(const std::string& agent, const std::string& dir, const std::string& log_file,
                size_t lines, bool gzip, Receiver& receiver) {
  std::string state = dir + "/state";
  std::filesystem::remove_all(state);
  std::filesystem::remove(dir + "/agent.log");
  std::string config = dir + "/agent.yaml";
  WriteConfig(config, state, log_file, receiver.port(), gzip);
  receiver.Reset();
  pid_t pid = SpawnAgent(agent, config, dir + "/agent.log");
  for (int waited = 0; !receiver.WaitFor(lines, std::chrono::seconds(1)); ++waited) {
    int status = 0;
    if (waited >= 300 || ::waitpid(pid, &status, WNOHANG) == pid) {
      std::fprintf(stderr, "agent stopped or timed out at %zu of %zu records; see %s\n",
                   receiver.records(), lines, (dir + "/agent.log").c_str());
      std::exit(1);
    }
  }
  double cpu = CpuSeconds(pid);
  double rss = StatusMiB(pid, "VmHWM");
  Stop(pid);
  double seconds = static_cast<double>(receiver.last_ack() - receiver.first_observed()) / 1e9;
  return ShipResult{static_cast<double>(lines) / seconds, cpu / (static_cast<double>(lines) / 1e6),
                    rss};
}

}  // namespace
}  // namespace nightjar::bench

int main(int argc, char** argv) {
  using namespace nightjar::bench;  // NOLINT: a main file
  size_t lines = 2'000'000;
  int runs = 5;
  int idle_files = 100;
  int idle_seconds = 30;
  std::string modes = "none,gzip";
  std::string agent = NJ_AGENT_BINARY;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--lines") lines = std::stoul(argv[i + 1]);
    if (a == "--runs") runs = std::stoi(argv[i + 1]);
    if (a == "--idle-files") idle_files = std::stoi(argv[i + 1]);
    if (a == "--idle-seconds") idle_seconds = std::stoi(argv[i + 1]);
    if (a == "--modes") modes = argv[i + 1];
    if (a == "--agent") agent = argv[i + 1];
  }
  signal(SIGPIPE, SIG_IGN);
  std::string dir = (std::filesystem::temp_directory_path() / "nj-agent-bench").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/logs");
  std::string log_file = dir + "/logs/app.log";
  GenerateLog(log_file, lines);
  std::printf("input: %zu lines, %.1f MB (%s)\n", lines,
              static_cast<double>(std::filesystem::file_size(log_file)) / 1e6, log_file.c_str());
  Receiver receiver;

  for (const char* mode : {"none", "gzip"}) {
    if (modes.find(mode) == std::string::npos) continue;
    std::vector<double> rate, cpu, rss;
    for (int r = 0; r < runs; ++r) {
      ShipResult result = Ship(agent, dir, log_file, lines, std::string(mode) == "gzip", receiver);
      std::printf("  %s run %d: %.0f lines/s, %.3f CPU s per M lines, peak RSS %.1f MiB\n", mode,
                  r + 1, result.lines_per_second, result.cpu_per_million, result.peak_rss_mib);
      std::fflush(stdout);
      rate.push_back(result.lines_per_second);
      cpu.push_back(result.cpu_per_million);
      rss.push_back(result.peak_rss_mib);
    }
    std::printf(
        "compression=%s median of %d: %.0f lines/s, %.3f CPU s per M lines, peak RSS "
        "%.1f MiB\n",
        mode, runs, Median(rate), Median(cpu), Median(rss));
  }

  if (idle_files > 0 && idle_seconds > 0) {
    std::string quiet = dir + "/quiet";
    std::filesystem::create_directories(quiet);
    for (int i = 0; i < idle_files; ++i) {
      std::ofstream out(quiet + "/file-" + std::to_string(i) + ".log");
      for (int j = 0; j < 10; ++j) out << "quiet file " << i << " line " << j << "\n";
    }
    std::string state = dir + "/state";
    std::filesystem::remove_all(state);
    WriteConfig(dir + "/idle.yaml", state, quiet + "/*.log", receiver.port(), true);
    receiver.Reset();
    pid_t pid = SpawnAgent(agent, dir + "/idle.yaml", dir + "/agent.log");
    receiver.WaitFor(static_cast<size_t>(idle_files) * 10, std::chrono::seconds(60));
    std::this_thread::sleep_for(std::chrono::seconds(3));  // let start-up work finish
    double cpu0 = CpuSeconds(pid);
    auto t0 = Clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(idle_seconds));
    double cpu1 = CpuSeconds(pid);
    double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("idle, %d quiet files over %.0f s: %.3f%% of a core, RSS %.1f MiB\n", idle_files,
                elapsed, 100.0 * (cpu1 - cpu0) / elapsed, StatusMiB(pid, "VmRSS"));
    Stop(pid);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
