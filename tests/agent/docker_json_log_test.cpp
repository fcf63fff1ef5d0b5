// Tests of Docker's json-file line decoding and of merging partial entries back into lines.
#include "inputs/docker/json_log.h"

#include <gtest/gtest.h>

#include <string>

namespace nightjar::agent::docker {
namespace {

TEST(DockerJsonLog, DecodesLogStreamAndTime) {
  JsonLogEntry e;
  ASSERT_TRUE(DecodeJsonLogLine(
      R"({"log":"hello \"world\"\n","stream":"stderr","time":"2024-05-01T12:00:00.123456789Z"})",
      &e));
  EXPECT_EQ(e.log, "hello \"world\"\n");
  EXPECT_EQ(e.stream, LogStream::kStderr);
  EXPECT_FALSE(e.partial);
  EXPECT_EQ(e.time_unix_nano, 1714564800123456789);
}

TEST(DockerJsonLog, StdoutIsTheDefaultAndAMissingTimeIsZero) {
  JsonLogEntry e;
  e.time_unix_nano = 42;
  e.stream = LogStream::kStderr;
  ASSERT_TRUE(DecodeJsonLogLine(R"({"log":"x\n"})", &e));
  EXPECT_EQ(e.stream, LogStream::kStdout);
  EXPECT_EQ(e.time_unix_nano, 0);
  ASSERT_TRUE(DecodeJsonLogLine(R"({"log":"x\n","time":"yesterday"})", &e));
  EXPECT_EQ(e.time_unix_nano, 0);
}

TEST(DockerJsonLog, AnEntryWithoutANewlineIsPartial) {
  JsonLogEntry e;
  ASSERT_TRUE(DecodeJsonLogLine(R"({"log":"abc","stream":"stdout"})", &e));
  EXPECT_TRUE(e.partial);
}

TEST(DockerJsonLog, RefusesWhatIsNotAJsonFileLine) {
  JsonLogEntry e;
  EXPECT_FALSE(DecodeJsonLogLine("", &e));
  EXPECT_FALSE(DecodeJsonLogLine("plain text", &e));
  EXPECT_FALSE(DecodeJsonLogLine(R"(["log"])", &e));
  EXPECT_FALSE(DecodeJsonLogLine(R"({"log":5})", &e));
  EXPECT_FALSE(DecodeJsonLogLine(R"({"stream":"stdout"})", &e));
  EXPECT_FALSE(DecodeJsonLogLine(R"({"log":"cut)", &e));
}

JsonLogEntry Entry(std::string log, LogStream stream) {
  JsonLogEntry e;
  e.log = std::move(log);
  e.stream = stream;
  e.partial = e.log.empty() || e.log.back() != '\n';
  return e;
}

TEST(PartialMerger, AWholeEntryIsALine) {
  PartialMerger m;
  MergedLine out;
  JsonLogEntry e = Entry("one\r\n", LogStream::kStdout);
  e.time_unix_nano = 7;
  ASSERT_TRUE(m.Push(e, 100, 1 << 20, &out));
  EXPECT_EQ(out.text, "one");
  EXPECT_EQ(out.start, 100u);
  EXPECT_EQ(out.time_unix_nano, 7);
  EXPECT_FALSE(m.pending_start().has_value());
}

TEST(PartialMerger, JoinsPiecesPerStreamEvenWhenStreamsInterleave) {
  PartialMerger m;
  MergedLine out;
  JsonLogEntry a1 = Entry(std::string(16384, 'a'), LogStream::kStdout);
  a1.time_unix_nano = 1;
  EXPECT_FALSE(m.Push(a1, 0, 1 << 20, &out));
  JsonLogEntry b1 = Entry("err-", LogStream::kStderr);
  EXPECT_FALSE(m.Push(b1, 50, 1 << 20, &out));
  EXPECT_EQ(m.pending_start(), 0u);

  JsonLogEntry a2 = Entry(std::string(16384, 'b'), LogStream::kStdout);
  EXPECT_FALSE(m.Push(a2, 80, 1 << 20, &out));
  JsonLogEntry b2 = Entry("line\n", LogStream::kStderr);
  ASSERT_TRUE(m.Push(b2, 120, 1 << 20, &out));
  EXPECT_EQ(out.text, "err-line");
  EXPECT_EQ(out.stream, LogStream::kStderr);
  EXPECT_EQ(out.start, 50u);
  EXPECT_EQ(m.pending_start(), 0u);  // stdout's line is still open

  JsonLogEntry a3 = Entry("end\n", LogStream::kStdout);
  ASSERT_TRUE(m.Push(a3, 200, 1 << 20, &out));
  EXPECT_EQ(out.text.size(), 2 * 16384u + 3);
  EXPECT_EQ(out.text.substr(0, 1), "a");
  EXPECT_EQ(out.text.substr(out.text.size() - 3), "end");
  EXPECT_EQ(out.start, 0u);
  EXPECT_EQ(out.time_unix_nano, 1);  // the first piece's time
  EXPECT_FALSE(m.pending_start().has_value());
}

TEST(PartialMerger, HandsOutAnEndlessLineInBoundedPieces) {
  PartialMerger m;
  MergedLine out;
  int lines = 0;
  for (int i = 0; i < 10; ++i) {
    JsonLogEntry e = Entry(std::string(1000, 'x'), LogStream::kStdout);
    if (m.Push(e, static_cast<uint64_t>(i) * 1000, 3000, &out)) {
      ++lines;
      EXPECT_LE(out.text.size(), 3000u);
      EXPECT_GE(out.text.size(), 1000u);
    }
  }
  EXPECT_EQ(lines, 3);
}

TEST(PartialMerger, FlushHandsOutTheUnfinishedLine) {
  PartialMerger m;
  MergedLine out;
  EXPECT_FALSE(m.Flush(LogStream::kStdout, &out));
  JsonLogEntry e = Entry("no end", LogStream::kStderr);
  EXPECT_FALSE(m.Push(e, 9, 1 << 20, &out));
  EXPECT_FALSE(m.Flush(LogStream::kStdout, &out));
  ASSERT_TRUE(m.Flush(LogStream::kStderr, &out));
  EXPECT_EQ(out.text, "no end");
  EXPECT_EQ(out.start, 9u);
  EXPECT_FALSE(m.pending_start().has_value());
}

}  // namespace
}  // namespace nightjar::agent::docker
