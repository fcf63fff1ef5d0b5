// Tests of the structured logger's line format.
#include "base/logging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace nightjar::log {
namespace {

using ::testing::ElementsAre;
using ::testing::MatchesRegex;

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetSinkForTesting([this](std::string_view line) { lines_.emplace_back(line); });
    SetLevel(Level::kInfo);
  }
  void TearDown() override {
    SetSinkForTesting(nullptr);
    SetJournalFormat(false);
    SetLevel(Level::kInfo);
  }
  std::vector<std::string> lines_;
};

TEST_F(LoggingTest, JournalFormatCarriesThePriority) {
  SetJournalFormat(true);
  Error("receiver", "request refused", {{"status", 413}, {"peer", "10.0.0.7:5123"}});
  Warning("queue", "queue full");
  EXPECT_THAT(lines_, ElementsAre("<3>receiver: request refused status=413 peer=10.0.0.7:5123",
                                  "<4>queue: queue full"));
}

TEST_F(LoggingTest, HumanFormatHasATimestampAndLevel) {
  SetJournalFormat(false);
  Info("collector", "listening", {{"address", "127.0.0.1:4318"}});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_THAT(lines_[0], MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z INFO collector: "
                                      "listening address=127.0.0.1:4318"));
}

TEST_F(LoggingTest, ValuesWithSpacesOrControlCharactersAreQuoted) {
  SetJournalFormat(true);
  Error("rules", "rule failed", {{"error", "line 3: \"x\" is nil\nstack"}, {"empty", ""}});
  EXPECT_THAT(lines_,
              ElementsAre("<3>rules: rule failed error=\"line 3: \\\"x\\\" is nil\\nstack\" "
                          "empty=\"\""));
}

TEST_F(LoggingTest, LevelFiltersLines) {
  SetJournalFormat(true);
  Debug("x", "hidden");
  SetLevel(Level::kDebug);
  Debug("x", "shown", {{"ok", true}, {"ratio", 0.5}});
  EXPECT_THAT(lines_, ElementsAre("<7>x: shown ok=true ratio=0.5"));
  EXPECT_FALSE((SetLevel(Level::kError), Enabled(Level::kWarning)));
}

TEST(LogLevel, Parses) {
  Level level;
  ASSERT_TRUE(ParseLevel("warn", &level));
  EXPECT_EQ(level, Level::kWarning);
  ASSERT_TRUE(ParseLevel("debug", &level));
  EXPECT_EQ(level, Level::kDebug);
  EXPECT_FALSE(ParseLevel("verbose", &level));
}

}  // namespace
}  // namespace nightjar::log
