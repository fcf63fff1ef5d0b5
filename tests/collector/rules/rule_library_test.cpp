// The rule library: declarations and their mistakes, the nightjar helpers, annotation
// templates, thresholds with hysteresis, and sliding windows.
#include <gtest/gtest.h>

#include <cmath>

#include "rules/annotation_template.h"
#include "rules/lua_convert.h"
#include "rules/rule_file.h"
#include "rules/sliding_window.h"
#include "rules/threshold.h"

namespace nightjar::collector::rules {
namespace {

using Condition = alerting::AlertSample::Condition;

Result<std::unique_ptr<RuleFile>> Load(const std::string& code) {
  return RuleFile::Load("r.lua", code, SandboxLimits{}, nullptr);
}

std::string LoadError(const std::string& code) {
  auto f = Load(code);
  return f.ok() ? "" : f.status().message();
}

TEST(RuleDeclaration, ReadsEveryField) {
  auto f = Load(R"(
local nj = require("nightjar")
rule {
  name = "Burst", labels = { severity = "page", team = "core" },
  annotations = { summary = "{{ $labels.service }}: {{ $value }}" },
  ["for"] = "1m", keep_firing_for = "5m", window = "2m", above = 20, resolve_below = 10,
  on_log = function(r) return nil end,
}
nj.rule { name = "Disk", every = "30s", evaluate = function(q) return nil end, below = 0.1 }
)");
  ASSERT_TRUE(f.ok()) << f.status().message();
  const auto& rules = (*f)->rules();
  ASSERT_EQ(rules.size(), 2u);
  const RuleDefinition& a = rules[0];
  EXPECT_EQ(a.name, "Burst");
  EXPECT_EQ(a.line, 3);
  EXPECT_EQ(a.trigger, Trigger::kLog);
  EXPECT_EQ(a.labels, (alerting::Labels{{"severity", "page"}, {"team", "core"}}));
  EXPECT_EQ(a.for_duration, std::chrono::minutes(1));
  EXPECT_EQ(a.keep_firing_for, std::chrono::minutes(5));
  EXPECT_EQ(a.window, std::chrono::minutes(2));
  EXPECT_EQ(a.thresholds.above, 20);
  EXPECT_EQ(a.thresholds.resolve_below, 10);
  EXPECT_EQ(a.function_line, 7);
  ASSERT_EQ(a.annotations.size(), 1u);
  EXPECT_EQ(a.annotations[0].second.Render({{"service", "api"}}, 3), "api: 3");
  EXPECT_EQ(rules[1].trigger, Trigger::kEvery);
  EXPECT_EQ(rules[1].every, std::chrono::seconds(30));
}

TEST(RuleDeclaration, MistakesAreRefusedWithTheirLine) {
  struct Case {
    const char* code;
    const char* message;
  };
  const Case cases[] = {
      {"rule { name = 'A', on_log = function() end, threshold = 3 }",
       "r.lua:1: rule{}: threshold: unknown field"},
      {"\nrule { on_log = function() end }", "r.lua:2: rule{}: needs a name"},
      {"rule { name = 'A' }", "rule \"A\": needs a trigger"},
      {"rule { name = 'A', on_log = function() end, on_anomaly = function() end }",
       "a rule has one trigger"},
      {"rule { name = 'A', evaluate = function() end }", "evaluate needs every"},
      {"rule { name = 'A', on_log = function() end, every = '1m' }", "every goes with evaluate"},
      {"rule { name = 'A', on_log = function() end, ['for'] = 'soon' }", "for: must be a duration"},
      {"rule { name = 'A', on_log = function() end, below = 3 }", "below does not apply"},
      {"rule { name = 'A', on_log = function() end, labels = { alertname = 'B' } }",
       "alertname is the rule's name"},
      {"rule { name = 'A', on_log = function() end, labels = { x = {} } }",
       "label \"x\" has a table value"},
      {"rule { name = 'A', on_log = function() end, above = 5, resolve_below = 9 }",
       "must not be above"},
      {"rule { name = 'A', on_log = function() end, annotations = { s = '{{ $lables.x }}' } }",
       "unknown placeholder"},
      {"rule { name = 'A', on_log = function() end }\nrule { name = 'A', on_log = function() end }",
       "declared twice in this file (first at line 1)"},
      {"local x = 1", "declares no rule"},
  };
  for (const Case& c : cases) {
    std::string error = LoadError(c.code);
    EXPECT_NE(error.find(c.message), std::string::npos) << c.code << "\n-> " << error;
  }
}

TEST(NightjarLibrary, HelpersWork) {
  EXPECT_EQ(LoadError(R"(
local nj = nightjar
assert(nj.severity.ERROR == 17 and nj.severity.WARN == 13)
assert(nj.level(18) == "error" and nj.level(0) == "unspecified")
assert(nj.severity_of("warn") == 13)
assert(nj.contains("Upstream TIMEOUT after 3s", "timeout"))
assert(not nj.contains("all good", "timeout", "refused"))
assert(not nj.contains(nil, "x"))
local p = nj.pick({ a = 1, b = "x" }, "a", "c")
assert(p.a == "1" and p.c == nil)
local m = nj.merge({ a = 1 }, nil, { a = 2, b = 3 })
assert(m.a == 2 and m.b == 3)
assert(nj.duration("1m30s") == 90)
local f = nj.filter({ { value = 1 }, { value = 5 } }, function(v) return v > 2 end)
assert(#f == 1 and f[1].value == 5)
rule { name = "A", on_log = function() end }
)"),
            "");
  EXPECT_NE(LoadError("nightjar.severity_of('loud')").find("r.lua:1: unknown severity level"),
            std::string::npos);
}

TEST(AnnotationTemplate, RendersLabelsAndValues) {
  alerting::Labels labels = {{"host.name", "web-1"}, {"service", "api"}};
  auto render = [&](const std::string& text, double value) {
    auto t = AnnotationTemplate::Compile(text);
    EXPECT_TRUE(t.ok()) << text << ": " << t.status().message();
    return t.ok() ? t->Render(labels, value) : "";
  };
  EXPECT_EQ(render("{{ $labels.service }} has {{ $value }} timeouts", 25), "api has 25 timeouts");
  EXPECT_EQ(render("{{$labels.host.name}}/{{ $labels[\"host.name\"] }}", 0), "web-1/web-1");
  EXPECT_EQ(render("{{ $labels.missing }}|{{ $value }}", 0.1), "|0.1");
  EXPECT_EQ(render("{{ $value | humanizePercentage }}", 0.934), "93.4%");
  EXPECT_EQ(render("{{ $value | humanize }}", 1234567), "1.235M");
  EXPECT_EQ(render("{{ $value | humanizeDuration }}", 3725), "1h2m5s");
  EXPECT_EQ(render("{{ $value | printf \"%.2f\" }} ms", 3.14159), "3.14 ms");
  EXPECT_EQ(render("no placeholders", 1), "no placeholders");
  for (const char* bad : {"{{ $value", "{{ $val }}", "{{ $value | shout }}",
                          "{{ $value | printf \"%s\" }}", "{{ $value | printf \"%f %f\" }}"}) {
    EXPECT_FALSE(AnnotationTemplate::Compile(bad).ok()) << bad;
  }
}

TEST(Thresholds, HysteresisGivesHoldBetweenTheThresholds) {
  Thresholds up{.above = 90, .resolve_below = 80};
  EXPECT_EQ(up.Evaluate(95), Condition::kActive);
  EXPECT_EQ(up.Evaluate(90), Condition::kHold);
  EXPECT_EQ(up.Evaluate(80), Condition::kHold);
  EXPECT_EQ(up.Evaluate(79.9), Condition::kClear);
  Thresholds down{.below = 0.1, .resolve_above = 0.2};
  EXPECT_EQ(down.Evaluate(0.05), Condition::kActive);
  EXPECT_EQ(down.Evaluate(0.15), Condition::kHold);
  EXPECT_EQ(down.Evaluate(0.25), Condition::kClear);
  Thresholds plain{.above = 5};
  EXPECT_EQ(plain.Evaluate(5), Condition::kClear);
  EXPECT_EQ(plain.Evaluate(std::nan("")), Condition::kClear);
  EXPECT_EQ(Thresholds{}.Evaluate(1), Condition::kActive);
  EXPECT_EQ(Thresholds{}.Evaluate(0), Condition::kClear);
  EXPECT_NE((Thresholds{.above = 1, .below = 2}).Validate(), "");
  EXPECT_NE((Thresholds{.resolve_below = 1}).Validate(), "");
}

constexpr int64_t kSecond = 1'000'000'000;

TEST(SlidingWindow, CountsPerLabelSetAndExpires) {
  SlidingWindow w(std::chrono::seconds(60), 10);  // 1s slices
  int64_t t0 = 1'700'000'000 * kSecond;
  alerting::Labels a = {{"service", "a"}}, b = {{"service", "b"}};
  for (int i = 0; i < 5; ++i) w.Add(a, t0 + i * kSecond, t0 + i * kSecond, std::nullopt);
  w.Add(b, t0, t0, 7.0);
  EXPECT_EQ(w.entries().at(a).count, 5);
  EXPECT_EQ(w.entries().at(b).last_value, 7.0);
  // Matches leave the window a slice after `window` at the latest.
  w.Expire(t0 + 61 * kSecond);
  EXPECT_EQ(w.entries().at(a).count, 4);
  EXPECT_EQ(w.entries().count(b), 0u);
  w.Expire(t0 + 65 * kSecond);
  EXPECT_TRUE(w.entries().empty());
  // A time already out of the window does not count; a future one counts as now.
  EXPECT_EQ(w.Add(a, t0, t0 + 120 * kSecond, std::nullopt), nullptr);
  EXPECT_NE(w.Add(a, t0 + 999 * kSecond, t0 + 120 * kSecond, std::nullopt), nullptr);
}

TEST(SlidingWindow, LabelSetLimitDropsNewSets) {
  SlidingWindow w(std::chrono::seconds(60), 2);
  int64_t now = 1'700'000'000 * kSecond;
  for (int i = 0; i < 5; ++i) w.Add({{"k", std::to_string(i)}}, now, now, std::nullopt);
  EXPECT_EQ(w.entries().size(), 2u);
  EXPECT_EQ(w.dropped(), 3);
}

TEST(FormatNumber, ShortestText) {
  EXPECT_EQ(FormatNumber(25), "25");
  EXPECT_EQ(FormatNumber(0.1), "0.1");
  EXPECT_EQ(FormatNumber(-2.5), "-2.5");
  EXPECT_EQ(FormatNumber(1.0 / 3), "0.3333333333333333");
}

}  // namespace
}  // namespace nightjar::collector::rules
