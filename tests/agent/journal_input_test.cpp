// Tests of the journal input against real journal files: written by systemd-journal-remote (the
// journal's own writer) from the journal export format, read through libsystemd, stored in a
// real persistent queue.
#include "inputs/journal/journal_input.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "journal_writer.h"
#include "otlp/codec.h"
#include "queue/persistent_queue.h"
#include "temp_dir.h"

namespace nightjar::agent::journal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::JournalRemote;
using testing::Numbered;
using testing::TestEntry;
using testing::WriteJournal;

class JournalInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(JournalRemote())) << "systemd-journal-remote is needed";
    std::filesystem::create_directories(journal_dir());
    OpenQueue();
  }
  void TearDown() override {
    if (input_) input_->Stop();
  }

  std::string journal_dir() const { return dir_ / "journal"; }
  std::string journal_file() const { return journal_dir() + "/test.journal"; }

  void OpenQueue() {
    queue_.reset();
    QueueOptions q;
    q.path = dir_ / "queue.db";
    auto queue = PersistentQueue::Open(q);
    ASSERT_TRUE(queue.ok()) << queue.status().ToString();
    queue_ = std::move(*queue);
  }

  JournalInputSpec Spec(bool start_at_end = false) {
    JournalInputSpec spec;
    spec.name = "journal";
    spec.options.directory = journal_dir();
    spec.options.retry_interval = std::chrono::milliseconds(20);
    spec.start_at_end = start_at_end;
    spec.resource = {{"host.name", "agent-host"}, {"service.name", "journal"}};
    return spec;
  }

  // Starts an input with the cursor the queue holds (as the agent does at start).
  void StartInput(JournalInputSpec spec) {
    auto cursor = queue_->LoadCursor(spec.name);
    ASSERT_TRUE(cursor.ok()) << cursor.status().ToString();
    BatchLimits limits;
    limits.max_age = std::chrono::milliseconds(20);
    limits.max_records = 64;
    input_ = std::make_unique<JournalInput>(std::move(spec), *cursor, queue_.get(), limits,
                                            queue_->pool(), &metrics_);
    input_->Start();
  }

  void StopInput() {
    input_->Stop();
    input_.reset();
  }

  // Takes every batch out of the queue, appending its records to received_.
  void Drain() {
    while (true) {
      auto front = queue_->Front();
      ASSERT_TRUE(front.ok()) << front.status().ToString();
      if (!front->has_value()) return;
      auto data = otlp::DecodeLogs(*(*front)->body, otlp::Encoding::kProtobuf);
      ASSERT_TRUE(data.ok()) << data.status().ToString();
      for (const auto& rl : data->resource_logs) {
        for (const auto& sl : rl.scope_logs) {
          for (const auto& r : sl.log_records) {
            received_.push_back(r);
            resources_.push_back(rl.resource);
          }
        }
      }
      ASSERT_TRUE(queue_->Remove((*front)->id).ok());
    }
  }

  // Drains the queue until `n` records arrived in all, or fails after a deadline.
  void WaitForRecords(size_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (received_.size() < n && std::chrono::steady_clock::now() < deadline) {
      Drain();
      if (received_.size() < n) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(received_.size(), n);
  }

  std::vector<std::string> Bodies() const {
    std::vector<std::string> out;
    for (const auto& r : received_) out.push_back(r.body.string_value());
    return out;
  }

  // Checks that received_ holds "line from" .. "line to-1" exactly once, in order.
  void ExpectNumbered(int from, int to) {
    std::vector<std::string> expected;
    for (int i = from; i < to; ++i) expected.push_back("line " + std::to_string(i));
    EXPECT_EQ(Bodies(), expected);
  }

  testing::TempDir dir_;
  metrics::Registry registry_;
  AgentMetrics metrics_{&registry_};
  std::unique_ptr<PersistentQueue> queue_;
  std::unique_ptr<JournalInput> input_;
  std::vector<otlp::LogRecord> received_;
  std::vector<otlp::Resource> resources_;
};

const otlp::AnyValue* Attribute(const otlp::LogRecord& r, const std::string& key) {
  for (const auto& kv : r.attributes) {
    if (kv.key == key) return &kv.value;
  }
  return nullptr;
}

TEST_F(JournalInputTest, ShipsEveryEntryWithItsFields) {
  std::vector<TestEntry> entries = Numbered(0, 3);
  entries[1].priority = 3;
  entries[2].message = "first line\nsecond line";
  entries[2].priority = 0;
  WriteJournal(journal_file(), entries);
  StartInput(Spec());
  WaitForRecords(3);

  const otlp::LogRecord& r = received_[0];
  EXPECT_EQ(r.body.string_value(), "line 0");
  EXPECT_EQ(r.time_unix_nano, 1'700'000'000'000'000'000ull);
  EXPECT_EQ(r.severity_number, 9);
  EXPECT_EQ(r.severity_text, "info");
  ASSERT_NE(Attribute(r, "systemd.unit"), nullptr);
  EXPECT_EQ(Attribute(r, "systemd.unit")->string_value(), "shop.service");
  EXPECT_EQ(Attribute(r, "syslog.identifier")->string_value(), "shop");
  EXPECT_EQ(Attribute(r, "process.command")->string_value(), "shopd");
  EXPECT_EQ(Attribute(r, "process.pid")->int_value(), 4242);
  EXPECT_EQ(Attribute(r, "journald.transport")->string_value(), "journal");
  EXPECT_EQ(received_[1].severity_number, 17);
  EXPECT_EQ(received_[1].severity_text, "err");
  EXPECT_EQ(received_[2].body.string_value(), "first line\nsecond line");
  EXPECT_EQ(received_[2].severity_text, "emerg");

  bool has_host = false;
  for (const auto& kv : resources_[0].attributes) {
    if (kv.key == "host.name") has_host = kv.value.string_value() == "agent-host";
  }
  EXPECT_TRUE(has_host);
}

TEST_F(JournalInputTest, FollowsNewEntriesAndResumesAfterARestartWithoutLossOrRepeat) {
  WriteJournal(journal_file(), Numbered(0, 100));
  StartInput(Spec());
  WaitForRecords(100);
  WriteJournal(journal_file(), Numbered(100, 150));  // while the input follows
  WaitForRecords(150);
  StopInput();

  // Written while the agent is stopped, then read by a new input over the same queue (as after
  // a restart): exactly the new entries.
  WriteJournal(journal_file(), Numbered(150, 220));
  OpenQueue();
  StartInput(Spec());
  WaitForRecords(220);
  ExpectNumbered(0, 220);
}

TEST_F(JournalInputTest, StartAtEndSkipsHistoryButNotWhatComesWhileStopped) {
  WriteJournal(journal_file(), Numbered(0, 10));
  StartInput(Spec(/*start_at_end=*/true));
  // The end is remembered at once: entries written after it are read even across a restart
  // that happens before the input read anything.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    auto cursor = queue_->LoadCursor("journal");
    ASSERT_TRUE(cursor.ok());
    if (cursor->has_value()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  StopInput();
  WriteJournal(journal_file(), Numbered(10, 15));
  StartInput(Spec(/*start_at_end=*/true));
  WaitForRecords(5);
  WriteJournal(journal_file(), Numbered(15, 20));
  WaitForRecords(10);
  ExpectNumbered(10, 20);
}

TEST_F(JournalInputTest, SelectsEntriesByUnitOrIdentifier) {
  std::vector<TestEntry> entries = Numbered(0, 6);
  entries[1].unit = "other.service";
  entries[1].identifier = "other";
  entries[3].unit = "cron.service";
  entries[3].identifier = "CRON";
  entries[4].unit = "other.service";
  entries[4].identifier = "other";
  WriteJournal(journal_file(), entries);
  JournalInputSpec spec = Spec();
  spec.options.selection.units = {"shop.service"};
  spec.options.selection.identifiers = {"CRON"};
  StartInput(std::move(spec));
  WaitForRecords(4);
  EXPECT_THAT(Bodies(), ElementsAre("line 0", "line 2", "line 3", "line 5"));
}

TEST_F(JournalInputTest, WaitsForAJournalThatIsNotThereYet) {
  JournalInputSpec spec = Spec();
  spec.options.directory = dir_ / "later";
  StartInput(std::move(spec));
  std::filesystem::create_directories(dir_ / "later");
  WriteJournal(dir_ / "later/test.journal", Numbered(0, 5));
  WaitForRecords(5);
  ExpectNumbered(0, 5);
}

TEST_F(JournalInputTest, ReplacesInvalidUtf8AndCountsIt) {
  std::vector<TestEntry> entries = Numbered(0, 1);
  entries[0].message = "bad \xff byte";
  WriteJournal(journal_file(), entries);
  StartInput(Spec());
  WaitForRecords(1);
  EXPECT_EQ(received_[0].body.string_value(), "bad \xef\xbf\xbd byte");
  EXPECT_THAT(registry_.Render(),
              HasSubstr("nightjar_agent_invalid_utf8_total{input=\"journal\"} 1"));
}

}  // namespace
}  // namespace nightjar::agent::journal
