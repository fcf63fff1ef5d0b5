// Cost of on_log rules: committed log batches of 1,000 app-log records through the rules engine
// (the queue, the engine's evaluation of every on_log rule on every record, the sliding windows
// and the evaluations sent to the lifecycle) with 1, 10 and 100 rules loaded, in records/s.
//
//   build/release/bench/rules/rules_bench --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true   (one command line)
//
// Each rule looks like an operator's: severity at least ERROR and one of a few words in the
// body, counted per service. One record in a hundred matches some rule, as in a healthy
// system's logs.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "alerting/rule_evaluation.h"
#include "rules/rules_engine.h"
#include "store/batch.h"

namespace nightjar::collector::rules {
namespace {

// Discards evaluations: the lifecycle's own cost is not what is measured here.
class NullSink : public alerting::AlertSink {
 public:
  void SetRules(const std::vector<alerting::RuleSpec>&) override {}
  void Apply(const alerting::RuleEvaluation&) override {}
};

std::string RuleText(int i) {
  return "rule {\n  name = \"Rule" + std::to_string(i) +
         "\",\n  labels = { severity = \"page\" },\n  window = \"5m\",\n  above = 20,\n"
         "  on_log = function(rec)\n"
         "    if rec.severity >= nightjar.severity.ERROR and nightjar.contains(rec.body, \"word" +
         std::to_string(i) +
         "\", \"timeout\") then\n      return { service = rec.service }\n"
         "    end\n  end,\n}\n";
}

LogBatch AppLogs(size_t n) {
  static const char* kServices[] = {"checkout", "payments", "inventory", "search", "auth"};
  LogBatch batch;
  for (const char* service : kServices) {
    StreamRow s;
    s.service = service;
    s.resource_attributes = std::string("{\"service.name\":\"") + service + "\"}";
    s.scope_attributes = "{}";
    batch.streams.push_back(s);
  }
  for (size_t i = 0; i < n; ++i) {
    LogRow row;
    row.stream = i % batch.streams.size();
    row.time_key_ms = 1'714'564'800'000 + static_cast<int64_t>(i);
    row.time_unix_nano = static_cast<uint64_t>(row.time_key_ms) * 1'000'000;
    bool error = i % 100 == 0;
    row.severity_number = error ? 17 : 9;
    row.severity_text = error ? "ERROR" : "INFO";
    row.body = error ? "upstream timeout after 30s calling payments"
                     : "GET /api/v1/items?page=" + std::to_string(i % 50) +
                           " status=200 duration_ms=" + std::to_string(i % 300);
    row.attributes = "{\"http.method\":\"GET\",\"http.status_code\":200}";
    batch.logs.push_back(std::move(row));
  }
  return batch;
}

void BM_OnLogRules(benchmark::State& state) {
  int rules = static_cast<int>(state.range(0));
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("nj-rules-bench-" + std::to_string(rules));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / "rules.lua");
  for (int i = 0; i < rules; ++i) out << RuleText(i);
  out.close();

  NullSink sink;
  RulesEngineOptions options;
  options.config.dir = dir.string();
  options.config.queue_max_records = 1'000'000;
  options.sink = &sink;
  RulesEngine engine(options);
  LoadReport report = engine.Load();
  if (!report.ok()) {
    state.SkipWithError(report.Errors().c_str());
    return;
  }
  LogBatch batch = AppLogs(1000);
  std::vector<int64_t> ids(batch.logs.size());
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>(i + 1);
  for (auto _ : state) {
    engine.OnLogsCommitted(batch, ids);
    engine.ProcessQueued();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch.logs.size()));
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_OnLogRules)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace nightjar::collector::rules

BENCHMARK_MAIN();
