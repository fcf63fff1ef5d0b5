// The engine with a FakeClock and a capturing sink: on_log windows, on_anomaly, every rules
// with hysteresis, failures that stay in their rule, reloads, the queue and the thread.
#include "rules/rules_engine.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "rules_test_util.h"
#include "test_util.h"

namespace nightjar::collector::rules {
namespace {

using Condition = alerting::AlertSample::Condition;
using collector::testing::TempDir;
using testing::Batch;
using testing::CapturingSink;
using testing::LabelValue;
using testing::TestRecord;
using testing::WriteFile;

constexpr int64_t kT0 = 1'700'000'000'000'000'000;
constexpr int64_t kT0Ms = kT0 / 1'000'000;

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { config_.dir = dir_.path().string(); }

  std::unique_ptr<RulesEngine> Make() {
    auto e = std::make_unique<RulesEngine>(
        RulesEngineOptions{.config = config_, .clock = &clock_, .registry = &registry_});
    e->SetSink(&sink_);
    return e;
  }

  void Rules(const std::string& name, const std::string& code) { WriteFile(dir_.File(name), code); }

  void Logs(RulesEngine& e, const std::vector<TestRecord>& records) {
    LogBatch b = Batch(records);
    std::vector<int64_t> ids(b.logs.size(), 1);
    e.OnLogsCommitted(b, ids);
    e.ProcessQueued();
  }

  TempDir dir_;
  RulesConfig config_;
  FakeClock clock_{kT0};
  metrics::Registry registry_;
  CapturingSink sink_;
};

constexpr const char* kBurst = R"(
rule {
  name = "Burst",
  labels = { severity = "page" },
  annotations = { summary = "{{ $labels.service }}: {{ $value }} timeouts" },
  window = "1m",
  above = 2,
  on_log = function(r)
    if r.body:find("timeout") then return { service = r.service } end
  end,
}
)";

TEST_F(EngineTest, OnLogWindowFiresPerLabelSetAndClearsWhenItExpires) {
  Rules("burst.lua", kBurst);
  auto e = Make();
  ASSERT_TRUE(e->Load().ok());
  ASSERT_EQ(sink_.rules().size(), 1u);
  EXPECT_EQ(sink_.rules()[0].trigger, "on_log");
  EXPECT_EQ(sink_.rules()[0].file, "burst.lua");

  Logs(*e, {{"api", "timeout 1", 17, kT0Ms},
            {"api", "timeout 2", 17, kT0Ms},
            {"web", "timeout", 17, kT0Ms},
            {"api", "fine", 17, kT0Ms},
            {"api", "timeout 3", 17, kT0Ms}});
  auto evs = sink_.Take("Burst");
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_FALSE(evs[0].complete);
  ASSERT_EQ(evs[0].samples.size(), 1u);  // web's single match is below the threshold
  const auto& s = evs[0].samples[0];
  EXPECT_EQ(s.labels,
            (alerting::Labels{{"alertname", "Burst"}, {"service", "api"}, {"severity", "page"}}));
  EXPECT_EQ(s.value, 3);
  EXPECT_EQ(s.condition, Condition::kActive);
  EXPECT_EQ(s.annotations, (alerting::Labels{{"summary", "api: 3 timeouts"}}));

  clock_.Advance(std::chrono::seconds(30));
  e->EvaluateDue(clock_.NowUnixNanos());
  evs = sink_.Take("Burst");
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_TRUE(evs[0].complete);
  ASSERT_EQ(evs[0].samples.size(), 1u);
  EXPECT_EQ(LabelValue(evs[0].samples[0].labels, "service"), "api");

  // A minute (plus one 1s slice) later the matches have left the window: a complete, empty
  // evaluation clears the alert.
  clock_.Advance(std::chrono::seconds(31));
  e->EvaluateDue(clock_.NowUnixNanos());
  evs = sink_.Take("Burst");
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_TRUE(evs[0].complete);
  EXPECT_TRUE(evs[0].samples.empty());
}

TEST_F(EngineTest, RecordFieldsReachTheRuleAndKeptRecordsGoStale) {
  Rules("fields.lua", R"(
local kept
rule {
  name = "Fields",
  on_log = function(r)
    if kept ~= nil then
      assert(kept.scope == nil, "a kept record must not see the next one")
      assert(kept.body == "first")
    end
    kept = kept or r
    assert(r.severity == 17 and r.level == "error", "severity")
    assert(r.service == "api" and r.resource["service.name"] == "api", "service")
    assert(r.attributes["http.route"] == "/pay" and r.attributes.code == 504, "attributes")
    assert(r.labels["log.class"] == "timeout", "labels")
    assert(r.time == 1700000000, "time " .. tostring(r.time))
    return { route = r.attributes["http.route"], class = r.labels["log.class"] }
  end,
}
)");
  auto e = Make();
  ASSERT_TRUE(e->Load().ok());
  TestRecord r{
      "api", "first", 17, kT0Ms, R"({"http.route":"/pay","code":504})", {{"log.class", "timeout"}}};
  Logs(*e, {r});
  r.body = "second";
  Logs(*e, {r});
  auto evs = sink_.Take("Fields");
  ASSERT_EQ(evs.size(), 2u);
  for (const auto& ev : evs) {
    EXPECT_EQ(ev.error, "");
    ASSERT_EQ(ev.samples.size(), 1u);
    EXPECT_EQ(LabelValue(ev.samples[0].labels, "route"), "/pay");
    EXPECT_EQ(LabelValue(ev.samples[0].labels, "class"), "timeout");
  }
}

TEST_F(EngineTest, RunawayAndFailingRulesReportErrorsAndTheOthersKeepRunning) {
  Rules("a.lua", R"(
rule { name = "Spin", on_log = function(r) while true do end end }
rule { name = "Nil", on_log = function(r)
  local t = nil
  return t.x
end }
rule { name = "Weird", on_log = function(r) return 42 end }
rule { name = "Declare", on_log = function(r) rule { name = "Late" } end }
)");
  Rules("b.lua", R"(rule { name = "Fine", on_log = function(r) return true end })");
  config_.instruction_budget = 100000;
  auto e = Make();
  ASSERT_TRUE(e->Load().ok());
  Logs(*e, {{"api", "x", 9, kT0Ms}, {"api", "y", 9, kT0Ms}});

  auto spin = sink_.Take("Spin");
  ASSERT_EQ(spin.size(), 1u);  // one error evaluation per batch, not per record
  EXPECT_NE(spin[0].error.find("a.lua:2: instruction budget of 100000 exceeded"), std::string::npos)
      << spin[0].error;
  EXPECT_TRUE(spin[0].samples.empty());
  auto nil = sink_.Take("Nil");
  ASSERT_EQ(nil.size(), 1u);
  EXPECT_NE(nil[0].error.find("a.lua:5: attempt to index a nil value"), std::string::npos)
      << nil[0].error;
  auto weird = sink_.Take("Weird");
  ASSERT_EQ(weird.size(), 1u);
  EXPECT_NE(weird[0].error.find("a.lua:7: rule \"Weird\": on_log returned a number"),
            std::string::npos)
      << weird[0].error;
  auto declare = sink_.Take("Declare");
  ASSERT_EQ(declare.size(), 1u);
  EXPECT_NE(declare[0].error.find("not from a rule's code"), std::string::npos);

  auto fine = sink_.Take("Fine");
  ASSERT_EQ(fine.size(), 1u);
  EXPECT_EQ(fine[0].error, "");
  ASSERT_EQ(fine[0].samples.size(), 1u);
  EXPECT_EQ(fine[0].samples[0].value, 2);

  RulesSnapshot snap = e->Snapshot();
  ASSERT_EQ(snap.rules.size(), 5u);
  EXPECT_EQ(snap.rules[0].name, "Spin");
  EXPECT_EQ(snap.rules[0].state, "error");
  EXPECT_EQ(snap.rules[0].errors, 1);
  EXPECT_EQ(snap.rules[4].name, "Fine");
  EXPECT_EQ(snap.rules[4].state, "ok");
  EXPECT_EQ(snap.rules[4].matches, 2);
  std::string json = RulesSnapshotJson(snap);
  EXPECT_NE(json.find(R"("name":"Spin","file":"a.lua","line":2,"trigger":"on_log")"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("instruction budget of 100000 exceeded"), std::string::npos);
  EXPECT_NE(json.find(R"("state":"error")"), std::string::npos);
  EXPECT_EQ(e->metrics().errors.With({"Spin"}).Value(), 1);
  EXPECT_EQ(e->metrics().evaluations.With({"Fine", "on_log"}).Value(), 1);
}

TEST_F(EngineTest, MemoryBombInOneFileLeavesTheOtherFilesAlone) {
  Rules("bomb.lua", R"(
local hoard = {}
rule { name = "Bomb", on_log = function(r)
  for i = 1, 1e8 do hoard[#hoard + 1] = string.rep("x", 1000) .. i end
end }
)");
  Rules("fine.lua", R"(rule { name = "Fine", on_log = function(r) return true end })");
  config_.max_memory = 8 << 20;
  config_.instruction_budget = 100'000'000;
  auto e = Make();
  ASSERT_TRUE(e->Load().ok());
  Logs(*e, {{"api", "x", 9, kT0Ms}});
  auto bomb = sink_.Take("Bomb");
  ASSERT_EQ(bomb.size(), 1u);
  EXPECT_NE(bomb[0].error.find("bomb.lua: memory limit of 8MiB reached"), std::string::npos)
      << bomb[0].error;
  ASSERT_EQ(sink_.Take("Fine").size(), 1u);
}

TEST_F(EngineTest, ReloadRefusesABrokenFileAndKeepsItsPreviousVersion) {
  Rules("a.lua", kBurst);
  auto e = Make();
  ASSERT_TRUE(e->Load().ok());
  Logs(*e, {{"api", "timeout", 17, kT0Ms}, {"api", "timeout", 17, kT0Ms}});

  Rules("a.lua", "rule { name = 'Burst', on_log = function(r) return true end\n");  // no '}'
  Rules("b.lua", "rule { name = 'Other', on_log = 5 }");
  Rules("c.lua", "rule { name = 'Burst', on_log = function(r) return true end }");
  LoadReport report = e->Reload();
  EXPECT_FALSE(report.ok());
  ASSERT_EQ(report.files.size(), 3u);
  EXPECT_TRUE(report.files[0].kept_previous);
  EXPECT_NE(report.files[0].error.find("a.lua:2:"), std::string::npos) << report.files[0].error;
  EXPECT_FALSE(report.files[1].kept_previous);
  EXPECT_NE(report.files[1].error.find("b.lua:1: rule{}: on_log: must be a function"),
            std::string::npos)
      << report.files[1].error;
  EXPECT_NE(report.files[2].error.find("rule \"Burst\" is already declared in a.lua"),
            std::string::npos)
      << report.files[2].error;
  EXPECT_NE(report.Errors().find("(the previous version keeps running)"), std::string::npos);
  ASSERT_EQ(sink_.rules().size(), 1u);
  EXPECT_EQ(sink_.rules()[0].name, "Burst");

  // The previous version still runs, with its window: a third timeout makes 3 > 2.
  sink_.Take("Burst");
  Logs(*e, {{"api", "timeout", 17, kT0Ms}});
  auto evs = sink_.Take("Burst");
  ASSERT_EQ(evs.size(), 1u);
  ASSERT_EQ(evs[0].samples.size(), 1u);
  EXPECT_EQ(evs[0].samples[0].value, 3);

  // Fixed: the new version takes over the window of the rule with the same name.
  std::string fixed = kBurst;
  fixed.replace(fixed.find("timeouts"), 8, "timeouts!");
  Rules("a.lua", fixed);
  std::filesystem::remove(dir_.File("b.lua"));
  std::filesystem::remove(dir_.File("c.lua"));
  report = e->Reload();
  EXPECT_TRUE(report.ok()) << report.Errors();
  Logs(*e, {{"api", "timeout", 17, kT0Ms}});
  evs = sink_.Take("Burst");
  ASSERT_EQ(evs.size(), 1u);
  ASSERT_EQ(evs[0].samples.size(), 1u);
  EXPECT_EQ(evs[0].samples[0].value, 4);
  EXPECT_EQ(evs[0].samples[0].annotations[0].second, "api: 4 timeouts!");
  EXPECT_EQ(e->metrics().reloads.With({"error"}).Value(), 1);
}

TEST_F(EngineTest, RemovedFilesTakeTheirRulesAway) {
  Rules("a.lua", kBurst);
  Rules("b.lua", R"(rule { name = "Other", on_log = function(r) return true end })");
  auto e = Make();
  ASSERT_TRUE(e->Load().ok());
  EXPECT_EQ(sink_.rules().size(), 2u);
  std::filesystem::remove(dir_.File("a.lua"));
  ASSERT_TRUE(e->Reload().ok());
  ASSERT_EQ(sink_.rules().size(), 1u);
  EXPECT_EQ(sink_.rules()[0].name, "Other");
  EXPECT_EQ(sink_.set_rules_calls(), 2);
}

TEST_F(EngineTest, OnAnomalyCountsAnomaliesWithTheirValue) {
  Rules("an.lua", R"(
rule {
  name = "Anomalous",
  annotations = { summary = "{{ $labels.metric }} score {{ $value }}" },
  window = "5m",
  on_anomaly = function(a)
    if a.score < 3 then return nil end
    assert(a.attributes.host == "h1" and a.resource["service.name"] == "api")
    return { labels = { metric = a.metric, service = a.service }, value = a.score }
  end,
}
)");
  auto e = Make();
  ASSERT_TRUE(e->Load().ok());
  Anomaly a;
  a.metric = "cpu";
  a.score = 5.5;
  a.value = 99;
  a.time_unix_nano = kT0;
  a.attributes = R"({"host":"h1"})";
  a.resource_attributes = R"({"service.name":"api"})";
  a.service = "api";
  e->OnAnomaly(a);
  a.score = 1;
  e->OnAnomaly(a);
  e->ProcessQueued();
  auto evs = sink_.Take("Anomalous");
  ASSERT_EQ(evs.size(), 1u);
  ASSERT_EQ(evs[0].samples.size(), 1u);
  EXPECT_EQ(evs[0].samples[0].value, 5.5);
  EXPECT_EQ(evs[0].samples[0].annotations[0].second, "cpu score 5.5");
  EXPECT_EQ(LabelValue(evs[0].samples[0].labels, "service"), "api");
  clock_.Advance(std::chrono::minutes(6));
  e->EvaluateDue(clock_.NowUnixNanos());
  evs = sink_.Take("Anomalous");
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_TRUE(evs[0].samples.empty());
}

TEST_F(EngineTest, EveryRuleRunsWhenDueWithHysteresis) {
  Rules("disk.lua", R"(
local values = { 95, 85, 75 }
local i = 0
rule {
  name = "Disk", every = "1m", above = 90, resolve_below = 80,
  annotations = { summary = "{{ $labels.disk }} at {{ $value }}%" },
  evaluate = function(q)
    assert(q.time_unix_nano > 0 and q.now > 0)
    i = i + 1
    return { { labels = { disk = "/" }, value = values[i] } }
  end,
}
)");
  auto e = Make();
  ASSERT_TRUE(e->Load().ok());
  std::vector<Condition> seen;
  for (int step = 0; step < 6; ++step) {  // every 30s: the rule is due every other step
    e->EvaluateDue(clock_.NowUnixNanos());
    for (const auto& ev : sink_.Take("Disk")) {
      EXPECT_TRUE(ev.complete);
      ASSERT_EQ(ev.samples.size(), 1u) << ev.error;
      seen.push_back(ev.samples[0].condition);
      if (seen.size() == 2) {
        EXPECT_EQ(ev.samples[0].annotations[0].second, "/ at 85%");
      }
    }
    clock_.Advance(std::chrono::seconds(30));
  }
  EXPECT_EQ(seen,
            (std::vector<Condition>{Condition::kActive, Condition::kHold, Condition::kClear}));
}

TEST_F(EngineTest, EveryRuleResultForms) {
  Rules("forms.lua", R"(
rule { name = "True", every = "1m", evaluate = function(q) return true end }
rule { name = "Nil", every = "1m", evaluate = function(q) return nil end }
rule { name = "Number", every = "1m", above = 5, evaluate = function(q) return 7 end }
rule { name = "One", every = "1m", evaluate = function(q)
  return { labels = { a = "b" }, state = "hold" } end }
rule { name = "Bad", every = "1m", evaluate = function(q) return { { labels = 5 } } end }
rule { name = "Query", every = "1m", evaluate = function(q) return q:log_count{} end }
)");
  auto e = Make();
  ASSERT_TRUE(e->Load().ok());
  e->EvaluateDue(kT0);
  auto t = sink_.Take("True");
  ASSERT_EQ(t.size(), 1u);
  ASSERT_EQ(t[0].samples.size(), 1u);
  EXPECT_EQ(t[0].samples[0].labels, (alerting::Labels{{"alertname", "True"}}));
  EXPECT_TRUE(sink_.Take("Nil")[0].samples.empty());
  auto n = sink_.Take("Number");
  EXPECT_EQ(n[0].samples[0].value, 7);
  EXPECT_EQ(n[0].samples[0].condition, Condition::kActive);
  EXPECT_EQ(sink_.Take("One")[0].samples[0].condition, Condition::kHold);
  EXPECT_NE(sink_.Take("Bad")[0].error.find("forms.lua:7: rule \"Bad\": sample 1: labels must be"),
            std::string::npos);
  std::string q = sink_.Take("Query")[0].error;
  EXPECT_NE(q.find("forms.lua:8: q:log_count: needs window"), std::string::npos) << q;
}

TEST_F(EngineTest, FullQueueDropsAndCounts) {
  Rules("a.lua", kBurst);
  config_.queue_max_records = 3;
  auto e = Make();
  ASSERT_TRUE(e->Load().ok());
  LogBatch big = Batch({{"a", "timeout"}, {"a", "timeout"}, {"a", "timeout"}, {"a", "timeout"}});
  std::vector<int64_t> ids(4, 1);
  e->OnLogsCommitted(big, ids);
  EXPECT_EQ(e->metrics().dropped.With({"queue_full"}).Value(), 4);
  EXPECT_EQ(e->Snapshot().dropped_records, 4);
  e->ProcessQueued();
  EXPECT_TRUE(sink_.Take("Burst").empty());
}

TEST_F(EngineTest, ThreadRunsQueuedBatches) {
  Rules("b.lua", R"(rule { name = "Any", on_log = function(r) return true end })");
  auto e = Make();
  ASSERT_TRUE(e->Load().ok());
  e->Start();
  LogBatch b = Batch({{"api", "x", 9, kT0Ms}});
  std::vector<int64_t> ids = {7};
  e->OnLogsCommitted(b, ids);
  ASSERT_TRUE(e->WaitIdle(std::chrono::seconds(10)));
  e->Stop();
  // The thread may also have run a window tick (a complete evaluation) before the batch; the
  // batch's own evaluation is the event-driven one.
  auto evs = sink_.Take("Any");
  auto batch_eval =
      std::find_if(evs.begin(), evs.end(), [](const auto& ev) { return !ev.complete; });
  ASSERT_NE(batch_eval, evs.end()) << evs.size() << " evaluations, none for the batch";
  EXPECT_EQ(batch_eval->samples.size(), 1u);
}

TEST_F(EngineTest, MissingDirectoryIsAnErrorAndKeepsTheRules) {
  Rules("a.lua", kBurst);
  auto e = Make();
  ASSERT_TRUE(e->Load().ok());
  std::filesystem::remove_all(dir_.path());
  LoadReport report = e->Reload();
  EXPECT_FALSE(report.ok());
  EXPECT_NE(report.Errors().find("cannot read the rules directory"), std::string::npos);
  EXPECT_EQ(e->Specs().size(), 1u);
  std::filesystem::create_directories(dir_.path());  // for TempDir's cleanup
}

}  // namespace
}  // namespace nightjar::collector::rules
