// The rule tester: every example rule under lua/examples passes its own test file, and a wrong
// expectation fails with a diff that names what differs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rules/rule_test_file.h"
#include "rules/rule_tester.h"
#include "test_util.h"

namespace nightjar::collector::rules {
namespace {

using testing::TempDir;

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::vector<std::string> ExampleTests() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(NJ_LUA_EXAMPLES_DIR)) {
    if (e.path().string().ends_with("_test.yaml")) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(RuleTester, EveryExampleRulePassesItsTests) {
  std::vector<std::string> files = ExampleTests();
  ASSERT_GE(files.size(), 4u);
  for (const std::string& f : files) {
    std::ostringstream out;
    RuleTestSummary s = RunRuleTestFile(f, RulesConfig{}, out);
    EXPECT_TRUE(s.ok()) << out.str();
    EXPECT_GT(s.passed, 0) << f;
  }
}

TEST(RuleTester, EveryExampleHasATestFile) {
  for (const auto& e : std::filesystem::directory_iterator(NJ_LUA_EXAMPLES_DIR)) {
    if (e.path().extension() != ".lua") continue;
    std::string test = e.path().parent_path() / (e.path().stem().string() + "_test.yaml");
    EXPECT_TRUE(std::filesystem::exists(test)) << e.path() << " has no " << test;
  }
}

TEST(RuleTester, WrongExpectationFailsWithADiff) {
  TempDir dir;
  Write(dir.File("r.lua"), R"(
rule { name = "Boom", labels = { team = "core" },
       annotations = { summary = "{{ $labels.service }} said boom {{ $value }} times" },
       on_log = function(r) if r.body:find("boom") then return { service = r.service } end end }
)");
  Write(dir.File("r_test.yaml"), R"(
rule_files: [r.lua]
tests:
  - name: wrong on purpose
    logs:
      - {at: 0s, service: api, severity: error, body: "boom", repeat: 2}
    expect:
      - at: 10s
        alertname: Boom
        alerts:
          - labels: {service: web, team: core}
          - labels: {service: api, team: core}
            state: pending
            annotations: {summary: "api said boom 3 times"}
)");
  std::ostringstream out;
  RuleTestSummary s = RunRuleTestFile(dir.File("r_test.yaml"), RulesConfig{}, out);
  EXPECT_EQ(s.failed, 1);
  EXPECT_EQ(s.passed, 0);
  std::string text = out.str();
  EXPECT_NE(text.find("FAIL"), std::string::npos) << text;
  EXPECT_NE(text.find("missing:    {alertname=\"Boom\", service=\"web\", team=\"core\"} firing"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("state: want pending, got firing"), std::string::npos) << text;
  EXPECT_NE(text.find("annotation summary: want \"api said boom 3 times\", got \"api said boom 2 "
                      "times\""),
            std::string::npos)
      << text;

  // The same file through the command: exit status 1.
  std::ostringstream cli;
  EXPECT_EQ(TestRulesMain({dir.File("r_test.yaml")}, cli), 1);
  EXPECT_NE(cli.str().find("0 passed, 1 failed"), std::string::npos) << cli.str();
}

TEST(RuleTester, CommandPassesOnGoodFilesAndRejectsNoArguments) {
  std::ostringstream out;
  EXPECT_EQ(TestRulesMain(ExampleTests(), out), 0) << out.str();
  std::ostringstream usage;
  EXPECT_EQ(TestRulesMain({}, usage), 2);
}

TEST(RuleTester, BrokenRuleFileFailsTheTestWithItsLocation) {
  TempDir dir;
  Write(dir.File("bad.lua"), "rule { name = 'X', on_log = function(r) return true end\n");
  Write(dir.File("bad_test.yaml"),
        "rule_files: [bad.lua]\ntests:\n  - name: t\n    expect: [{at: 0s, alerts: []}]\n");
  std::ostringstream out;
  EXPECT_FALSE(RunRuleTestFile(dir.File("bad_test.yaml"), RulesConfig{}, out).ok());
  EXPECT_NE(out.str().find("bad.lua:"), std::string::npos) << out.str();
}

TEST(RuleTester, SeriesNotationExpands) {
  auto v = ParseSeriesValues("1 _ 2x2 10+5x2 3-1x1 1e3");
  ASSERT_TRUE(v.ok()) << v.status().message();
  std::vector<std::optional<double>> want = {1, std::nullopt, 2, 2, 2, 10, 15, 20, 3, 2, 1000};
  EXPECT_EQ(*v, want);
  EXPECT_FALSE(ParseSeriesValues("1 x").ok());
  EXPECT_FALSE(ParseSeriesValues("abc").ok());
}

TEST(RuleTester, TestFileErrorsHaveLines) {
  TempDir dir;
  Write(dir.File("t.yaml"), "rule_files: [a.lua]\ntests:\n  - name: t\n    expct: []\n");
  auto f = ParseRuleTestFile(dir.File("t.yaml"));
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("t.yaml:4"), std::string::npos) << f.status().message();
}

}  // namespace
}  // namespace nightjar::collector::rules
