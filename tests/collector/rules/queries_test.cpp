// `every` rules' queries against a real store filled through the real pipeline.
#include <gtest/gtest.h>

#include <map>

#include "pipeline/pipeline.h"
#include "pipeline/prepare.h"
#include "rules/rules_engine.h"
#include "rules_test_util.h"
#include "test_util.h"

namespace nightjar::collector::rules {
namespace {

using collector::testing::TempDir;
using testing::CapturingSink;
using testing::LabelValue;
using testing::WriteFile;

constexpr int64_t kT0 = static_cast<int64_t>(collector::testing::kT0);
constexpr int64_t kMinute = static_cast<int64_t>(collector::testing::kMinute);

class QueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = collector::testing::OpenStore(dir_.File("nightjar.db"));
    pipeline_ = std::make_unique<Pipeline>(store_.get(), PipelineOptions{}, &metrics_, &clock_);
    pipeline_->Start();
    Submit(collector::testing::Logs("api", 30, kT0));
    Submit(collector::testing::Logs("web", 6, kT0, "beta"));
    Rejections rejections;
    auto done = pipeline_->SubmitMetrics(
        PrepareMetrics(collector::testing::Gauge("cpu", 2, 5, kT0), &rejections));
    ASSERT_TRUE(done.ok());
    ASSERT_TRUE(done->get().ok());
    clock_.Set(kT0 + 5 * kMinute);
  }
  void TearDown() override { pipeline_->Stop(); }

  void Submit(const otlp::LogsData& logs) {
    auto done = pipeline_->SubmitLogs(PrepareLogs(logs, {.now_unix_nano = kT0}));
    ASSERT_TRUE(done.ok());
    ASSERT_TRUE(done->get().ok());
  }

  // Runs an every rule whose evaluate returns samples labelled q=<name>; returns name -> value
  // (and name/<group> -> value for grouped results), or the error.
  std::map<std::string, double> Evaluate(const std::string& body, std::string* error = nullptr) {
    WriteFile(dir_.File("rules/q.lua"), R"(
local function put(out, name, v)
  if type(v) == "table" then
    for _, s in ipairs(v) do
      local g = {}
      for k, x in pairs(s.labels) do g[#g + 1] = k .. "=" .. x end
      table.sort(g)
      out[#out + 1] = { labels = { q = name .. "/" .. table.concat(g, ",") }, value = s.value }
    end
  elseif v ~= nil then
    out[#out + 1] = { labels = { q = name }, value = v }
  end
end
rule { name = "Q", every = "1m", evaluate = function(q)
  local out = {}
)" + body + R"(
  return out
end }
)");
    RulesConfig config;
    config.dir = dir_.File("rules");
    RulesEngine engine(
        RulesEngineOptions{.config = config, .store = store_.get(), .clock = &clock_});
    engine.SetSink(&sink_);
    LoadReport report = engine.Load();
    EXPECT_TRUE(report.ok()) << report.Errors();
    engine.EvaluateDue(clock_.NowUnixNanos());
    std::map<std::string, double> out;
    for (const auto& ev : sink_.Take("Q")) {
      if (error) *error = ev.error;
      EXPECT_TRUE(error || ev.error.empty()) << ev.error;
      for (const auto& s : ev.samples) out[LabelValue(s.labels, "q")] = s.value;
    }
    return out;
  }

  TempDir dir_;
  FakeClock clock_{kT0};
  SelfMetrics metrics_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Pipeline> pipeline_;
  CapturingSink sink_;

 public:
  QueriesTest() { std::filesystem::create_directories(dir_.File("rules")); }
};

TEST_F(QueriesTest, LogCountsAndRates) {
  auto v = Evaluate(R"(
  put(out, "all", q:log_count{ window = "10m" })
  put(out, "service", q:log_count{ window = "10m", by = "service" })
  put(out, "errors", q:log_count{ window = "10m", severity_min = "error" })
  put(out, "api_errors", q:log_count{ window = "10m", service = "api", severity_min = 17 })
  put(out, "beta", q:log_count{ window = "10m", words = "beta" })
  put(out, "level", q:log_count{ window = "10m", by = "level" })
  put(out, "file", q:log_count{ window = "10m", by = "log.file.path", severity_max = "warn" })
  put(out, "rate", q:log_rate{ window = "10m" })
  put(out, "host", q:log_count{ window = "10m", resource = { ["host.name"] = "host-1" } })
  put(out, "recent", q:log_count{ window = "1m" })
)");
  EXPECT_EQ(v["all"], 36);
  EXPECT_EQ(v["service/service=api"], 30);
  EXPECT_EQ(v["service/service=web"], 6);
  EXPECT_EQ(v["errors"], 12);
  EXPECT_EQ(v["api_errors"], 10);
  EXPECT_EQ(v["beta"], 6);
  EXPECT_EQ(v["level/level=error"], 12);
  EXPECT_EQ(v["level/level=info"], 12);
  EXPECT_EQ(v["file/log.file.path=/var/log/a"], 12);  // info and warn only: 24 split in two
  EXPECT_EQ(v["file/log.file.path=/var/log/b"], 12);
  EXPECT_DOUBLE_EQ(v["rate"], 36.0 / 600);
  EXPECT_EQ(v["host"], 36);
  EXPECT_EQ(v.count("recent"), 1u);
  EXPECT_EQ(v["recent"], 0);  // the records are 5 minutes old
}

TEST_F(QueriesTest, WindowEdgesAreExact) {
  // The records are at kT0 + 0..29 ms (api) and kT0 + 0..5 ms (web); now is kT0 + 5m. A window
  // of exactly 5m, (now - 5m, now], leaves out the two at kT0; one of 5m + 1ms has them.
  auto v = Evaluate(R"(
  put(out, "5m", q:log_count{ window = "5m" } + 1000)
  put(out, "5m1ms", q:log_count{ window = "300001ms" } + 1000)
)");
  EXPECT_EQ(v["5m"], 1000 + 34);
  EXPECT_EQ(v["5m1ms"], 1000 + 36);
}

TEST_F(QueriesTest, MetricAggregations) {
  // Series 0: 0..4 at minutes 0..4; series 1: 100..104.
  auto v = Evaluate(R"(
  put(out, "latest", q:latest{ metric = "cpu", by = "series" })
  put(out, "latest1", q:latest{ metric = "cpu", where = { series = "1" } })
  put(out, "avg", q:avg{ metric = "cpu", window = "10m" })
  put(out, "max", q:max{ metric = "cpu", window = "10m", by = "series" })
  put(out, "min", q:min{ metric = "cpu", window = "10m" })
  put(out, "p50", q:p50{ metric = "cpu", window = "10m", by = "series" })
  put(out, "count", q:count{ metric = "cpu", window = "2m", by = { "series", "service.name" } })
  put(out, "rate", q:rate{ metric = "cpu", window = "10m", where = { series = "0" } })
  put(out, "none", q:avg{ metric = "no.such.metric", window = "10m" })
)");
  EXPECT_EQ(v["latest/series=0"], 4);
  EXPECT_EQ(v["latest/series=1"], 104);
  EXPECT_EQ(v["latest1"], 104);
  EXPECT_EQ(v["avg"], 52);
  EXPECT_EQ(v["max/series=0"], 4);
  EXPECT_EQ(v["max/series=1"], 104);
  ASSERT_EQ(v.count("min"), 1u);
  EXPECT_EQ(v["min"], 0);
  EXPECT_EQ(v["p50/series=1"], 102);
  // (now - 2m, now]: the points at minutes 4 only (minute 3 is exactly 2m before now).
  EXPECT_EQ(v["count/series=0,service.name=metrics-svc"], 1);
  EXPECT_DOUBLE_EQ(v["rate"], 4.0 / 600);
  EXPECT_EQ(v.count("none"), 0u);
}

TEST_F(QueriesTest, BadQueriesFailTheEvaluationWithTheirLine) {
  std::string error;
  Evaluate(R"(  put(out, "x", q:avg{ metric = "cpu", window = "10m", colour = "red" }))", &error);
  EXPECT_NE(error.find("q.lua:16: q:avg: colour: unknown or mistyped argument"), std::string::npos)
      << error;
  Evaluate(R"(  put(out, "x", q:latest{ window = "10m" }))", &error);
  EXPECT_NE(error.find("needs metric"), std::string::npos) << error;
}

}  // namespace
}  // namespace nightjar::collector::rules
