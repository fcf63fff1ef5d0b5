// Deterministic benchmark data; see bench_data.h.
#include "bench_data.h"

#include <string>

namespace nightjar::collector::bench {
namespace {

uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

const char* const kWords[] = {
    "request",   "completed",   "failed",    "timeout", "connection", "reset",   "user",
    "order",     "payment",     "invoice",   "cache",   "miss",       "hit",     "retry",
    "upstream",  "latency",     "queue",     "worker",  "database",   "query",   "slow",
    "session",   "expired",     "token",     "refresh", "checkout",   "cart",    "item",
    "inventory", "shipping",    "warehouse", "backend", "frontend",   "gateway", "proxy",
    "handshake", "certificate", "dns",       "lookup",  "socket",     "closed",  "opened",
    "stream"};
constexpr size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);

}  // namespace

const char* RareWord() { return "zeppelin"; }

otlp::LogsData MakeLogs(uint64_t seed, size_t count, uint64_t start_unix_nano) {
  static const char* kLevels[] = {"INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG"};
  static const int kSeverities[] = {9, 9, 9, 13, 17, 5};
  uint64_t state = seed * 0x2545F4914F6CDD1DULL + 1;
  otlp::LogsData logs;
  otlp::ResourceLogs rl;
  uint64_t host = seed % 16;
  rl.resource.attributes = {{"service.name", otlp::AnyValue("svc-" + std::to_string(seed % 4))},
                            {"host.name", otlp::AnyValue("web-" + std::to_string(host))},
                            {"os.type", otlp::AnyValue("linux")}};
  otlp::ScopeLogs sl;
  sl.scope.name = "nightjar.bench";
  sl.log_records.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    uint64_t r = SplitMix(state);
    size_t level = r % 6;
    otlp::LogRecord rec;
    rec.time_unix_nano = start_unix_nano + i * 1000;
    rec.observed_time_unix_nano = rec.time_unix_nano + 500;
    rec.severity_number = kSeverities[level];
    rec.severity_text = kLevels[level];
    std::string body = kLevels[level];
    body += " ";
    while (body.size() < 120) {
      body += kWords[SplitMix(state) % kWordCount];
      body += ' ';
    }
    body += "id=" + std::to_string(r % 1000000) + " user=u" + std::to_string(r % 977);
    if (r % 100000 == 7) body += std::string(" ") + RareWord();
    rec.body = otlp::AnyValue(std::move(body));
    rec.attributes = {{"http.method", otlp::AnyValue("POST")},
                      {"http.route", otlp::AnyValue("/api/v1/checkout")},
                      {"http.status_code", otlp::AnyValue(int64_t{r % 5 == 0 ? 500 : 200})},
                      {"user.id", otlp::AnyValue("u" + std::to_string(r % 977))},
                      {"order.id", otlp::AnyValue(static_cast<int64_t>(r % 10000000))},
                      {"latency_ms", otlp::AnyValue(static_cast<double>(r % 2500) / 10)},
                      {"region", otlp::AnyValue("eu-west-1")},
                      {"cache.hit", otlp::AnyValue(r % 2 == 0)},
                      {"thread", otlp::AnyValue("worker-" + std::to_string(r % 8))},
                      {"log.file.path", otlp::AnyValue("/var/log/app.log")}};
    for (size_t b = 0; b < 16; ++b) rec.trace_id[b] = static_cast<uint8_t>(SplitMix(state));
    for (size_t b = 0; b < 8; ++b) rec.span_id[b] = static_cast<uint8_t>(r >> (b * 8));
    rec.flags = 1;
    sl.log_records.push_back(std::move(rec));
  }
  rl.scope_logs.push_back(std::move(sl));
  logs.resource_logs.push_back(std::move(rl));
  return logs;
}

otlp::MetricsData MakeMetrics(uint64_t seed, size_t series, size_t points_per_series,
                              uint64_t start_unix_nano, uint64_t interval_nanos) {
  uint64_t state = seed * 0x9E3779B97F4A7C15ULL + 7;
  otlp::MetricsData data;
  for (size_t first = 0; first < series; first += 10) {
    otlp::ResourceMetrics rm;
    rm.resource.attributes = {
        {"service.name", otlp::AnyValue("svc-" + std::to_string(first / 10 % 4))},
        {"host.name", otlp::AnyValue("host-" + std::to_string(first / 10))}};
    otlp::ScopeMetrics sm;
    sm.scope.name = "nightjar.bench";
    otlp::Metric m;
    m.name = "bench.latency";
    m.unit = "ms";
    otlp::Gauge g;
    for (size_t s = first; s < series && s < first + 10; ++s) {
      for (size_t p = 0; p < points_per_series; ++p) {
        otlp::NumberDataPoint dp;
        dp.attributes = {{"route", otlp::AnyValue("/r" + std::to_string(s % 10))},
                         {"method", otlp::AnyValue(s % 2 == 0 ? "GET" : "POST")}};
        dp.time_unix_nano = start_unix_nano + p * interval_nanos;
        dp.value = static_cast<double>(SplitMix(state) % 10000) / 10.0;
        g.data_points.push_back(std::move(dp));
      }
    }
    m.data = std::move(g);
    sm.metrics.push_back(std::move(m));
    rm.scope_metrics.push_back(std::move(sm));
    data.resource_metrics.push_back(std::move(rm));
  }
  return data;
}

}  // namespace nightjar::collector::bench
