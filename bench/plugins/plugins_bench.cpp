// Cost of the first-party plugins through the plugin host: the severity classifier per log
// record and the zscore detector per metric point, each against the host with no plugin (what
// the pipeline pays for the plugin machinery alone is the difference).
//
// Records are tests/sdk/otlp/test_data.cpp's AppLogs (~150-byte bodies, 10 attributes, a
// resource with 3). Points are 100 series of 2,000 values each, a sine with noise.
//
// Run: build/release/bench/plugins/plugins_bench --benchmark_repetitions=5
//        --benchmark_report_aggregates_only=true
// items_per_second is records (or points) per second.
#include <benchmark/benchmark.h>

#include <cmath>

#include "base/logging.h"
#include "plugin_host/plugin_host.h"
#include "test_data.h"

namespace nightjar::plugins {
namespace {

constexpr size_t kRecords = 1000;

std::string PluginPath(const char* name) {
  return std::string(NJ_PLUGINS_DIR) + "/" + name + ".so";
}

std::unique_ptr<PluginHost> Host(const char* plugin, OptionInputs options = {}) {
  log::SetLevel(log::Level::kWarning);
  PluginHostConfig config;
  if (plugin != nullptr) {
    config.paths.push_back(PluginPath(plugin));
    InstanceConfig instance;
    instance.plugin = plugin;
    instance.name = plugin;
    instance.options = std::move(options);
    config.instances.push_back(std::move(instance));
  }
  auto host = PluginHost::Start(config);
  if (!host->problems().empty()) std::abort();
  return host;
}

// `with_severity`: records carry a consistent severity (the common case); otherwise the
// classifier must find the level in every body.
const otlp::ResourceLogs& Records(bool with_severity) {
  static const otlp::LogsData* consistent = new otlp::LogsData(otlp::testing::AppLogs(kRecords));
  static const otlp::LogsData* bare = [] {
    auto* logs = new otlp::LogsData(otlp::testing::AppLogs(kRecords));
    for (auto& r : logs->resource_logs[0].scope_logs[0].log_records) {
      r.severity_number = 0;
      r.severity_text.clear();
    }
    return logs;
  }();
  return (with_severity ? consistent : bare)->resource_logs[0];
}

void Classify(benchmark::State& state, const char* plugin, bool with_severity,
              OptionInputs options = {}) {
  auto host = Host(plugin, std::move(options));
  const otlp::ResourceLogs& rl = Records(with_severity);
  const auto& records = rl.scope_logs[0].log_records;
  size_t changed = 0;
  for (auto _ : state) {
    for (const otlp::LogRecord& r : records) {
      Classification c = host->Classify(r, rl.resource.attributes, rl.scope_logs[0].scope.name);
      changed += c.empty() ? 0 : 1;
      benchmark::DoNotOptimize(c);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
  state.counters["changed_share"] =
      static_cast<double>(changed) / static_cast<double>(state.iterations() * records.size());
}

void BM_ClassifyNoPlugin(benchmark::State& state) { Classify(state, nullptr, true); }
void BM_ClassifySeverityConsistent(benchmark::State& state) { Classify(state, "severity", true); }
void BM_ClassifySeverityFromBody(benchmark::State& state) { Classify(state, "severity", false); }
void BM_ClassifySeverityWithRegexRule(benchmark::State& state) {
  OptionInputs options;
  options.emplace_back("patterns", OptionInput::Map({{"slow", "latency_ms=2[0-9]{2}([^0-9]|$)"}}));
  Classify(state, "severity", true, std::move(options));
}
BENCHMARK(BM_ClassifyNoPlugin);
BENCHMARK(BM_ClassifySeverityConsistent);
BENCHMARK(BM_ClassifySeverityFromBody);
BENCHMARK(BM_ClassifySeverityWithRegexRule);

void Detect(benchmark::State& state, const char* plugin, OptionInputs options = {}) {
  auto host = Host(plugin, std::move(options));
  constexpr int kSeries = 100;
  constexpr int kPoints = 2000;
  otlp::Attributes attributes = {{"host.name", otlp::AnyValue("web-01")},
                                 {"cpu", otlp::AnyValue(int64_t{0})}};
  std::vector<Detection> out;
  int64_t flagged = 0;
  int64_t t = 0;
  for (auto _ : state) {
    for (int p = 0; p < kPoints; ++p) {
      for (int s = 0; s < kSeries; ++s) {
        SeriesPoint point;
        point.metric_name = "system.cpu.utilization";
        point.attributes = &attributes;
        point.series_id = static_cast<uint64_t>(s + 1);
        point.time_unix_nano = ++t;
        point.value = 50 + 20 * std::sin(p * 0.05 + s) + ((p * 7919 + s * 104729) % 100) / 25.0;
        host->Detect(point, &out);
        flagged += !out.empty() && out[0].anomalous ? 1 : 0;
      }
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kSeries * kPoints);
  state.counters["flagged"] = static_cast<double>(flagged);
}

void BM_DetectNoPlugin(benchmark::State& state) { Detect(state, nullptr); }
void BM_DetectZScore(benchmark::State& state) {
  Detect(state, "zscore", {{"window", OptionInput::Scalar(std::to_string(state.range(0)))}});
}
BENCHMARK(BM_DetectNoPlugin)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DetectZScore)->Arg(120)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace nightjar::plugins
