// Helpers shared by the collector's tests: temporary directories, a store in one, OTLP
// requests built in code, and waiting on a condition with a deadline.
//
// Thread-safety: a TempDir belongs to one thread; the functions are reentrant.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "otlp/model.h"
#include "store/store.h"

namespace nightjar::collector::testing {

// A fresh directory removed with its contents at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Opens a store at `path` or fails the calling test.
std::unique_ptr<Store> OpenStore(const std::string& path);

// Creates a database at `path` with the schema of `version` (an older collector's) holding one
// record: service "old-svc", severity 17, body `body`, indexed at 1'700'000'000'000 ms; from
// version 2 on, with the label log.class=timeout. Fails the calling test on error.
void SeedDatabaseAtVersion(const std::string& path, int version, const std::string& body);

// Returns a logs request with one resource (service.name = `service`) and `count` records:
// body "message <i> <word>", severity cycling INFO/WARN/ERROR, attribute "n" = i, times from
// `start_unix_nano` one millisecond apart.
otlp::LogsData Logs(const std::string& service, size_t count, uint64_t start_unix_nano,
                    const std::string& word = "alpha");

// Returns a metrics request: gauge `name` with one point per (series, minute) over `minutes`
// minutes from `start_unix_nano`, value = series * 100 + minute; attribute "series" = index.
otlp::MetricsData Gauge(const std::string& name, int series, int minutes, uint64_t start_unix_nano);

// Returns a metrics request: gauge `name`, one series (attribute "series" = `series`), one point
// per minute from `start_unix_nano` with `values` in order.
otlp::MetricsData GaugeSeries(const std::string& name, const std::string& series,
                              const std::vector<double>& values, uint64_t start_unix_nano);

// Runs `promtool check metrics` (at `promtool`) on a Prometheus text exposition; returns its
// exit status and fills `output` with what it printed.
int RunPromtool(const std::string& promtool, const std::string& exposition, std::string* output);

// Waits until `condition` holds or `timeout` passes; returns whether it held.
bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

// 2023-11-14T22:13:20Z in unix nanoseconds: a round base for test timestamps.
inline constexpr uint64_t kT0 = 1'700'000'000'000'000'000ULL;
inline constexpr uint64_t kMinute = 60'000'000'000ULL;

}  // namespace nightjar::collector::testing
