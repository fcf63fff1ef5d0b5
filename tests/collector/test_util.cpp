// Test helpers; see test_util.h.
#include "test_util.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "store/schema.h"
#include "store/store_writer.h"

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

void SeedDatabaseAtVersion(const std::string& path, int version, const std::string& body) {
  auto db = sqlite::Database::Open(path);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE(MigrateTo(&*db, version).ok());
  ASSERT_EQ(*SchemaVersion(&*db), version);
  std::string id = std::to_string(LogIdAt(1'700'000'000'000));
  std::string labels = version >= 2 ? ", '{\"log.class\":\"timeout\"}'" : "";
  Status st = db->Exec(
      "INSERT INTO resources VALUES(1, '{}', 0, '', 'old-svc');"
      "INSERT INTO scopes VALUES(1, 1, 's', '', '{}', 0, '');"
      "INSERT INTO logs VALUES(" +
      id + ", 1, 1700000000000000000, 0, 17, 'ERROR', '" + body + "', NULL, '{}', 0, 0, NULL, " +
      "NULL, ''" + labels + ");" + "INSERT INTO logs_fts(rowid, text) VALUES(" + id + ", '" + body +
      "');");
  ASSERT_TRUE(st.ok()) << st.ToString();
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

otlp::MetricsData GaugeSeries(const std::string& name, const std::string& series,
                              const std::vector<double>& values, uint64_t start_unix_nano) {
  otlp::MetricsData data = Gauge(name, 1, 0, start_unix_nano);
  auto& gauge = std::get<otlp::Gauge>(data.resource_metrics[0].scope_metrics[0].metrics[0].data);
  for (size_t i = 0; i < values.size(); ++i) {
    otlp::NumberDataPoint p;
    p.attributes = {{"series", otlp::AnyValue(series)}};
    p.time_unix_nano = start_unix_nano + i * kMinute;
    p.value = values[i];
    gauge.data_points.push_back(std::move(p));
  }
  return data;
}

int RunPromtool(const std::string& promtool, const std::string& exposition, std::string* output) {
  TempDir dir;
  std::string file = dir.File("metrics.txt");
  {
    std::ofstream out(file, std::ios::binary);
    out << exposition;
  }
  std::string command = promtool + " check metrics < " + file + " 2>&1";
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return -1;
  output->clear();
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof(buf), p)) output->append(buf, n);
  return pclose(p);
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
