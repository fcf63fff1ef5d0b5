// Tests of the file input in-process, on real files: discovery, identity and every kind of
// rotation, checkpoints across restarts, the open-file cap, partial and long lines, invalid
// UTF-8, multiline, parsing, and pausing when the queue has no room. Batches go to an
// in-memory sink that decodes them, so each test checks exactly which lines were shipped.
#include "inputs/file_tail/file_tailer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "log_writer.h"
#include "otlp/codec.h"
#include "sequence_check.h"
#include "temp_dir.h"

namespace nightjar::agent {
namespace {

using std::chrono::milliseconds;
using testing::ExactlyOnceInOrder;
using testing::LogWriter;
using testing::ReceivedRecord;

// Stores commits in memory, decoding each batch into records.
class MemorySink final : public BatchSink {
 public:
  bool HasRoom(size_t bytes) const override { return room || bytes == 0; }

  Status Commit(CommitRequest& request) override {
    if (fail) return IoError("disk full (injected)");
    if (!request.body.empty()) {
      auto logs = otlp::DecodeLogs(request.body, otlp::Encoding::kProtobuf);
      EXPECT_TRUE(logs.ok()) << logs.status().ToString();
      for (const auto& rl : logs->resource_logs) {
        for (const auto& sl : rl.scope_logs) {
          for (const auto& r : sl.log_records) {
            ReceivedRecord rec;
            rec.body = r.body.kind() == otlp::ValueKind::kString ? r.body.string_value() : "";
            const otlp::AnyValue* path = otlp::FindAttribute(r.attributes, "log.file.path");
            if (path != nullptr) rec.file_path = path->string_value();
            rec.attributes = r.attributes;
            rec.resource = rl.resource.attributes;
            rec.severity_number = r.severity_number;
            rec.time_unix_nano = r.time_unix_nano;
            rec.observed_time_unix_nano = r.observed_time_unix_nano;
            records.push_back(std::move(rec));
          }
        }
      }
      ++batches;
    }
    for (const Checkpoint& cp : request.checkpoints) checkpoints[cp.key] = cp;
    for (const FileKey& key : request.forget) checkpoints.erase(key);
    request = CommitRequest();
    return Status::Ok();
  }

  std::vector<Checkpoint> Saved() const {
    std::vector<Checkpoint> out;
    for (const auto& [key, cp] : checkpoints) out.push_back(cp);
    return out;
  }

  bool room = true;
  bool fail = false;
  int batches = 0;
  std::vector<ReceivedRecord> records;
  std::map<FileKey, Checkpoint> checkpoints;
};

struct InputOptions {
  std::string include = "*.log";
  bool start_at_end = false;
  size_t max_line_size = 1 << 20;
  LongLines long_lines = LongLines::kSplit;
  std::function<void(TailInput&)> customize;
};

InputOptions Include(std::string include) {
  InputOptions in;
  in.include = std::move(include);
  return in;
}

InputOptions StartAtEnd() {
  InputOptions in;
  in.start_at_end = true;
  return in;
}

InputOptions MaxLine(size_t max, LongLines mode = LongLines::kSplit) {
  InputOptions in;
  in.max_line_size = max;
  in.long_lines = mode;
  return in;
}

class FileTailerTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) const { return dir_ / name; }

  void Start(const InputOptions& in = {}, TailerOptions options = {},
             std::vector<Checkpoint> checkpoints = {}, bool first_run = true) {
    TailInput input;
    input.name = "app";
    input.include.push_back(*Glob::Parse(dir_.path() + "/" + in.include));
    input.start_at_end = in.start_at_end;
    input.max_line_size = in.max_line_size;
    input.long_lines = in.long_lines;
    input.resource = {{"service.name", "app"}};
    if (in.customize) in.customize(input);
    std::vector<TailInput> inputs;
    inputs.push_back(std::move(input));
    if (options.rotate_wait == TailerOptions{}.rotate_wait) options.rotate_wait = milliseconds(200);
    options.poll_interval = milliseconds(50);
    BatchLimits batch;
    batch.max_records = 200;
    batch.max_age = milliseconds(5);
    tailer_ = std::make_unique<FileTailer>(std::move(inputs), options, batch, &sink_, &metrics_);
    tailer_->Start(std::move(checkpoints), first_run);
  }

  // Polls until `done` holds; false after the deadline.
  bool PollUntil(const std::function<bool()>& done, milliseconds timeout = milliseconds(10000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      Duration wait = tailer_->Poll();
      if (done()) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      tailer_->Wait(std::min<Duration>(wait, milliseconds(20)));
    }
  }

  bool PollForRecords(size_t n) {
    return PollUntil([&] { return sink_.records.size() >= n; });
  }

  // Polls for `d` more (to let anything unexpected, e.g. a duplicate, show up).
  void PollFor(milliseconds d) {
    PollUntil([] { return false; }, d);
  }

  double Metric(metrics::Counter* c) { return c->Value(); }
  InputMetrics Input() { return metrics_.ForInput("app"); }

  testing::TempDir dir_;
  MemorySink sink_;
  metrics::Registry registry_;
  AgentMetrics metrics_{&registry_};
  std::unique_ptr<FileTailer> tailer_;
};

TEST_F(FileTailerTest, ShipsExistingAndAppendedLinesOnce) {
  LogWriter w(Path("app.log"));
  w.WriteLines("app", 0, 500);
  Start();
  ASSERT_TRUE(PollForRecords(500));
  w.WriteLines("app", 500, 1200);
  ASSERT_TRUE(PollForRecords(1200));
  PollFor(milliseconds(100));
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "app", 1200));
  EXPECT_EQ(sink_.records[0].file_path, Path("app.log"));
  EXPECT_EQ(Metric(Input().lines), 1200);
  EXPECT_NE(sink_.records[0].observed_time_unix_nano, 0u);
  // The checkpoint sits at the end of the file.
  ASSERT_EQ(sink_.checkpoints.size(), 1u);
  EXPECT_EQ(sink_.checkpoints.begin()->second.offset, std::filesystem::file_size(Path("app.log")));
}

TEST_F(FileTailerTest, StartAtEndSkipsOldContentOnTheFirstRunOnly) {
  LogWriter old(Path("old.log"));
  old.WriteLines("old", 0, 100);
  old.Write("partial without newline");
  Start(StartAtEnd());
  PollFor(milliseconds(100));
  EXPECT_TRUE(sink_.records.empty());
  old.Write(" completed\n");
  old.WriteLines("old", 100, 110);
  // The partial line is skipped with the old content: reading starts at a line boundary.
  ASSERT_TRUE(PollForRecords(11));
  EXPECT_EQ(sink_.records[0].body, "partial without newline completed");
  // A file appearing later is new content: read from its start.
  LogWriter fresh(Path("fresh.log"));
  fresh.WriteLines("fresh", 0, 5);
  ASSERT_TRUE(PollForRecords(16));
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "fresh", 5));
  // After a restart (not a first run), a file never seen is read whole, start_at or not.
  std::vector<Checkpoint> saved = sink_.Saved();
  tailer_.reset();
  LogWriter other(Path("other.log"));
  other.WriteLines("other", 0, 7);
  Start(StartAtEnd(), {}, saved, /*first_run=*/false);
  ASSERT_TRUE(PollForRecords(23));
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "other", 7));
}

TEST_F(FileTailerTest, RenameRotationReadsTheRestOfTheOldFileThenLetsGo) {
  LogWriter w(Path("app.log"));
  w.WriteLines("app", 0, 100);
  Start();
  ASSERT_TRUE(PollForRecords(100));
  // Lines the tailer has not read yet when the file is renamed, and a late write through the
  // old descriptor after the rotation: both must arrive.
  w.WriteLines("app", 100, 150);
  int old_fd_writer_lines = 10;
  {
    LogWriter late(Path("app.log"));  // a second writer still holding the old file
    w.RotateByRename(Path("app.log.1"));
    late.WriteLines("app", 150, 150 + old_fd_writer_lines);
  }
  w.WriteLines("new", 0, 50);
  ASSERT_TRUE(PollForRecords(210));
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "app", 160));
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "new", 50));
  EXPECT_EQ(Metric(Input().rotations_rename), 1);
  // After rotate_wait without growth the old file is let go and its checkpoint dropped.
  ASSERT_TRUE(
      PollUntil([&] { return sink_.checkpoints.size() == 1 && tailer_->open_count() == 1; }));
  EXPECT_EQ(sink_.records.size(), 210u);
}

TEST_F(FileTailerTest, CopytruncateContinuesInTheRotatedCopy) {
  LogWriter w(Path("app.log"));
  w.WriteLines("app", 0, 100);
  Start(Include("app.log*"));
  ASSERT_TRUE(PollForRecords(100));
  // Written but not read when logrotate copies and truncates: only the copy holds them.
  w.WriteLines("app", 100, 150);
  w.RotateByCopyTruncate(Path("app.log.1"));
  w.WriteLines("app", 150, 200);
  ASSERT_TRUE(PollForRecords(200));
  PollFor(milliseconds(400));  // a copy read from its start would show up as duplicates
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "app", 200));
  EXPECT_EQ(Metric(Input().rotations_copy), 1);
  EXPECT_EQ(Metric(Input().rotations_truncate), 1);
  EXPECT_EQ(Metric(Input().unread_bytes_lost), 0);
}

TEST_F(FileTailerTest, TruncationRestartsAtZero) {
  LogWriter w(Path("app.log"));
  w.WriteLines("app", 0, 100);
  Start();
  ASSERT_TRUE(PollForRecords(100));
  w.Truncate();
  w.WriteLines("app", 100, 120);
  ASSERT_TRUE(PollForRecords(120));
  PollFor(milliseconds(300));
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "app", 120));
  EXPECT_EQ(Metric(Input().rotations_truncate), 1);
}

TEST_F(FileTailerTest, TruncationRewrittenPastTheOffsetIsCaughtByTheFingerprint) {
  LogWriter w(Path("app.log"));
  w.WriteLines("old", 0, 10);
  Start();
  ASSERT_TRUE(PollForRecords(10));
  // Between two looks the file is truncated and rewritten longer than before: the size alone
  // does not show it, the first bytes do.
  w.Truncate();
  w.WriteLines("new", 0, 100);
  ASSERT_TRUE(PollForRecords(110));
  PollFor(milliseconds(100));
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "new", 100));
}

TEST_F(FileTailerTest, DeletedWhileBeingReadIsReadToTheEnd) {
  LogWriter w(Path("app.log"));
  w.WriteLines("app", 0, 20000);  // 2 MB, read 4 KiB at a time
  TailerOptions options;
  options.read_buffer_size = 4096;
  Start({}, options);
  tailer_->Poll();
  ASSERT_LT(sink_.records.size(), 20000u);
  ASSERT_EQ(::unlink(Path("app.log").c_str()), 0);
  w.Close();
  ASSERT_TRUE(PollForRecords(20000));
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "app", 20000));
  EXPECT_EQ(Metric(Input().rotations_delete), 1);
  ASSERT_TRUE(PollUntil([&] { return tailer_->file_count() == 0; }));
  EXPECT_TRUE(sink_.checkpoints.empty());
}

TEST_F(FileTailerTest, FilesWithIdenticalFirstLinesAreDifferentFiles) {
  std::string header = "# service log v1\n# fields: time level message\n";
  LogWriter a(Path("a.log"));
  LogWriter b(Path("b.log"));
  a.Write(header);
  b.Write(header);
  a.WriteLines("a", 0, 30);
  b.WriteLines("b", 0, 40);
  Start();
  ASSERT_TRUE(PollForRecords(74));
  PollFor(milliseconds(300));
  EXPECT_EQ(sink_.records.size(), 74u);
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "a", 30));
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "b", 40));
}

TEST_F(FileTailerTest, FindsNewFilesAndDirectoriesUnderDoubleStar) {
  Start(Include("**/*.log"));
  std::filesystem::create_directories(Path("x/y"));
  LogWriter deep(Path("x/y/deep.log"));
  deep.WriteLines("deep", 0, 25);
  ASSERT_TRUE(PollForRecords(25));
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "deep", 25));
  EXPECT_EQ(sink_.records[0].file_path, Path("x/y/deep.log"));
}

TEST_F(FileTailerTest, APartialLineShipsOnceCompleted) {
  LogWriter w(Path("app.log"));
  Start();
  w.Write("half a li");
  PollFor(milliseconds(150));
  EXPECT_TRUE(sink_.records.empty());
  // The checkpoint does not cover the unfinished line.
  EXPECT_TRUE(sink_.checkpoints.empty() || sink_.checkpoints.begin()->second.offset == 0);
  w.Write("ne\n");
  ASSERT_TRUE(PollForRecords(1));
  EXPECT_EQ(sink_.records[0].body, "half a line");
}

TEST_F(FileTailerTest, ResumesFromCheckpointsWithoutDuplicates) {
  LogWriter w(Path("app.log"));
  w.WriteLines("app", 0, 300);
  Start();
  ASSERT_TRUE(PollForRecords(300));
  std::vector<Checkpoint> saved = sink_.Saved();
  tailer_.reset();
  w.WriteLines("app", 300, 400);
  Start({}, {}, saved, /*first_run=*/false);
  ASSERT_TRUE(PollForRecords(400));
  PollFor(milliseconds(100));
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "app", 400));
}

TEST_F(FileTailerTest, AfterARestartARotatedFileIsFoundByItsInode) {
  LogWriter w(Path("app.log"));
  w.WriteLines("app", 0, 100);
  Start();  // include "*.log": the rotated name app.log.1 is not matched
  ASSERT_TRUE(PollForRecords(100));
  std::vector<Checkpoint> saved = sink_.Saved();
  tailer_.reset();
  // While the agent is down: more lines, rotation, lines in the new file.
  w.WriteLines("app", 100, 150);
  w.RotateByRename(Path("app.log.1"));
  w.WriteLines("app", 150, 170);
  Start({}, {}, saved, /*first_run=*/false);
  ASSERT_TRUE(PollForRecords(170));
  PollFor(milliseconds(300));
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "app", 170));
  // Records from the rotated file keep the name it was tailed under.
  EXPECT_EQ(sink_.records[100].file_path, Path("app.log"));
}

TEST_F(FileTailerTest, AfterARestartATruncatedFileIsReadFromTheStart) {
  LogWriter w(Path("app.log"));
  w.WriteLines("app", 0, 100);
  Start();
  ASSERT_TRUE(PollForRecords(100));
  std::vector<Checkpoint> saved = sink_.Saved();
  tailer_.reset();
  w.Truncate();
  w.WriteLines("app", 100, 400);  // longer than before: only the fingerprint tells
  Start({}, {}, saved, /*first_run=*/false);
  ASSERT_TRUE(PollForRecords(400));
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "app", 400));
}

TEST_F(FileTailerTest, PausesWhileTheQueueIsFullAndLosesNothing) {
  LogWriter w(Path("app.log"));
  w.WriteLines("app", 0, 1000);
  sink_.room = false;
  Start();
  PollFor(milliseconds(100));
  EXPECT_TRUE(tailer_->paused());
  EXPECT_EQ(metrics_.inputs_paused.Value(), 1);
  EXPECT_EQ(metrics_.input_pauses.Value(), 1);
  EXPECT_TRUE(sink_.records.empty());
  // Reading stopped: far from all of the file was read while paused.
  EXPECT_LT(Metric(Input().lines), 1000);
  w.WriteLines("app", 1000, 1500);
  sink_.room = true;
  tailer_->Wake();
  ASSERT_TRUE(PollForRecords(1500));
  EXPECT_FALSE(tailer_->paused());
  EXPECT_EQ(metrics_.inputs_paused.Value(), 0);
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "app", 1500));
}

TEST_F(FileTailerTest, AFailingQueueWriteIsRetriedWithTheSameBatch) {
  LogWriter w(Path("app.log"));
  w.WriteLines("app", 0, 50);
  sink_.fail = true;
  Start();
  PollFor(milliseconds(100));
  EXPECT_TRUE(sink_.records.empty());
  EXPECT_GE(metrics_.queue_commit_errors.Value(), 1);
  sink_.fail = false;
  ASSERT_TRUE(PollForRecords(50));  // retried about a second later
  PollFor(milliseconds(100));
  EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "app", 50));
}

TEST_F(FileTailerTest, TheOpenFileCapStillReadsEveryFile) {
  std::vector<std::unique_ptr<LogWriter>> writers;
  for (int i = 0; i < 6; ++i) {
    writers.push_back(std::make_unique<LogWriter>(Path("f" + std::to_string(i) + ".log")));
    writers.back()->WriteLines("f" + std::to_string(i), 0, 20);
  }
  TailerOptions options;
  options.max_open_files = 2;
  Start({}, options);
  ASSERT_TRUE(PollForRecords(120));
  EXPECT_LE(tailer_->open_count(), 2u);
  for (int i = 0; i < 6; ++i) writers[i]->WriteLines("f" + std::to_string(i), 20, 30);
  ASSERT_TRUE(PollForRecords(180));
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(ExactlyOnceInOrder(sink_.records, "f" + std::to_string(i), 30));
  }
  EXPECT_LE(tailer_->open_count(), 2u);
}

TEST_F(FileTailerTest, InvalidUtf8IsReplacedAndCounted) {
  LogWriter w(Path("app.log"));
  w.Write("ok \xFF\xFE bytes\nclean\n");
  Start();
  ASSERT_TRUE(PollForRecords(2));
  // Each invalid byte is replaced (neither 0xFF nor 0xFE can start a sequence).
  EXPECT_EQ(sink_.records[0].body, "ok \xEF\xBF\xBD\xEF\xBF\xBD bytes");
  EXPECT_EQ(sink_.records[1].body, "clean");
  EXPECT_EQ(Metric(Input().invalid_utf8), 2);
}

TEST_F(FileTailerTest, LongLinesAreSplitIntoPartsThatKeepEveryByte) {
  std::string long_line;
  for (int i = 0; i < 100; ++i) long_line += "segment-" + std::to_string(i) + ";";
  LogWriter w(Path("app.log"));
  w.Write(long_line + "\nafter\n");
  Start(MaxLine(64));
  ASSERT_TRUE(
      PollUntil([&] { return !sink_.records.empty() && sink_.records.back().body == "after"; }));
  std::string joined;
  for (size_t i = 0; i + 1 < sink_.records.size(); ++i) {
    EXPECT_LE(sink_.records[i].body.size(), 64u);
    joined += sink_.records[i].body;
  }
  EXPECT_EQ(joined, long_line);
  EXPECT_EQ(Metric(Input().lines_split), 1);
}

TEST_F(FileTailerTest, LongLinesCanBeTruncated) {
  LogWriter w(Path("app.log"));
  w.Write(std::string(500, 'x') + "\nnext\n");
  Start(MaxLine(64, LongLines::kTruncate));
  ASSERT_TRUE(PollForRecords(2));
  EXPECT_EQ(sink_.records[0].body, std::string(64, 'x'));
  EXPECT_EQ(sink_.records[1].body, "next");
  EXPECT_EQ(Metric(Input().lines_truncated), 1);
}

TEST_F(FileTailerTest, JoinsStackTracesAndFlushesTheLastAfterTheTimeout) {
  LogWriter w(Path("app.log"));
  w.Write(
      "2024-05-01 ERROR failed\n"
      "java.lang.RuntimeException: boom\n"
      "\tat a.B.c(B.java:1)\n"
      "\tat a.B.d(B.java:2)\n"
      "2024-05-01 INFO fine\n");
  InputOptions in;
  in.customize = [](TailInput& input) {
    Result<MultilineRules> java = MultilineRules::Preset("java");
    input.multiline = std::move(*java);
    input.multiline->flush_timeout = milliseconds(100);
  };
  Start(in);
  // The last record has no successor: the flush timeout ships it.
  ASSERT_TRUE(PollForRecords(3));
  EXPECT_EQ(sink_.records[1].body,
            "java.lang.RuntimeException: boom\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)");
  EXPECT_EQ(sink_.records[2].body, "2024-05-01 INFO fine");
  EXPECT_EQ(Metric(Input().records), 3);
  EXPECT_EQ(Metric(Input().lines), 5);
}

TEST_F(FileTailerTest, ParsersFillTheRecordFields) {
  LogWriter w(Path("app.log"));
  w.Write(R"({"time":"2024-05-01T12:00:00Z","level":"error","message":"db down","retry":3})"
          "\nnot json\n");
  InputOptions in;
  in.customize = [](TailInput& input) { input.parser = MakeJsonParser(FieldKeys{}); };
  Start(in);
  ASSERT_TRUE(PollForRecords(2));
  EXPECT_EQ(sink_.records[0].body, "db down");
  EXPECT_EQ(sink_.records[0].severity_number, 17);
  EXPECT_EQ(sink_.records[0].time_unix_nano, 1'714'564'800'000'000'000u);
  EXPECT_NE(otlp::FindAttribute(sink_.records[0].attributes, "retry"), nullptr);
  EXPECT_NE(otlp::FindAttribute(sink_.records[0].attributes, "log.file.name"), nullptr);
  // A line that is not JSON ships whole, counted, with the observed time as its time.
  EXPECT_EQ(sink_.records[1].body, "not json");
  EXPECT_EQ(sink_.records[1].time_unix_nano, sink_.records[1].observed_time_unix_nano);
  EXPECT_EQ(Metric(Input().parse_errors), 1);
}

TEST_F(FileTailerTest, DrainReadsDeletedFilesAndShipsTheirLastPartialLine) {
  LogWriter w(Path("app.log"));
  w.WriteLines("app", 0, 100);
  w.Write("last words without newline");
  Start();
  ASSERT_TRUE(PollForRecords(100));
  ASSERT_EQ(::unlink(Path("app.log").c_str()), 0);
  tailer_->Poll();  // notices the deletion
  tailer_->Poll();
  ASSERT_TRUE(tailer_->Drain(Clock::System().MonotonicNanos() + 5'000'000'000).ok());
  ASSERT_EQ(sink_.records.size(), 101u);
  EXPECT_EQ(sink_.records.back().body, "last words without newline");
}

TEST(PrefixesAgree, ComparesTheCommonLength) {
  EXPECT_TRUE(PrefixesAgree("abc", "abcdef"));
  EXPECT_TRUE(PrefixesAgree("abcdef", "abc"));
  EXPECT_FALSE(PrefixesAgree("abd", "abcdef"));
  EXPECT_FALSE(PrefixesAgree("", "abc"));
}

// ----- Docker's json-file format ----------------------------------------------------------

std::string DockerLine(const std::string& log, const std::string& stream, int second) {
  return "{\"log\":\"" + log + "\",\"stream\":\"" + stream +
         "\",\"time\":\"2024-05-01T12:00:" + (second < 10 ? "0" : "") + std::to_string(second) +
         ".5Z\"}\n";
}

InputOptions DockerFormat(bool multiline = false) {
  InputOptions in;
  in.customize = [multiline](TailInput& input) {
    input.format = LineFormat::kDockerJson;
    if (!multiline) return;
    Result<MultilineRules> rules = MultilineRules::Preset("java");
    input.multiline.emplace(std::move(*rules));
  };
  return in;
}

void Append(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << text;
}

std::string Attr(const otlp::Attributes& attributes, std::string_view key) {
  const otlp::AnyValue* v = otlp::FindAttribute(attributes, key);
  return v != nullptr ? v->string_value() : "";
}

TEST_F(FileTailerTest, DockerFormatShipsTextStreamAndContainerTime) {
  Append(Path("c.log"),
         DockerLine("out one\\n", "stdout", 1) + DockerLine("err one\\n", "stderr", 2));
  Start(DockerFormat());
  ASSERT_TRUE(PollForRecords(2));
  EXPECT_EQ(sink_.records[0].body, "out one");
  EXPECT_EQ(Attr(sink_.records[0].attributes, "log.iostream"), "stdout");
  EXPECT_EQ(sink_.records[0].time_unix_nano, 1714564801500000000u);
  EXPECT_EQ(sink_.records[1].body, "err one");
  EXPECT_EQ(Attr(sink_.records[1].attributes, "log.iostream"), "stderr");
  EXPECT_EQ(sink_.records[1].time_unix_nano, 1714564802500000000u);
}

TEST_F(FileTailerTest, DockerFormatHoldsTheCheckpointBeforeAnUnfinishedLine) {
  std::string first = DockerLine("part-a ", "stdout", 1);
  std::string err = DockerLine("err\\n", "stderr", 2);
  Append(Path("c.log"), first + err);
  Start(DockerFormat());
  ASSERT_TRUE(PollForRecords(1));
  PollFor(milliseconds(100));
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].body, "err");
  ASSERT_EQ(sink_.checkpoints.size(), 1u);
  // The stdout line is not finished: after a restart it is read again from its first piece.
  EXPECT_EQ(sink_.checkpoints.begin()->second.offset, 0u);
  Append(Path("c.log"), DockerLine("part-b\\n", "stdout", 3));
  ASSERT_TRUE(PollForRecords(2));
  EXPECT_EQ(sink_.records[1].body, "part-a part-b");
  EXPECT_EQ(sink_.records[1].time_unix_nano, 1714564801500000000u);
  PollFor(milliseconds(50));
  EXPECT_EQ(sink_.checkpoints.begin()->second.offset, std::filesystem::file_size(Path("c.log")));
}

TEST_F(FileTailerTest, DockerFormatJoinsMultilineRecordsWithTheirFirstLinesTime) {
  Append(Path("c.log"), DockerLine("Exception in thread main\\n", "stderr", 4) +
                            DockerLine("\\tat a.b(C.java:1)\\n", "stderr", 5) +
                            DockerLine("next record\\n", "stdout", 6));
  Start(DockerFormat(/*multiline=*/true));
  ASSERT_TRUE(PollForRecords(2));
  EXPECT_EQ(sink_.records[0].body, "Exception in thread main\n\tat a.b(C.java:1)");
  EXPECT_EQ(Attr(sink_.records[0].attributes, "log.iostream"), "stderr");
  EXPECT_EQ(sink_.records[0].time_unix_nano, 1714564804500000000u);
  EXPECT_EQ(sink_.records[1].body, "next record");
  EXPECT_EQ(Attr(sink_.records[1].attributes, "log.iostream"), "stdout");
  EXPECT_EQ(sink_.records[1].time_unix_nano, 1714564806500000000u);
}

}  // namespace
}  // namespace nightjar::agent
