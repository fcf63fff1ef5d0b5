// Tests of line splitting across reads, with long lines split or truncated at UTF-8 boundaries.
#include "inputs/file_tail/line_assembler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nightjar::agent {
namespace {

using ::testing::ElementsAre;

struct Line {
  std::string text;
  uint64_t start;
  uint64_t end;
  friend bool operator==(const Line&, const Line&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Line& l) {
    return os << "{\"" << l.text << "\", " << l.start << ", " << l.end << "}";
  }
};

// Feeds `chunks` one after the other and collects the lines.
std::vector<Line> Feed(LineAssembler& a, const std::vector<std::string>& chunks,
                       uint64_t offset = 0) {
  std::vector<Line> out;
  for (const std::string& c : chunks) {
    size_t used = a.Feed(c, offset, [&](std::string_view line, uint64_t s, uint64_t e) {
      out.push_back(Line{std::string(line), s, e});
      return true;
    });
    EXPECT_EQ(used, c.size());
    offset += c.size();
  }
  return out;
}

TEST(LineAssembler, ReportsLinesWithTheirFileRanges) {
  LineAssembler a(100, LongLines::kSplit);
  EXPECT_THAT(Feed(a, {"one\ntwo\n"}), ElementsAre(Line{"one", 0, 4}, Line{"two", 4, 8}));
}

TEST(LineAssembler, JoinsALineSpanningReads) {
  LineAssembler a(100, LongLines::kSplit);
  EXPECT_THAT(Feed(a, {"par", "tial li", "ne\nnext\n"}),
              ElementsAre(Line{"partial line", 0, 13}, Line{"next", 13, 18}));
}

TEST(LineAssembler, KeepsAnUnfinishedLineUntilItsNewlineComes) {
  LineAssembler a(100, LongLines::kSplit);
  EXPECT_TRUE(Feed(a, {"no newline yet"}).empty());
  EXPECT_EQ(a.partial_size(), 14u);
  EXPECT_THAT(Feed(a, {" - done\n"}, 14), ElementsAre(Line{"no newline yet - done", 0, 22}));
  EXPECT_EQ(a.partial_size(), 0u);
}

TEST(LineAssembler, FlushPartialReportsTheLastBytesOfAFinishedFile) {
  LineAssembler a(100, LongLines::kSplit);
  Feed(a, {"a\nlast"});
  std::vector<Line> out;
  EXPECT_TRUE(a.FlushPartial([&](std::string_view l, uint64_t s, uint64_t e) {
    out.push_back(Line{std::string(l), s, e});
    return true;
  }));
  EXPECT_THAT(out, ElementsAre(Line{"last", 2, 6}));
  EXPECT_FALSE(a.FlushPartial([](std::string_view, uint64_t, uint64_t) { return true; }));
}

TEST(LineAssembler, DropsTheCarriageReturnOfCrLf) {
  LineAssembler a(100, LongLines::kSplit);
  EXPECT_THAT(Feed(a, {"dos\r\nline\r", "\n"}),
              ElementsAre(Line{"dos", 0, 5}, Line{"line", 5, 11}));
}

TEST(LineAssembler, EmptyLinesAreLines) {
  LineAssembler a(100, LongLines::kSplit);
  EXPECT_THAT(Feed(a, {"\n\nx\n"}), ElementsAre(Line{"", 0, 1}, Line{"", 1, 2}, Line{"x", 2, 4}));
}

TEST(LineAssembler, SplitsLongLinesIntoPartsThatKeepEveryByte) {
  LineAssembler a(4, LongLines::kSplit);
  EXPECT_THAT(Feed(a, {"abcdefghij\nxy\n"}), ElementsAre(Line{"abcd", 0, 4}, Line{"efgh", 4, 8},
                                                         Line{"ij", 8, 11}, Line{"xy", 11, 14}));
  EXPECT_EQ(a.lines_split(), 1u);  // one long line, however many parts
}

TEST(LineAssembler, SplitsALongLineArrivingInPieces) {
  LineAssembler a(4, LongLines::kSplit);
  EXPECT_THAT(Feed(a, {"ab", "cdef", "gh\n"}), ElementsAre(Line{"abcd", 0, 4}, Line{"efgh", 4, 9}));
  EXPECT_EQ(a.lines_split(), 1u);
}

TEST(LineAssembler, TruncatesLongLinesAndSkipsToTheNextLine) {
  LineAssembler a(4, LongLines::kTruncate);
  EXPECT_THAT(Feed(a, {"abcdefg", "hij\nok\n"}),
              ElementsAre(Line{"abcd", 0, 4}, Line{"ok", 11, 14}));
  EXPECT_EQ(a.lines_truncated(), 1u);
  EXPECT_FALSE(a.discarding());
}

TEST(LineAssembler, NeverCutsInsideAUtf8Character) {
  LineAssembler a(5, LongLines::kSplit);
  // "aaaa" then a 3-byte character: the cut moves before it.
  std::vector<Line> lines = Feed(a, {"aaaa\xE2\x82\xAC"
                                     "b\n"});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "aaaa");
  EXPECT_EQ(lines[1].text,
            "\xE2\x82\xAC"
            "b");
}

TEST(LineAssembler, StopsAfterTheLineTheCallerRefuses) {
  LineAssembler a(100, LongLines::kSplit);
  int seen = 0;
  std::string chunk = "1\n2\n3\n";
  size_t used = a.Feed(chunk, 0, [&](std::string_view, uint64_t, uint64_t) { return ++seen < 2; });
  EXPECT_EQ(seen, 2);
  EXPECT_EQ(used, 4u);  // "1\n2\n": the rest is read again later
}

TEST(LineAssembler, ResumesDiscardingFromACheckpoint) {
  LineAssembler a(4, LongLines::kTruncate);
  a.Reset(100, /*discarding=*/true);
  EXPECT_THAT(Feed(a, {"rest of a long line\nnext\n"}, 100), ElementsAre(Line{"next", 120, 125}));
}

}  // namespace
}  // namespace nightjar::agent
