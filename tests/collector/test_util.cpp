// Test helpers; see test_util.h.
#include "test_util.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace nightjar::collector::testing {

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ =
      std::filesystem::temp_directory_path() /
      ("nightjar-collector-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::unique_ptr<Store> OpenStore(const std::string& path) {
  StoreOptions o;
  o.path = path;
  auto store = Store::Open(o);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

otlp::LogsData Logs(const std::string& service, size_t count, uint64_t start_unix_nano,
                    const std::string& word) {
  static const int kSeverities[] = {9, 13, 17};
  static const char* kTexts[] = {"INFO", "WARN", "ERROR"};
  otlp::LogsData logs;
  otlp::ResourceLogs rl;
  rl.resource.attributes = {{"service.name", otlp::AnyValue(service)},
                            {"host.name", otlp::AnyValue("host-1")}};
  otlp::ScopeLogs sl;
  sl.scope.name = "test.scope";
  sl.scope.version = "1.0";
  for (size_t i = 0; i < count; ++i) {
    otlp::LogRecord r;
    r.time_unix_nano = start_unix_nano + i * 1'000'000;
    r.observed_time_unix_nano = r.time_unix_nano + 1;
    r.severity_number = kSeverities[i % 3];
    r.severity_text = kTexts[i % 3];
    r.body = otlp::AnyValue("message " + std::to_string(i) + " " + word);
    r.attributes = {{"n", otlp::AnyValue(static_cast<int64_t>(i))},
                    {"log.file.path", otlp::AnyValue(i % 2 == 0 ? "/var/log/a" : "/var/log/b")}};
    sl.log_records.push_back(std::move(r));
  }
  rl.scope_logs.push_back(std::move(sl));
  logs.resource_logs.push_back(std::move(rl));
  return logs;
}

otlp::MetricsData Gauge(const std::string& name, int series, int minutes,
                        uint64_t start_unix_nano) {
  otlp::MetricsData data;
  otlp::ResourceMetrics rm;
  rm.resource.attributes = {{"service.name", otlp::AnyValue("metrics-svc")}};
  otlp::ScopeMetrics sm;
  otlp::Metric m;
  m.name = name;
  m.unit = "1";
  otlp::Gauge g;
  for (int s = 0; s < series; ++s) {
    for (int t = 0; t < minutes; ++t) {
      otlp::NumberDataPoint p;
      p.attributes = {{"series", otlp::AnyValue(std::to_string(s))}};
      p.time_unix_nano = start_unix_nano + static_cast<uint64_t>(t) * kMinute;
      p.value = static_cast<double>(s * 100 + t);
      g.data_points.push_back(std::move(p));
    }
  }
  m.data = std::move(g);
  sm.metrics.push_back(std::move(m));
  rm.scope_metrics.push_back(std::move(sm));
  data.resource_metrics.push_back(std::move(rm));
  return data;
}

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

}  // namespace nightjar::collector::testing
