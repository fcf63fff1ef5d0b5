// Tests of the persistent queue on real SQLite: batches and checkpoints commit together or not
// at all (also when the process is killed mid-way), the byte bound, restarts, corruption.
#include "queue/persistent_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "queue_schema_v1.h"
#include "temp_dir.h"

namespace nightjar::agent {
namespace {

Checkpoint MakeCheckpoint(uint64_t inode, uint64_t offset, std::string path = "/var/log/a.log") {
  return Checkpoint{FileKey{1, inode}, "app", std::move(path), "first bytes", offset, 0};
}

CommitRequest Batch(std::string body, uint32_t records, std::vector<Checkpoint> checkpoints = {}) {
  CommitRequest r;
  r.body = std::move(body);
  r.records = records;
  r.checkpoints = std::move(checkpoints);
  return r;
}

class QueueTest : public ::testing::Test {
 protected:
  std::unique_ptr<PersistentQueue> Open(uint64_t max_bytes = 1 << 20) {
    QueueOptions options;
    options.path = dir_ / "queue.db";
    options.max_bytes = max_bytes;
    options.hot_bytes = 64;
    auto queue = PersistentQueue::Open(options);
    EXPECT_TRUE(queue.ok()) << queue.status().ToString();
    return queue.ok() ? std::move(*queue) : nullptr;
  }
  testing::TempDir dir_;
};

TEST_F(QueueTest, DeliversBatchesInOrderAndForgetsThemWhenRemoved) {
  auto queue = Open();
  CommitRequest a = Batch("first", 2);
  CommitRequest b = Batch("second", 3);
  ASSERT_TRUE(queue->Commit(a).ok());
  ASSERT_TRUE(queue->Commit(b).ok());
  EXPECT_EQ(queue->batches(), 2u);
  EXPECT_EQ(queue->records(), 5u);
  EXPECT_EQ(queue->bytes(), 11u);
  auto front = queue->Front();
  ASSERT_TRUE(front.ok());
  ASSERT_TRUE(front->has_value());
  EXPECT_EQ(*(*front)->body, "first");
  EXPECT_EQ((*front)->records, 2u);
  // Not removed until acknowledged: asking again gives the same batch.
  EXPECT_EQ(*(*queue->Front())->body, "first");
  ASSERT_TRUE(queue->Remove((*front)->id).ok());
  EXPECT_EQ(*(*queue->Front())->body, "second");
  ASSERT_TRUE(queue->Remove((*queue->Front())->id).ok());
  EXPECT_FALSE(queue->Front()->has_value());
  EXPECT_EQ(queue->bytes(), 0u);
  EXPECT_EQ(queue->OldestCreatedUnixNanos(), 0);
}

TEST_F(QueueTest, KeepsCompressionFlagsAndReadsEvictedBatchesFromDisk) {
  auto queue = Open();  // hot_bytes = 64: every batch but the newest is read back from SQLite
  CommitRequest a = Batch(std::string(1000, 'a'), 1);
  a.gzip = true;
  CommitRequest b = Batch(std::string(1000, 'b'), 1);
  ASSERT_TRUE(queue->Commit(a).ok());
  ASSERT_TRUE(queue->Commit(b).ok());
  auto front = queue->Front();
  ASSERT_TRUE(front.ok() && front->has_value());
  EXPECT_EQ(*(*front)->body, std::string(1000, 'a'));
  EXPECT_TRUE((*front)->gzip);
  ASSERT_TRUE(queue->Remove((*front)->id).ok());
  EXPECT_FALSE((*queue->Front())->gzip);
}

TEST_F(QueueTest, CheckpointsCommitWithTheirBatchAndSurviveRestarts) {
  {
    auto queue = Open();
    EXPECT_TRUE(queue->first_run());
    CommitRequest r = Batch("lines", 1, {MakeCheckpoint(7, 100)});
    ASSERT_TRUE(queue->Commit(r).ok());
    CommitRequest move = Batch("", 0, {MakeCheckpoint(7, 250), MakeCheckpoint(8, 10)});
    ASSERT_TRUE(queue->Commit(move).ok());
    ASSERT_TRUE(queue->MarkInitialized().ok());
  }
  auto queue = Open();
  EXPECT_FALSE(queue->first_run());
  EXPECT_EQ(queue->batches(), 1u);
  auto checkpoints = queue->LoadCheckpoints();
  ASSERT_TRUE(checkpoints.ok());
  ASSERT_EQ(checkpoints->size(), 2u);
  for (const Checkpoint& cp : *checkpoints) {
    EXPECT_EQ(cp.offset, cp.key.inode == 7 ? 250u : 10u);
    EXPECT_EQ(cp.fingerprint, "first bytes");
  }
  CommitRequest forget;
  forget.forget = {FileKey{1, 7}};
  ASSERT_TRUE(queue->Commit(forget).ok());
  EXPECT_EQ(queue->LoadCheckpoints()->size(), 1u);
}

TEST_F(QueueTest, AFailedCommitStoresNeitherBatchNorCheckpoint) {
  auto queue = Open();
  // Another connection plants a trigger that refuses one checkpoint: the transaction must roll
  // back the batch inserted before it.
  {
    auto db = sqlite::Database::Open(dir_ / "queue.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("CREATE TRIGGER refuse BEFORE INSERT ON checkpoints "
                         "WHEN NEW.path = '/boom' BEGIN SELECT RAISE(ABORT, 'injected'); END")
                    .ok());
  }
  CommitRequest r = Batch("payload", 4, {MakeCheckpoint(9, 99, "/boom")});
  Status st = queue->Commit(r);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(queue->batches(), 0u);
  EXPECT_EQ(queue->bytes(), 0u);
  EXPECT_FALSE(queue->Front()->has_value());
  EXPECT_TRUE(queue->LoadCheckpoints()->empty());
  // The request is intact, so that the caller can retry it.
  EXPECT_EQ(r.body, "payload");
  EXPECT_EQ(r.checkpoints.size(), 1u);
}

TEST_F(QueueTest, BoundsBytesButAlwaysAcceptsOneBatch) {
  auto queue = Open(/*max_bytes=*/100);
  EXPECT_TRUE(queue->HasRoom(500));  // empty: one oversized batch must not wedge the agent
  CommitRequest big = Batch(std::string(500, 'x'), 1);
  ASSERT_TRUE(queue->Commit(big).ok());
  EXPECT_FALSE(queue->HasRoom(1));
  EXPECT_TRUE(queue->HasRoom(0));  // checkpoint-only commits never wait
  ASSERT_TRUE(queue->Remove((*queue->Front())->id).ok());
  EXPECT_TRUE(queue->HasRoom(60));
  CommitRequest a = Batch(std::string(60, 'a'), 1);
  ASSERT_TRUE(queue->Commit(a).ok());
  EXPECT_TRUE(queue->HasRoom(40));
  EXPECT_FALSE(queue->HasRoom(41));
}

TEST_F(QueueTest, ListenersHearCommitsAndRemovals) {
  auto queue = Open();
  int commits = 0;
  int removals = 0;
  queue->SetListeners([&] { ++commits; }, [&] { ++removals; });
  CommitRequest a = Batch("a", 1);
  ASSERT_TRUE(queue->Commit(a).ok());
  CommitRequest only_checkpoint = Batch("", 0, {MakeCheckpoint(1, 1)});
  ASSERT_TRUE(queue->Commit(only_checkpoint).ok());
  ASSERT_TRUE(queue->Remove((*queue->Front())->id).ok());
  EXPECT_EQ(commits, 1);
  EXPECT_EQ(removals, 1);
}

TEST_F(QueueTest, MovesACorruptDatabaseAsideAndStartsAgain) {
  {
    std::ofstream junk(dir_ / "queue.db");
    junk << std::string(100000, 'J');
  }
  auto queue = Open();
  ASSERT_NE(queue, nullptr);
  EXPECT_EQ(queue->batches(), 0u);
  // Checkpoints were lost with the old file: files are read from their start, never skipped.
  EXPECT_FALSE(queue->first_run());
  bool moved = false;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    if (e.path().filename().string().rfind("queue.db.corrupt-", 0) == 0) moved = true;
  }
  EXPECT_TRUE(moved);
}

TEST_F(QueueTest, HoldsBatchesOfEitherSignal) {
  auto queue = Open();  // hot_bytes = 64: the older batches are read back from SQLite
  CommitRequest logs = Batch(std::string(100, 'l'), 3);
  CommitRequest metrics = Batch(std::string(100, 'm'), 40);
  metrics.signal = otlp::Signal::kMetrics;
  CommitRequest more_logs = Batch(std::string(100, 'k'), 1);
  ASSERT_TRUE(queue->Commit(logs).ok());
  ASSERT_TRUE(queue->Commit(metrics).ok());
  ASSERT_TRUE(queue->Commit(more_logs).ok());
  EXPECT_EQ(queue->records(), 44u);
  std::vector<otlp::Signal> order;
  for (int i = 0; i < 3; ++i) {
    auto front = queue->Front();
    ASSERT_TRUE(front.ok() && front->has_value());
    EXPECT_TRUE((*front)->defect.empty());
    order.push_back((*front)->signal);
    if ((*front)->signal == otlp::Signal::kMetrics) {
      EXPECT_EQ(*(*front)->body, std::string(100, 'm'));
      EXPECT_EQ((*front)->records, 40u);
    }
    ASSERT_TRUE(queue->Remove((*front)->id).ok());
  }
  EXPECT_THAT(order, ::testing::ElementsAre(otlp::Signal::kLogs, otlp::Signal::kMetrics,
                                            otlp::Signal::kLogs));
  // The signal survives a restart (read from disk, not from memory).
  CommitRequest stored = Batch("points", 2);
  stored.signal = otlp::Signal::kMetrics;
  ASSERT_TRUE(queue->Commit(stored).ok());
  queue.reset();
  queue = Open();
  EXPECT_EQ((*queue->Front())->signal, otlp::Signal::kMetrics);
}

TEST_F(QueueTest, ABatchOfAnUnknownSignalIsFlaggedNotSent) {
  auto queue = Open();
  CommitRequest r = Batch("spans", 1);
  ASSERT_TRUE(queue->Commit(r).ok());
  queue.reset();
  {
    auto db = sqlite::Database::Open(dir_ / "queue.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("UPDATE batches SET signal = 'profiles'").ok());
  }
  queue = Open();
  auto front = queue->Front();
  ASSERT_TRUE(front.ok() && front->has_value());
  EXPECT_EQ((*front)->defect, "unknown signal \"profiles\"");
}

// What an agent of schema version 1 left on disk: its schema, two batches and a checkpoint.
const std::string kSchemaVersion1 = std::string(testing::kQueueSchemaVersion1) + R"sql(
INSERT INTO batches(created_unix_ns, records, bytes, content_encoding, body)
  VALUES(1000, 2, 9, 'identity', CAST('old logs1' AS BLOB));
INSERT INTO batches(created_unix_ns, records, bytes, content_encoding, body)
  VALUES(2000, 5, 9, 'gzip', CAST('old logs2' AS BLOB));
INSERT INTO checkpoints VALUES(1, 7, 'app', '/var/log/a.log', CAST('first bytes' AS BLOB), 4096,
  0, 3000);
)sql";

std::string SchemaVersion(const std::string& path) {
  auto db = sqlite::Database::Open(path);
  if (!db.ok()) return "unopenable";
  auto select = db->Prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!select.ok() || !*select->Step()) return "none";
  return std::string(select->Text(0));
}

TEST_F(QueueTest, AnUpgradeKeepsTheLogsQueuedByTheOlderSchema) {
  {
    auto db = sqlite::Database::Open(dir_ / "queue.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec(kSchemaVersion1).ok());
  }
  auto queue = Open();
  ASSERT_NE(queue, nullptr);
  EXPECT_EQ(SchemaVersion(dir_ / "queue.db"), "2");
  // Nothing moved aside, nothing lost: both batches, as logs, in order; the checkpoint; and the
  // state is not taken for a first run (start_at: end must not skip anything now).
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_EQ(e.path().filename().string().find("corrupt"), std::string::npos);
  }
  EXPECT_FALSE(queue->first_run());
  EXPECT_EQ(queue->batches(), 2u);
  EXPECT_EQ(queue->records(), 7u);
  EXPECT_EQ(queue->bytes(), 18u);
  auto first = queue->Front();
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ(*(*first)->body, "old logs1");
  EXPECT_EQ((*first)->signal, otlp::Signal::kLogs);
  EXPECT_EQ((*first)->created_unix_nanos, 1000);
  EXPECT_FALSE((*first)->gzip);
  ASSERT_TRUE(queue->Remove((*first)->id).ok());
  auto second = queue->Front();
  EXPECT_EQ(*(*second)->body, "old logs2");
  EXPECT_TRUE((*second)->gzip);
  EXPECT_EQ((*second)->signal, otlp::Signal::kLogs);
  auto checkpoints = queue->LoadCheckpoints();
  ASSERT_TRUE(checkpoints.ok());
  ASSERT_EQ(checkpoints->size(), 1u);
  EXPECT_EQ((*checkpoints)[0].offset, 4096u);
  EXPECT_EQ((*checkpoints)[0].path, "/var/log/a.log");
  // The migrated queue takes metrics, and opening it again changes nothing.
  CommitRequest metrics = Batch("points", 3);
  metrics.signal = otlp::Signal::kMetrics;
  ASSERT_TRUE(queue->Commit(metrics).ok());
  queue.reset();
  queue = Open();
  ASSERT_NE(queue, nullptr);
  EXPECT_EQ(queue->batches(), 2u);
  EXPECT_EQ((*queue->Front())->signal, otlp::Signal::kLogs);
  EXPECT_EQ(SchemaVersion(dir_ / "queue.db"), "2");
}

TEST_F(QueueTest, AQueueFromANewerAgentIsRefusedAndLeftAsItIs) {
  {
    auto queue = Open();
    CommitRequest r = Batch("future", 1);
    ASSERT_TRUE(queue->Commit(r).ok());
  }
  {
    auto db = sqlite::Database::Open(dir_ / "queue.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("UPDATE meta SET value = '9' WHERE key = 'schema_version'").ok());
  }
  QueueOptions options;
  options.path = dir_ / "queue.db";
  auto queue = PersistentQueue::Open(options);
  ASSERT_FALSE(queue.ok());
  EXPECT_THAT(queue.status().message(), ::testing::HasSubstr("newer nightjar-agent (schema 9"));
  EXPECT_EQ(SchemaVersion(dir_ / "queue.db"), "9");
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_EQ(e.path().filename().string().find("corrupt"), std::string::npos);
  }
}

// A child process commits batches in a loop, each with the checkpoint of the same file at the
// batch's number, and is killed with SIGKILL at an arbitrary moment. Whatever survives must
// be consistent: the checkpoint equals the number of the last stored batch.
TEST_F(QueueTest, KillNineNeverSeparatesABatchFromItsCheckpoint) {
  for (int round = 0; round < 3; ++round) {
    std::string path = dir_ / ("kill" + std::to_string(round) + ".db");
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      QueueOptions options;
      options.path = path;
      auto queue = PersistentQueue::Open(options);
      if (!queue.ok()) ::_exit(3);
      for (uint64_t n = 1;; ++n) {
        CommitRequest r = Batch("batch " + std::to_string(n) + std::string(20000, '.'), 1,
                                {MakeCheckpoint(1, n)});
        if (!(*queue)->Commit(r).ok()) ::_exit(4);
      }
    }
    // Let it commit a while, then kill it mid-stride.
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + 70 * round));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself: " << status;

    QueueOptions options;
    options.path = path;
    auto queue = PersistentQueue::Open(options);
    ASSERT_TRUE(queue.ok()) << queue.status().ToString();
    auto checkpoints = (*queue)->LoadCheckpoints();
    ASSERT_TRUE(checkpoints.ok());
    ASSERT_EQ(checkpoints->size(), 1u);
    uint64_t checkpoint = (*checkpoints)[0].offset;
    EXPECT_GT(checkpoint, 0u);
    EXPECT_EQ((*queue)->batches(), checkpoint);
    // Drain: the batches are 1..checkpoint, in order, none missing.
    for (uint64_t n = 1; n <= checkpoint; ++n) {
      auto front = (*queue)->Front();
      ASSERT_TRUE(front.ok() && front->has_value());
      EXPECT_EQ((*front)->body->substr(0, 6 + std::to_string(n).size()),
                "batch " + std::to_string(n));
      ASSERT_TRUE((*queue)->Remove((*front)->id).ok());
    }
    EXPECT_FALSE((*queue)->Front()->has_value());
  }
}

}  // namespace
}  // namespace nightjar::agent
