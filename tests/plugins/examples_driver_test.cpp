// Loads the sdk/examples plugins that sdk_install_test.sh built out of tree against the
// installed SDK, and calls each one's hook through the plugin host, as the collector would.
// Run by that script (it sets NJ_EXAMPLES_DIR); not a test on its own.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "elf_symbols.h"
#include "plugin_host/plugin_host.h"
#include "plugin_test_support.h"

namespace nightjar::plugins {
namespace {

using testing::Scalars;

std::string Example(const std::string& name) {
  const char* dir = std::getenv("NJ_EXAMPLES_DIR");
  EXPECT_NE(dir, nullptr) << "run through tests/plugins/sdk_install_test.sh";
  return std::string(dir != nullptr ? dir : "/nonexistent") + "/" + name + "/" + name + ".so";
}

std::unique_ptr<PluginHost> Start(const std::string& example, const std::string& plugin,
                                  OptionInputs options) {
  return testing::StartInstance(Example(example), plugin, std::move(options));
}

TEST(SdkExamples, ExportOnlyTheEntrySymbol) {
  for (const char* name : {"hello_classifier", "threshold_detector", "file_notifier"}) {
    auto symbols = testing::ExportedSymbols(Example(name));
    ASSERT_TRUE(symbols.ok()) << symbols.status().ToString();
    EXPECT_EQ(*symbols, (std::vector<std::string>{"nj_plugin_entry"})) << name;
  }
}

TEST(SdkExamples, HelloClassifierLabelsGreetings) {
  auto host = Start("hello_classifier", "hello", Scalars({{"word", "bonjour"}}));
  EXPECT_EQ(
      testing::Label(host->Classify(testing::Record("bonjour tout le monde"), {}), "log.class"),
      "greeting");
  EXPECT_TRUE(host->Classify(testing::Record("hello"), {}).empty());
}

TEST(SdkExamples, ThresholdDetectorFlagsValuesBeyondItsThresholds) {
  auto host = Start("threshold_detector", "threshold", Scalars({{"above", "90"}, {"below", "5"}}));
  SeriesPoint point;
  point.metric_name = "cpu";
  point.value = 97.5;
  std::vector<Detection> out = host->Detect(point);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].anomalous);
  EXPECT_EQ(out[0].reason, "97.5 is above 90");
  EXPECT_DOUBLE_EQ(out[0].score, 7.5);
  point.value = 50;
  EXPECT_FALSE(host->Detect(point).at(0).anomalous);
  point.value = 1;
  EXPECT_EQ(host->Detect(point).at(0).reason, "1 is below 5");
  EXPECT_TRUE(host->Stats().at(0).thread_safe);
}

TEST(SdkExamples, FileNotifierAppendsNotifications) {
  testing::TempDir dir;
  std::string path = dir.path() + "/notifications.log";
  auto host = Start("file_notifier", "file_notifier", Scalars({{"path", path}}));
  Notification n;
  n.group_key = "cpu";
  n.alerts.resize(1);
  n.alerts[0].labels = {{"alertname", "HighCPU"}};
  auto outcome = host->Notify("file_notifier", n);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->kind, NotifyOutcome::Kind::kDelivered) << outcome->message;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "firing cpu alerts=1 HighCPU\n");

  auto unwritable = Start("file_notifier", "file_notifier",
                          Scalars({{"path", dir.path() + "/missing/dir/x.log"}}));
  auto failed = unwritable->Notify("file_notifier", n);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->kind, NotifyOutcome::Kind::kFailed);
}

}  // namespace
}  // namespace nightjar::plugins
