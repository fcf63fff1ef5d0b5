// The rules engine in the real nightjar-collector binary: rules load from the configured
// directory and show in GET /api/v1/rules; a broken file is refused on SIGHUP, on
// POST /api/v1/rules/reload and when the directory changes, while its previous version keeps
// running; --check-config names a broken rule file; `test-rules` runs the example rule tests
// shipped in lua/examples and fails with a diff on a wrong expectation.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "collector_process.h"
#include "http_client.h"
#include "test_util.h"

namespace nightjar::collector {
namespace {

namespace fs = std::filesystem;
using testing::CollectorProcess;
using testing::Get;
using testing::Post;

constexpr const char* kGoodRule = R"lua(
rule {
  name = "Panics",
  labels = { severity = "page" },
  on_log = function(rec)
    if nightjar.contains(rec.body, "panic") then return { service = rec.service } end
  end,
}
)lua";

// A syntax error (reported on line 4, at the closing brace).
constexpr const char* kBrokenRule =
    "rule {\n  name = \"Panics\",\n  on_log = function(rec) if\n}\n";

rapidjson::Document Json(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  return d;
}

// Returns the rule names GET /api/v1/rules lists, and the error of `file` ("" when none).
struct RulesView {
  std::vector<std::string> names;
  std::string file_error;
};
RulesView ReadRules(uint16_t api_port, const std::string& file) {
  RulesView view;
  rapidjson::Document d = Json(Get(api_port, "/api/v1/rules").body);
  if (!d.IsObject()) return view;
  for (const auto& rule : d["rules"].GetArray()) view.names.push_back(rule["name"].GetString());
  for (const auto& f : d["files"].GetArray()) {
    if (f["file"].GetString() == file && f["error"].IsString()) {
      view.file_error = f["error"].GetString();
    }
  }
  return view;
}

class CollectorRules : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(rules_dir()); }
  fs::path rules_dir() const { return dir_.path() / "rules"; }
  void Write(const std::string& name, const std::string& text) {
    // Written beside and renamed in, as editors and config management do.
    fs::path tmp = dir_.path() / (name + ".tmp");
    std::ofstream(tmp) << text;
    fs::rename(tmp, rules_dir() / name);
  }
  std::string Config() const {
    return "rules: {dir: \"" + rules_dir().string() + "\", evaluation_interval: 1s}\n";
  }

  testing::TempDir dir_;
};

TEST_F(CollectorRules, ReloadRefusesABrokenFileAndKeepsThePreviousVersion) {
  Write("panics.lua", kGoodRule);
  fs::create_directories(dir_.path() / "collector");
  CollectorProcess p((dir_.path() / "collector").string());
  ASSERT_TRUE(p.Start(Config())) << p.error();
  EXPECT_EQ(ReadRules(p.api_port(), "panics.lua").names, std::vector<std::string>{"Panics"});

  // A broken version arrives: the directory watcher reloads, refuses it, keeps the old one.
  Write("panics.lua", kBrokenRule);
  ASSERT_TRUE(testing::WaitFor([&] {
    return !ReadRules(p.api_port(), "panics.lua").file_error.empty();
  })) << p.log();
  RulesView view = ReadRules(p.api_port(), "panics.lua");
  EXPECT_NE(view.file_error.find("panics.lua:"), std::string::npos) << view.file_error;
  EXPECT_EQ(view.names, std::vector<std::string>{"Panics"});

  // POST /api/v1/rules/reload says so with 422; SIGHUP logs it.
  testing::HttpResult reload = Post(p.api_port(), "/api/v1/rules/reload", "application/json", "");
  EXPECT_EQ(reload.status, 422) << reload.body;
  kill(p.pid(), SIGHUP);
  ASSERT_TRUE(testing::WaitFor([&] {
    return p.log().find("rule files refused on reload") != std::string::npos;
  })) << p.log();

  // A second file and the fixed first: both run after a reload.
  Write("panics.lua", kGoodRule);
  Write("more.lua",
        std::string(kGoodRule).replace(std::string(kGoodRule).find("Panics"), 6, "MorePanics"));
  reload = Post(p.api_port(), "/api/v1/rules/reload", "application/json", "");
  EXPECT_EQ(reload.status, 200) << reload.body;
  view = ReadRules(p.api_port(), "panics.lua");
  EXPECT_EQ(view.file_error, "");
  EXPECT_EQ(view.names.size(), 2u);
  EXPECT_EQ(p.Stop(SIGTERM), 0) << p.log();
}

TEST_F(CollectorRules, CheckConfigNamesABrokenRuleFile) {
  Write("panics.lua", kBrokenRule);
  std::ofstream(dir_.path() / "collector.yaml") << Config();
  std::string out;
  EXPECT_EQ(testing::RunCollector({"--check-config", "--config", "collector.yaml"},
                                  dir_.path().string(), &out),
            2);
  EXPECT_NE(out.find("panics.lua:4: unexpected symbol"), std::string::npos) << out;

  Write("panics.lua", kGoodRule);
  EXPECT_EQ(testing::RunCollector({"--check-config", "--config", "collector.yaml"},
                                  dir_.path().string(), &out),
            0)
      << out;
}

TEST_F(CollectorRules, TestRulesRunsTheExampleRuleTestsAndFailsWithADiff) {
  fs::path examples = fs::path(NJ_SOURCE_DIR_FOR_TESTS) / "lua" / "examples";
  std::vector<std::string> args = {"test-rules"};
  for (const auto& entry : fs::directory_iterator(examples)) {
    if (entry.path().string().ends_with("_test.yaml")) args.push_back(entry.path().string());
  }
  ASSERT_GE(args.size(), 5u) << "the examples' tests are missing";
  std::string out;
  EXPECT_EQ(testing::RunCollector(args, dir_.path().string(), &out), 0) << out;

  // The same test with a wrong expected annotation: exit 1, and the output shows both values.
  std::ifstream in(examples / "timeout_burst_test.yaml");
  std::stringstream read;
  read << in.rdbuf();
  std::string text = read.str();
  size_t at = text.find("checkout logged 25 timeouts");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 27, "checkout logged 99 timeouts");
  fs::copy_file(examples / "timeout_burst.lua", dir_.path() / "timeout_burst.lua");
  std::ofstream(dir_.path() / "wrong_test.yaml") << text;
  EXPECT_EQ(testing::RunCollector({"test-rules", (dir_.path() / "wrong_test.yaml").string()},
                                  dir_.path().string(), &out),
            1)
      << out;
  EXPECT_NE(out.find("99 timeouts"), std::string::npos) << out;
  EXPECT_NE(out.find("25 timeouts"), std::string::npos) << out;
}

}  // namespace
}  // namespace nightjar::collector
