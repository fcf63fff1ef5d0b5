// The `plugins:` configuration section: structure errors with line and column, options collected
// as written and judged later against the plugin's table, with the option's place in messages.
#include "plugin_host/plugin_host_config.h"

#include <gtest/gtest.h>

#include "plugin_host/plugin_host.h"
#include "plugin_test_support.h"

namespace nightjar::plugins {
namespace {

using testing::Contains;

ConfigNode Load(const std::string& yaml) {
  auto root = ConfigNode::LoadString(yaml, "collector.yaml");
  EXPECT_TRUE(root.ok()) << root.status().ToString();
  return *root;
}

TEST(PluginHostConfig, ReadsEverySetting) {
  ConfigNode root = Load(R"(
plugins:
  directory: /usr/lib/nightjar/plugins
  paths: [/opt/a.so, /opt/b.so]
  suspend: {after_failures: 3, initial: 2s, max: 1m}
  instances:
    - plugin: severity
      options:
        mode: always
        keywords: {timeout: "timed out|deadline"}
        tags: [a, b]
    - plugin: zscore
      name: cpu
      match: "system.cpu.*"
      enabled: false
      options: {threshold: 4}
)");
  PluginHostConfig config = ReadPluginHostConfig(root.Child("plugins"));
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(config.directory, "/usr/lib/nightjar/plugins");
  EXPECT_EQ(config.paths, (std::vector<std::string>{"/opt/a.so", "/opt/b.so"}));
  EXPECT_EQ(config.suspend.after_failures, 3u);
  EXPECT_EQ(config.suspend.initial, std::chrono::seconds(2));
  EXPECT_EQ(config.suspend.max, std::chrono::minutes(1));
  ASSERT_EQ(config.instances.size(), 2u);
  const InstanceConfig& severity = config.instances[0];
  EXPECT_EQ(severity.name, "severity");  // defaults to the plugin's name
  EXPECT_EQ(severity.where, "collector.yaml: plugins.instances[0]");
  ASSERT_EQ(severity.options.size(), 3u);
  EXPECT_EQ(severity.options[0].first, "mode");
  EXPECT_EQ(severity.options[0].second.scalar, "always");
  EXPECT_EQ(severity.options[0].second.where, "collector.yaml: plugins.instances[0].options.mode");
  EXPECT_EQ(severity.options[1].second.shape, OptionInput::Shape::kMap);
  EXPECT_EQ(severity.options[1].second.map, (StringPairs{{"timeout", "timed out|deadline"}}));
  EXPECT_EQ(severity.options[2].second.list, (std::vector<std::string>{"a", "b"}));
  const InstanceConfig& cpu = config.instances[1];
  EXPECT_EQ(cpu.name, "cpu");
  EXPECT_FALSE(cpu.enabled);
  EXPECT_EQ(cpu.match, (std::vector<std::string>{"system.cpu.*"}));
}

TEST(PluginHostConfig, StructureErrorsHaveLineAndColumn) {
  ConfigNode root = Load("plugins:\n  directroy: /x\n");
  ReadPluginHostConfig(root.Child("plugins"));
  EXPECT_EQ(root.status().message(),
            "collector.yaml:2:3: plugins.directroy: unknown key (did you mean \"directory\"?)");

  root = Load("plugins:\n  instances:\n    - name: x\n");
  ReadPluginHostConfig(root.Child("plugins"));
  EXPECT_TRUE(Contains(root.status().message(), "plugins.instances[0].plugin: is required"))
      << root.status().message();

  root = Load("plugins:\n  instances:\n    - plugin: a\n    - plugin: a\n");
  ReadPluginHostConfig(root.Child("plugins"));
  EXPECT_TRUE(Contains(root.status().message(),
                       "collector.yaml:4:15: plugins.instances[1].plugin: instance name \"a\" is "
                       "already used by collector.yaml: plugins.instances[0]"))
      << root.status().message();

  root = Load("plugins:\n  suspend: {initial: 0s}\n");
  ReadPluginHostConfig(root.Child("plugins"));
  EXPECT_TRUE(Contains(root.status().message(), "plugins.suspend.initial: must be longer than 0s"))
      << root.status().message();
}

TEST(PluginHostConfig, BadOptionShapesRefuseOnlyTheirInstance) {
  ConfigNode root = Load(R"(
plugins:
  instances:
    - plugin: fixture
      name: nested
      options:
        word: x
        tags: [{a: 1}]
    - plugin: fixture
      name: fine
      options: {word: fine}
)");
  PluginHostConfig config = ReadPluginHostConfig(root.Child("plugins"));
  // Option shapes are not the document's business: only the plugin's table can judge them.
  EXPECT_TRUE(root.ok()) << root.status().ToString();
  config.paths.push_back(testing::FixturePath("good"));
  auto host = PluginHost::Start(config);
  ASSERT_EQ(host->problems().size(), 1u);
  EXPECT_TRUE(Contains(host->problems()[0],
                       "collector.yaml: plugins.instances[0].options.tags: item 0 must be a "
                       "string, got a mapping"))
      << host->problems()[0];
  EXPECT_EQ(testing::Label(host->Classify(testing::Record("x"), {}), "fixture.word"), "fine");
}

TEST(PluginHostConfig, OptionErrorsNameTheirPlaceInTheFile) {
  ConfigNode root = Load(R"(
plugins:
  instances:
    - plugin: fixture
      options:
        word: x
        cuont: 3
)");
  PluginHostConfig config = ReadPluginHostConfig(root.Child("plugins"));
  config.paths.push_back(testing::FixturePath("good"));
  auto host = PluginHost::Start(config);
  ASSERT_EQ(host->problems().size(), 1u);
  EXPECT_EQ(host->problems()[0],
            "collector.yaml: plugins.instances[0].options.cuont: unknown option (did you mean "
            "\"count\"?); known options: word, count, ratio, flag, timeout, tags, extra, secret, "
            "fail_create, mode [plugin fixture, " +
                testing::FixturePath("good") + "]");
}

TEST(PluginHostConfig, ExpandsEnvironmentVariablesInOptions) {
  setenv("NJ_TEST_PLUGIN_WORD", "from-env", 1);
  ConfigNode root = Load(R"(
plugins:
  instances:
    - plugin: fixture
      options: {word: "${NJ_TEST_PLUGIN_WORD}", extra: {k: "${NJ_TEST_UNSET:-fallback}"}}
)");
  PluginHostConfig config = ReadPluginHostConfig(root.Child("plugins"));
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  config.paths.push_back(testing::FixturePath("good"));
  auto host = PluginHost::Start(config);
  Classification c = host->Classify(testing::Record("x"), {});
  EXPECT_EQ(testing::Label(c, "fixture.word"), "from-env");
  const otlp::AnyValue* extra = testing::Attribute(c, "opt.extra");
  ASSERT_NE(extra, nullptr);
  EXPECT_EQ(extra->string_value(), "k=fallback");
}

}  // namespace
}  // namespace nightjar::plugins
