// End-to-end tests of plugins in the real nightjar-collector binary: a configuration that loads
// the severity and zscore plugins (next to a plugin file that cannot be loaded) classifies and
// detects; --check-config loads the plugins too, names a bad option with file:line:column and
// fails, and only reports a stray bad file.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "collector_process.h"
#include "http_client.h"
#include "otlp/codec.h"
#include "test_util.h"

namespace nightjar::collector {
namespace {

using testing::CollectorProcess;
using testing::Get;
using testing::kMinute;
using testing::kT0;
using testing::Post;

constexpr const char* kProto = "application/x-protobuf";

rapidjson::Document Json(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  return d;
}

// Returns a `plugins:` section loading the first-party plugins from their build outputs and
// every *.so of `directory`, with `instances` (items of plugins.instances).
std::string PluginsSection(const std::string& directory, const std::string& instances) {
  return "plugins:\n  directory: " + directory +
         "\n  paths:\n    - " NJ_SEVERITY_PLUGIN "\n    - " NJ_ZSCORE_PLUGIN "\n  instances:\n" +
         instances;
}

constexpr const char* kInstances = R"(    - plugin: severity
    - plugin: zscore
      name: spikes
      options:
        warmup: 10
        window: 30
)";

// Writes a file that is not a shared library into `dir` as bad.so.
std::string WriteBadPlugin(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "bad.so") << "not a shared library\n";
  return (dir / "bad.so").string();
}

TEST(CollectorPlugins, ClassifiesAndDetectsInTheRealBinary) {
  testing::TempDir dir;
  std::string bad = WriteBadPlugin(dir.path() / "plugins");
  CollectorProcess p(dir.path().string());
  ASSERT_TRUE(p.Start("retention:\n  logs: 36500d\n  metrics: 36500d\n" +
                      PluginsSection((dir.path() / "plugins").string(), kInstances)))
      << p.error();

  // A record without severity and "ERROR" in its body.
  otlp::LogsData logs = testing::Logs("svc", 1, kT0);
  otlp::LogRecord& r = logs.resource_logs[0].scope_logs[0].log_records[0];
  r.body = otlp::AnyValue("ERROR payment: deadline exceeded calling the bank");
  r.severity_number = 0;
  r.severity_text.clear();
  ASSERT_EQ(
      Post(p.otlp_port(), "/v1/logs", kProto, otlp::EncodeLogs(logs, otlp::Encoding::kProtobuf))
          .status,
      200);
  rapidjson::Document d = Json(Get(p.api_port(), "/api/v1/logs?label.log.class=timeout").body);
  ASSERT_TRUE(d.HasMember("logs"));
  ASSERT_EQ(d["logs"].Size(), 1u);
  EXPECT_EQ(d["logs"][0]["severity_number"].GetInt(), 17);

  // A spike in a calm series.
  std::vector<double> values;
  for (int i = 0; i < 20; ++i) values.push_back(i % 2 == 0 ? 50 : 52);
  values.push_back(500);
  ASSERT_EQ(Post(p.otlp_port(), "/v1/metrics", kProto,
                 otlp::EncodeMetrics(testing::GaugeSeries("queue.depth", "q1", values, kT0),
                                     otlp::Encoding::kProtobuf))
                .status,
            200);
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        d = Json(Get(p.api_port(), "/api/v1/anomalies?metric=queue.depth").body);
        return d.HasMember("anomalies") && d["anomalies"].Size() == 1;
      },
      std::chrono::seconds(20)))
      << p.log();
  EXPECT_EQ(d["anomalies"][0]["value"].GetDouble(), 500);
  EXPECT_STREQ(d["anomalies"][0]["time_unix_nano"].GetString(),
               std::to_string(kT0 + 20 * kMinute).c_str());

  // The bad file is refused, logged and listed; the rest runs.
  d = Json(Get(p.api_port(), "/api/v1/plugins").body);
  bool listed = false;
  for (const auto& plugin : d["plugins"].GetArray()) {
    if (bad == plugin["path"].GetString()) {
      listed = true;
      EXPECT_STREQ(plugin["state"].GetString(), "failed");
    }
  }
  EXPECT_TRUE(listed);
  std::string log = p.log();
  EXPECT_NE(log.find("refused a plugin file"), std::string::npos) << log;
  EXPECT_NE(log.find("plugins started without the refused ones"), std::string::npos) << log;
  std::string metrics = Get(p.api_port(), "/metrics").body;
  EXPECT_NE(
      metrics.find("nightjar_plugin_calls_total{plugin=\"severity\",instance=\"severity\"} 1"),
      std::string::npos);
  EXPECT_EQ(p.Stop(SIGTERM), 0) << p.log();
}

TEST(CollectorPlugins, CheckConfigNamesABadOptionWithItsLineAndFails) {
  testing::TempDir dir;
  std::string config = dir.File("collector.yaml");
  std::string yaml = PluginsSection("\"\"", R"(    - plugin: severity
    - plugin: zscore
      options:
        window: 60
        treshold: 4
)");
  std::ofstream(config) << yaml;
  // Where "treshold: 4" puts its value, counted in the text written.
  size_t at = yaml.find("treshold: 4");
  int line =
      1 + static_cast<int>(std::count(yaml.begin(), yaml.begin() + static_cast<long>(at), '\n'));
  int column =
      static_cast<int>(at - yaml.rfind('\n', at)) + static_cast<int>(sizeof("treshold: ") - 1);
  std::string out;
  EXPECT_EQ(
      testing::RunCollector({"--config", config, "--check-config"}, dir.path().string(), &out), 2)
      << out;
  std::string expected = config + ":" + std::to_string(line) + ":" + std::to_string(column) +
                         ": plugins.instances[1].options.treshold: unknown option (did you mean "
                         "\"threshold\"?)";
  EXPECT_NE(out.find(expected), std::string::npos) << "expected: " << expected << "\n" << out;
  EXPECT_NE(out.find("1 configured plugin instance(s) refused"), std::string::npos) << out;
}

TEST(CollectorPlugins, CheckConfigOnlyReportsAStrayBadPluginFile) {
  testing::TempDir dir;
  std::string bad = WriteBadPlugin(dir.path() / "plugins");
  std::string config = dir.File("collector.yaml");
  std::ofstream(config) << PluginsSection((dir.path() / "plugins").string(), kInstances);
  std::string out;
  EXPECT_EQ(
      testing::RunCollector({"--config", config, "--check-config"}, dir.path().string(), &out), 0)
      << out;
  EXPECT_NE(out.find("nightjar-collector: " + bad + ": "), std::string::npos) << out;
  EXPECT_NE(out.find("is valid (plugins: 2 loaded, 2 instance(s) ready)"), std::string::npos)
      << out;
}

TEST(CollectorPlugins, StartsWithoutARefusedInstanceAndRunsTheRest) {
  testing::TempDir dir;
  CollectorProcess p(dir.path().string());
  ASSERT_TRUE(p.Start(PluginsSection("\"\"", R"(    - plugin: severity
    - plugin: zscore
      options: {window: 2}
)"))) << p.error();
  rapidjson::Document d = Json(Get(p.api_port(), "/api/v1/plugins").body);
  ASSERT_TRUE(d.HasMember("plugins"));
  std::map<std::string, std::string> states;
  for (const auto& plugin : d["plugins"].GetArray()) {
    for (const auto& instance : plugin["instances"].GetArray()) {
      states[instance["name"].GetString()] = instance["state"].GetString();
    }
  }
  EXPECT_EQ(states,
            (std::map<std::string, std::string>{{"severity", "running"}, {"zscore", "failed"}}));
  EXPECT_NE(p.log().find("refused a plugin instance"), std::string::npos) << p.log();
  EXPECT_EQ(Get(p.api_port(), "/readyz").status, 200);
  EXPECT_EQ(p.Stop(SIGTERM), 0) << p.log();
}

}  // namespace
}  // namespace nightjar::collector
