// The header-only C++ wrapper (nightjar/plugin.hpp), through a plugin written with it
// (fixtures/fixture_cpp.cpp): the descriptor it builds, typed options, the logger, views of the
// record, and exceptions turned into error returns at the boundary.
#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "base/logging.h"
#include "plugin_host/plugin_host.h"
#include "plugin_host/plugin_library.h"
#include "plugin_test_support.h"

namespace nightjar::plugins {
namespace {

using testing::Attribute;
using testing::Contains;
using testing::Label;
using testing::Record;
using testing::Scalars;

std::unique_ptr<PluginHost> StartCpp(OptionInputs options) {
  return PluginHost::Start(
      testing::OneInstance(testing::FixturePath("cpp"), "cpp_fixture", std::move(options), "cpp"));
}

TEST(PluginWrapper, BuildsTheDescriptorFromTheClass) {
  auto library = PluginLibrary::Load(testing::FixturePath("cpp"));
  ASSERT_TRUE(library.ok()) << library.status().ToString();
  EXPECT_EQ((*library)->name(), "cpp_fixture");
  EXPECT_EQ((*library)->version(), "2.1.0");
  EXPECT_EQ((*library)->description(), "Exercises the C++ wrapper.");
  EXPECT_EQ((*library)->kind_name(), "classifier");
  EXPECT_FALSE((*library)->thread_safe());
  const auto& options = (*library)->options();
  ASSERT_EQ(options.size(), 8u);
  EXPECT_EQ(options[1].name, "limit");
  EXPECT_EQ(options[1].type, static_cast<uint32_t>(NJ_OPTION_INT));
  EXPECT_EQ(options[1].max_value, 100);
  EXPECT_EQ(options[4].type, static_cast<uint32_t>(NJ_OPTION_DURATION));
  EXPECT_TRUE(options[7].secret());
  EXPECT_FALSE(options[7].default_value.has_value());
}

TEST(PluginWrapper, GivesTypedOptionsAndViewsOfTheRecord) {
  OptionInputs options = Scalars({{"greeting", "hi"}, {"weight", "0.25"}, {"token", "t"}});
  options.emplace_back("words", OptionInput::List({"a", "b"}));
  options.emplace_back("pairs", OptionInput::Map({{"k", "v"}}));
  auto host = StartCpp(options);
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  otlp::LogRecord record = Record("body");
  record.attributes.push_back({"user", otlp::AnyValue("ada")});
  otlp::Attributes resource = {{"service.name", otlp::AnyValue("checkout")}};
  Classification c = host->Classify(record, resource);
  EXPECT_EQ(Label(c, "greeting"), "hi");
  EXPECT_EQ(Label(c, "user"), "ada");
  EXPECT_EQ(Label(c, "service"), "checkout");
  ASSERT_NE(Attribute(c, "limit"), nullptr);
  EXPECT_EQ(Attribute(c, "limit")->int_value(), 5);
  EXPECT_EQ(Attribute(c, "weight")->double_value(), 0.25);
  EXPECT_TRUE(Attribute(c, "has_token")->bool_value());
  EXPECT_EQ(Attribute(c, "period_ms")->int_value(), 60000);
  EXPECT_EQ(Attribute(c, "words")->string_value(), "a;b;");
  EXPECT_EQ(Attribute(c, "pairs")->string_value(), "k:v;");
  EXPECT_EQ(Attribute(c, "instance")->string_value(), "cpp");
  EXPECT_TRUE(Attribute(c, "now_set")->bool_value());
}

TEST(PluginWrapper, TurnsExceptionsIntoErrorsAtTheBoundary) {
  auto host = StartCpp({});
  EXPECT_TRUE(host->Classify(Record("throw"), {}).empty());
  EXPECT_EQ(host->Stats().at(0).instances.at(0).error, "classify threw");
  EXPECT_TRUE(host->Classify(Record("throw_int"), {}).empty());
  EXPECT_EQ(host->Stats().at(0).instances.at(0).error, "unknown exception");
  // The instance is still there and works.
  EXPECT_EQ(Label(host->Classify(Record("fine"), {}), "greeting"), "hello");
  EXPECT_EQ(host->Stats().at(0).instances.at(0).errors, 2u);
}

std::string CreateProblem(OptionInputs options) {
  auto host = StartCpp(std::move(options));
  EXPECT_EQ(host->problems().size(), 1u);
  return host->problems().empty() ? "" : host->problems()[0];
}

TEST(PluginWrapper, AConstructorThatThrowsFailsCreateWithItsMessage) {
  EXPECT_TRUE(Contains(CreateProblem(Scalars({{"throw_in_create", "true"}})),
                       "instance \"cpp\": create failed: constructor refused hello"));
  EXPECT_TRUE(Contains(CreateProblem(Scalars({{"greeting", "undeclared"}})),
                       "create failed: option \"nope\" is not declared in kOptions"));
  EXPECT_TRUE(Contains(CreateProblem(Scalars({{"greeting", "wrong_type"}})),
                       "create failed: option \"greeting\" is read with the wrong type"));
}

TEST(PluginWrapper, LogsThroughTheHostTaggedWithPluginAndInstance) {
  std::mutex mutex;
  std::vector<std::string> lines;
  log::SetSinkForTesting([&](std::string_view line) {
    std::lock_guard<std::mutex> lock(mutex);
    lines.emplace_back(line);
  });
  auto host = StartCpp({});
  host->Classify(Record("log"), {});
  log::SetSinkForTesting(nullptr);
  auto has = [&](std::string_view a, std::string_view b) {
    for (const std::string& l : lines) {
      if (Contains(l, a) && Contains(l, b) && Contains(l, "plugin=cpp_fixture") &&
          Contains(l, "instance=cpp")) {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(has("INFO", "cpp fixture created"));
  EXPECT_TRUE(has("WARN", "warned from classify"));
}

}  // namespace
}  // namespace nightjar::plugins
