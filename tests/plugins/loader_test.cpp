// Loading plugins: one fixture per reason a plugin or an instance is refused, each checked for
// a message that names the file and the reason; and a bad plugin never stopping the others.
#include <gtest/gtest.h>

#include "plugin_host/plugin_host.h"
#include "plugin_host/plugin_library.h"
#include "plugin_test_support.h"

namespace nightjar::plugins {
namespace {

using testing::Contains;
using testing::FixturePath;
using testing::Record;
using testing::Scalars;

// Loads a fixture that must be refused and returns the message.
std::string Refusal(const std::string& fixture) {
  std::string path = FixturePath(fixture);
  auto loaded = PluginLibrary::Load(path);
  EXPECT_FALSE(loaded.ok()) << fixture << " was accepted";
  if (loaded.ok()) return "";
  std::string message = loaded.status().message();
  EXPECT_EQ(message.rfind(path + ": ", 0), 0u)
      << "the message must start with the file: " << message;
  return message;
}

TEST(PluginLoader, LoadsAWellFormedPlugin) {
  auto loaded = PluginLibrary::Load(FixturePath("good"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const PluginLibrary& library = **loaded;
  EXPECT_EQ(library.name(), "fixture");
  EXPECT_EQ(library.version(), "0.0.1");
  EXPECT_EQ(library.kind_name(), "classifier");
  EXPECT_FALSE(library.thread_safe());
  EXPECT_EQ(library.abi_major(), static_cast<uint32_t>(NJ_PLUGIN_ABI_MAJOR));
  ASSERT_EQ(library.options().size(), 10u);
  EXPECT_EQ(library.options()[0].name, "word");
  EXPECT_TRUE(library.options()[0].required());
  EXPECT_EQ(library.options()[1].default_value, "3");
  EXPECT_TRUE(library.options()[7].secret());
  EXPECT_EQ(library.options()[9].choices, (std::vector<std::string>{"fast", "slow"}));
}

TEST(PluginLoader, RefusesAFileThatIsNotASharedLibrary) {
  testing::TempDir dir;
  std::string path = dir.Write("bogus.so", "this is not an ELF file\n");
  auto loaded = PluginLibrary::Load(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(Contains(loaded.status().message(), path + ": cannot load: "))
      << loaded.status().message();
}

TEST(PluginLoader, RefusesAMissingFile) {
  auto loaded = PluginLibrary::Load("/nonexistent/nothing.so");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(Contains(loaded.status().message(), "/nonexistent/nothing.so: cannot load"));
}

TEST(PluginLoader, RefusesAPluginWithoutTheEntrySymbol) {
  std::string message = Refusal("no_entry");
  EXPECT_TRUE(Contains(message, "does not export the entry symbol \"nj_plugin_entry\"")) << message;
}

TEST(PluginLoader, RefusesAnEntryThatReturnsNoDescriptor) {
  std::string message = Refusal("null_descriptor");
  EXPECT_TRUE(Contains(message, "nj_plugin_entry() returned no descriptor")) << message;
}

TEST(PluginLoader, RefusesAnotherAbiMajorNamingBothVersions) {
  std::string message = Refusal("abi_major");
  std::string theirs =
      std::to_string(NJ_PLUGIN_ABI_MAJOR + 1) + "." + std::to_string(NJ_PLUGIN_ABI_MINOR);
  std::string ours =
      std::to_string(NJ_PLUGIN_ABI_MAJOR) + "." + std::to_string(NJ_PLUGIN_ABI_MINOR);
  EXPECT_TRUE(Contains(message, "built for plugin ABI " + theirs)) << message;
  EXPECT_TRUE(Contains(message, "this collector speaks ABI " + ours)) << message;
}

TEST(PluginLoader, RefusesANewerMinorNamingBothVersions) {
  std::string message = Refusal("abi_minor");
  std::string theirs =
      std::to_string(NJ_PLUGIN_ABI_MAJOR) + "." + std::to_string(NJ_PLUGIN_ABI_MINOR + 1);
  std::string ours =
      std::to_string(NJ_PLUGIN_ABI_MAJOR) + "." + std::to_string(NJ_PLUGIN_ABI_MINOR);
  EXPECT_TRUE(Contains(message, "built for plugin ABI " + theirs +
                                    ", newer than this "
                                    "collector's ABI " +
                                    ours))
      << message;
}

TEST(PluginLoader, RefusesATooSmallDescriptor) {
  std::string message = Refusal("small_descriptor");
  EXPECT_TRUE(Contains(message, "the descriptor is 64 bytes, smaller than the " +
                                    std::to_string(sizeof(nj_plugin_descriptor)) + " bytes"))
      << message;
}

TEST(PluginLoader, RefusesADescriptorTooSmallToHoldItsVersion) {
  std::string message = Refusal("tiny_descriptor");
  EXPECT_TRUE(Contains(message,
                       "the descriptor is 8 bytes, too small to hold even the ABI "
                       "version"))
      << message;
}

TEST(PluginLoader, RefusesTooSmallOptionEntries) {
  std::string message = Refusal("small_option");
  EXPECT_TRUE(Contains(message, "option table entries are 16 bytes, smaller than")) << message;
}

TEST(PluginLoader, RefusesAMissingHook) {
  std::string message = Refusal("no_hook");
  EXPECT_TRUE(Contains(message, "plugin \"fixture\" is a classifier but has no classify hook"))
      << message;
}

TEST(PluginLoader, RefusesAMissingCreate) {
  std::string message = Refusal("no_create");
  EXPECT_TRUE(Contains(message, "is missing its create function")) << message;
}

TEST(PluginLoader, RefusesAHookOfAnotherKind) {
  std::string message = Refusal("extra_hook");
  EXPECT_TRUE(Contains(message, "is a detector but also sets the classify hook")) << message;
}

TEST(PluginLoader, RefusesAnUnknownKind) {
  std::string message = Refusal("bad_kind");
  EXPECT_TRUE(Contains(message, "has unknown kind 9")) << message;
}

TEST(PluginLoader, RefusesAnInvalidName) {
  std::string message = Refusal("bad_name");
  EXPECT_TRUE(Contains(message, "invalid plugin name \"Bad Name!\"")) << message;
}

TEST(PluginLoader, RefusesAnOptionTableWithAnInvalidDefault) {
  std::string message = Refusal("bad_default");
  EXPECT_TRUE(Contains(message,
                       "option \"count\" has an invalid default: expected an integer, "
                       "got \"lots\""))
      << message;
}

// ---------------------------------------------------------------------------------------------
// The host: files and instances

TEST(PluginHost, RefusesADuplicateNameAndKeepsTheFirst) {
  PluginHostConfig config =
      testing::OneInstance(FixturePath("good"), "fixture", Scalars({{"word", "hi"}}));
  config.paths.push_back(FixturePath("duplicate_name"));
  auto host = PluginHost::Start(config);
  ASSERT_EQ(host->problems().size(), 1u);
  EXPECT_EQ(host->problems()[0], FixturePath("duplicate_name") +
                                     ": plugin name \"fixture\" is already taken by " +
                                     FixturePath("good") + "; the first one loaded is kept");
  EXPECT_EQ(testing::Label(host->Classify(Record("x"), {}), "fixture.word"), "hi");
  auto stats = host->Stats();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].state, "loaded");
  EXPECT_EQ(stats[1].state, "failed");
  EXPECT_EQ(stats[1].path, FixturePath("duplicate_name"));
}

TEST(PluginHost, LoadsEveryPluginInTheDirectoryAndSurvivesBadOnes) {
  testing::TempDir dir;
  dir.Copy(FixturePath("good"), "a_good.so");
  dir.Copy(FixturePath("detector"), "b_detector.so");
  dir.Copy(FixturePath("notifier"), "c_notifier.so");
  dir.Copy(FixturePath("abi_major"), "d_future.so");
  dir.Copy(FixturePath("no_hook"), "e_no_hook.so");
  dir.Write("f_bogus.so", "garbage");
  dir.Write("README.txt", "not a plugin and not looked at");
  PluginHostConfig config;
  config.directory = dir.path();
  for (const char* plugin : {"fixture", "fixture_detector", "fixture_notifier"}) {
    InstanceConfig instance;
    instance.plugin = plugin;
    instance.name = plugin;
    instance.options = Scalars({{"word", "w"}});
    config.instances.push_back(instance);
  }
  auto host = PluginHost::Start(config);
  ASSERT_EQ(host->problems().size(), 3u);
  EXPECT_TRUE(Contains(host->problems()[0], dir.path() + "/d_future.so: built for plugin ABI"));
  EXPECT_TRUE(Contains(host->problems()[1], dir.path() + "/e_no_hook.so: plugin"));
  EXPECT_TRUE(Contains(host->problems()[2], dir.path() + "/f_bogus.so: cannot load"));
  // Every good plugin runs despite the bad ones.
  EXPECT_EQ(testing::Label(host->Classify(Record("x"), {}), "fixture.word"), "w");
  SeriesPoint point;
  point.metric_name = "m";
  point.value = 42;
  auto detections = host->Detect(point);
  ASSERT_EQ(detections.size(), 1u);
  EXPECT_TRUE(detections[0].anomalous);
  Notification n;
  n.group_key = "ok";
  auto outcome = host->Notify("fixture_notifier", n);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->kind, NotifyOutcome::Kind::kDelivered);
}

TEST(PluginHost, LoadsAFileReachedTwiceOnlyOnce) {
  testing::TempDir dir;
  std::string path = dir.Copy(FixturePath("good"), "good.so");
  PluginHostConfig config;
  config.directory = dir.path();
  config.paths = {path, dir.path() + "/./good.so"};
  auto host = PluginHost::Start(config);
  EXPECT_TRUE(host->problems().empty()) << host->problems()[0];
  EXPECT_EQ(host->Stats().size(), 1u);
}

TEST(PluginHost, AMissingDirectoryIsAProblemNotAFailure) {
  PluginHostConfig config =
      testing::OneInstance(FixturePath("good"), "fixture", Scalars({{"word", "still"}}));
  config.directory = "/nonexistent/plugins";
  auto host = PluginHost::Start(config);
  ASSERT_EQ(host->problems().size(), 1u);
  EXPECT_TRUE(Contains(host->problems()[0], "plugin directory /nonexistent/plugins: "));
  EXPECT_EQ(testing::Label(host->Classify(Record("x"), {}), "fixture.word"), "still");
}

// Starts a host with one instance of the good fixture and returns its only problem.
std::string InstanceProblem(OptionInputs options) {
  auto host = PluginHost::Start(
      testing::OneInstance(FixturePath("good"), "fixture", std::move(options), "one"));
  EXPECT_EQ(host->problems().size(), 1u);
  EXPECT_FALSE(host->has_classifiers());
  if (host->problems().size() != 1) return "";
  std::string problem = host->problems()[0];
  EXPECT_TRUE(Contains(problem, "[plugin fixture, " + FixturePath("good") + "]")) << problem;
  auto stats = host->Stats();
  EXPECT_EQ(stats.at(0).instances.at(0).state, "failed");
  EXPECT_EQ(stats.at(0).instances.at(0).error, problem);
  return problem;
}

TEST(PluginHost, RefusesAnUnknownOptionWithASuggestion) {
  std::string problem = InstanceProblem(Scalars({{"word", "x"}, {"cuont", "2"}}));
  EXPECT_TRUE(Contains(problem,
                       "option \"cuont\": unknown option (did you mean \"count\"?); "
                       "known options: word, count, ratio"))
      << problem;
}

TEST(PluginHost, RefusesAMissingRequiredOption) {
  std::string problem = InstanceProblem(Scalars({{"count", "2"}}));
  EXPECT_TRUE(Contains(problem,
                       "instance \"one\": option \"word\": is required (A word to "
                       "label records with.)"))
      << problem;
}

TEST(PluginHost, RefusesAMistypedOption) {
  std::string problem = InstanceProblem(Scalars({{"word", "x"}, {"count", "many"}}));
  EXPECT_TRUE(Contains(problem, "option \"count\": expected an integer, got \"many\"")) << problem;
  problem = InstanceProblem(Scalars({{"word", "x"}, {"timeout", "soon"}}));
  EXPECT_TRUE(Contains(problem, "option \"timeout\": expected a duration")) << problem;
  OptionInputs list_for_scalar = Scalars({{"word", "x"}});
  list_for_scalar.emplace_back("ratio", OptionInput::List({"1", "2"}));
  problem = InstanceProblem(list_for_scalar);
  EXPECT_TRUE(Contains(problem, "option \"ratio\": expected a number, got a list")) << problem;
}

TEST(PluginHost, RefusesAnOptionOutOfRangeOrNotAmongTheChoices) {
  std::string problem = InstanceProblem(Scalars({{"word", "x"}, {"count", "11"}}));
  EXPECT_TRUE(Contains(problem, "option \"count\": must be between 1 and 10, got 11")) << problem;
  problem = InstanceProblem(Scalars({{"word", "x"}, {"mode", "medium"}}));
  EXPECT_TRUE(Contains(problem, "option \"mode\": expected one of fast, slow, got \"medium\""))
      << problem;
}

TEST(PluginHost, ShowsTheMessageOfAFailingCreate) {
  std::string problem = InstanceProblem(Scalars({{"word", "x"}, {"fail_create", "yes"}}));
  EXPECT_TRUE(Contains(problem, "instance \"one\": create failed: asked to fail")) << problem;
}

TEST(PluginHost, RefusesAnInstanceOfAPluginThatIsNotLoaded) {
  PluginHostConfig config =
      testing::OneInstance(FixturePath("abi_major"), "fixture", Scalars({{"word", "x"}}));
  auto host = PluginHost::Start(config);
  ASSERT_EQ(host->problems().size(), 2u);
  EXPECT_TRUE(Contains(host->problems()[1],
                       "no plugin named \"fixture\" is loaded (loaded: "
                       "none); see the refused plugin files above"))
      << host->problems()[1];
  auto stats = host->Stats();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[1].state, "missing");
  EXPECT_EQ(stats[1].instances.at(0).state, "failed");
}

TEST(PluginHost, OneBadInstanceDoesNotStopTheOthers) {
  PluginHostConfig config = testing::OneInstance(
      FixturePath("good"), "fixture", Scalars({{"word", "bad"}, {"count", "0"}}), "broken");
  InstanceConfig fine;
  fine.plugin = "fixture";
  fine.name = "fine";
  fine.options = Scalars({{"word", "fine"}});
  config.instances.push_back(fine);
  InstanceConfig off = fine;
  off.name = "off";
  off.enabled = false;
  config.instances.push_back(off);
  InstanceConfig same_name = fine;
  config.instances.push_back(same_name);
  auto host = PluginHost::Start(config);
  ASSERT_EQ(host->problems().size(), 2u);
  EXPECT_TRUE(Contains(host->problems()[1], "instance name \"fine\" is already used"));
  EXPECT_EQ(testing::Label(host->Classify(Record("x"), {}), "fixture.word"), "fine");
  auto stats = host->Stats();
  ASSERT_EQ(stats.size(), 1u);
  ASSERT_EQ(stats[0].instances.size(), 4u);
  EXPECT_EQ(stats[0].instances[0].name, "fine");
  EXPECT_EQ(stats[0].instances[0].state, "running");
  EXPECT_EQ(stats[0].instances[1].name, "broken");
  EXPECT_EQ(stats[0].instances[1].state, "failed");
  EXPECT_EQ(stats[0].instances[2].name, "off");
  EXPECT_EQ(stats[0].instances[2].state, "disabled");
  EXPECT_EQ(stats[0].instances[3].state, "failed");
}

TEST(PluginHost, RefusesMatchOnAnythingButADetector) {
  PluginHostConfig config =
      testing::OneInstance(FixturePath("good"), "fixture", Scalars({{"word", "x"}}));
  config.instances[0].match = {"cpu.*"};
  auto host = PluginHost::Start(config);
  ASSERT_EQ(host->problems().size(), 1u);
  EXPECT_TRUE(Contains(host->problems()[0],
                       "`match` applies to detectors only; fixture is a "
                       "classifier"));
}

}  // namespace
}  // namespace nightjar::plugins
