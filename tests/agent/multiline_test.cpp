// Tests of multiline records: start and continuation patterns, the Java and Python presets,
// bounds, and the offsets that keep checkpoints before pending records.
#include "multiline/multiline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nightjar::agent {
namespace {

using ::testing::ElementsAre;

// Feeds `text` line by line and returns the records completed (the last one flushed).
std::vector<std::string> Join(MultilineRules& rules, const std::string& text) {
  MultilineAggregator agg;
  std::vector<std::string> out;
  MultilineRecord record;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line(text.data() + pos, nl - pos);
    if (agg.Push(rules, line, pos, nl + 1, 0, &record)) out.push_back(record.text);
    pos = nl + 1;
  }
  if (agg.Flush(&record)) out.push_back(record.text);
  return out;
}

TEST(Multiline, StartPatternBeginsEachRecord) {
  auto rules = MultilineRules::FromPattern(MultilineRules::Mode::kStartPattern, R"(^\d{4}-)");
  ASSERT_TRUE(rules.ok());
  EXPECT_THAT(Join(*rules, "2024-01-01 one\n  more\n  more\n2024-01-02 two\n2024-01-03 three\n"),
              ElementsAre("2024-01-01 one\n  more\n  more", "2024-01-02 two", "2024-01-03 three"));
}

TEST(Multiline, ContinuationPatternExtendsTheRecord) {
  auto rules = MultilineRules::FromPattern(MultilineRules::Mode::kContinuationPattern, R"(^\s)");
  ASSERT_TRUE(rules.ok());
  EXPECT_THAT(Join(*rules, "a\n b\n c\nd\n"), ElementsAre("a\n b\n c", "d"));
}

TEST(Multiline, JavaPresetKeepsAStackTraceTogether) {
  auto rules = MultilineRules::Preset("java");
  ASSERT_TRUE(rules.ok());
  std::string trace =
      "2024-05-01 12:00:00 ERROR request failed\n"
      "java.lang.IllegalStateException: boom\n"
      "\tat com.example.Service.handle(Service.java:42)\n"
      "\tat com.example.Server.run(Server.java:7)\n"
      "Caused by: java.io.IOException: disk\n"
      "\tat com.example.Disk.write(Disk.java:3)\n"
      "\t... 2 more\n"
      "2024-05-01 12:00:01 INFO recovered\n";
  std::vector<std::string> records = Join(*rules, trace);
  ASSERT_EQ(records.size(), 3u);  // the exception line starts its own record
  EXPECT_EQ(records[0], "2024-05-01 12:00:00 ERROR request failed");
  EXPECT_THAT(records[1], ::testing::StartsWith("java.lang.IllegalStateException: boom\n\tat"));
  EXPECT_THAT(records[1], ::testing::EndsWith("\t... 2 more"));
  EXPECT_EQ(records[2], "2024-05-01 12:00:01 INFO recovered");
}

TEST(Multiline, PythonPresetKeepsATracebackAndItsExceptionLine) {
  auto rules = MultilineRules::Preset("python");
  ASSERT_TRUE(rules.ok());
  std::string trace =
      "ERROR:root:failed to serve\n"
      "Traceback (most recent call last):\n"
      "  File \"app.py\", line 3, in <module>\n"
      "    main()\n"
      "ValueError: bad input\n"
      "INFO:root:next request\n";
  EXPECT_THAT(Join(*rules, trace),
              ElementsAre("ERROR:root:failed to serve\nTraceback (most recent call last):\n"
                          "  File \"app.py\", line 3, in <module>\n    main()\n"
                          "ValueError: bad input",
                          "INFO:root:next request"));
}

TEST(Multiline, UnknownPresetAndBadPatternsAreRefused) {
  EXPECT_FALSE(MultilineRules::Preset("cobol").ok());
  EXPECT_FALSE(MultilineRules::FromPattern(MultilineRules::Mode::kStartPattern, "(").ok());
}

TEST(Multiline, MaxLinesAndMaxBytesBoundARecord) {
  auto rules = MultilineRules::FromPattern(MultilineRules::Mode::kContinuationPattern, R"(^\s)");
  ASSERT_TRUE(rules.ok());
  rules->max_lines = 3;
  EXPECT_THAT(Join(*rules, "a\n 1\n 2\n 3\n 4\n"), ElementsAre("a\n 1\n 2", " 3\n 4"));
  rules->max_lines = 1000;
  rules->max_bytes = 7;
  EXPECT_THAT(Join(*rules, "abc\n de\n fg\n"), ElementsAre("abc\n de", " fg"));
}

TEST(Multiline, OffsetsKeepTheCheckpointBeforeThePendingRecord) {
  auto rules = MultilineRules::FromPattern(MultilineRules::Mode::kStartPattern, "^[A-Z]");
  ASSERT_TRUE(rules.ok());
  MultilineAggregator agg;
  MultilineRecord record;
  EXPECT_FALSE(agg.Push(*rules, "A", 0, 2, 10, &record));
  EXPECT_FALSE(agg.Push(*rules, " a", 2, 5, 20, &record));
  EXPECT_EQ(agg.pending_start(), 0u);
  EXPECT_EQ(agg.last_line_nanos(), 20);
  EXPECT_TRUE(agg.Push(*rules, "B", 5, 7, 30, &record));
  EXPECT_EQ(record.text, "A\n a");
  EXPECT_EQ(record.end_offset, 5u);  // the record ends where the next one starts
  EXPECT_EQ(record.lines, 2u);
  EXPECT_EQ(agg.pending_start(), 5u);
  ASSERT_TRUE(agg.Flush(&record));
  EXPECT_EQ(record.end_offset, 7u);
  EXPECT_FALSE(agg.pending());
  EXPECT_FALSE(agg.Flush(&record));
}

}  // namespace
}  // namespace nightjar::agent
