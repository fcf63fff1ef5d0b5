// The correctness matrix: the real nightjar-agent binary tails files that tests write, rotate,
// truncate and delete while it runs, and ships to a test OTLP receiver that tests stop, restart
// and make answer 503. Each case writes numbered lines and checks that the receiver got every
// line exactly once and in order, or, where the agent is killed with SIGKILL, at least once
// with duplicates only from the unacknowledged batch.
//
// The receiver is reached through the LogSink interface (test_receiver.h), so the same cases
// can run against the real collector through a sink that reads back what it stored; the
// fault-injection cases (503, stop/start) need the test receiver.
//
// Nothing here sleeps and hopes: every wait is for a condition (records received, a metric's
// value, a log line) with a deadline.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "agent_process.h"
#include "log_writer.h"
#include "sequence_check.h"
#include "temp_dir.h"
#include "test_receiver.h"

namespace nightjar::agent::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kWait = seconds(60);
// Batches in these tests hold at most this many records: the bound on kill -9 duplicates.
constexpr int kBatchRecords = 500;

constexpr char kPaused[] = "nightjar_agent_inputs_paused";
constexpr char kQueueBatches[] = "nightjar_agent_queue_batches";
constexpr char kQueueBytes[] = "nightjar_agent_queue_bytes";
constexpr char kUnread[] = "nightjar_agent_files_unread_bytes";
constexpr char kLinesRead[] = "nightjar_agent_lines_read_total{input=\"app\"}";
constexpr char kBytesRead[] = "nightjar_agent_bytes_read_total{input=\"app\"}";
constexpr char kAcked[] = "nightjar_agent_records_acked_total";
constexpr char kRetried[] = "nightjar_agent_records_retried_total";
constexpr char kNetworkErrors[] = "nightjar_agent_export_requests_total{code=\"network\"}";
constexpr char kSplit[] = "nightjar_agent_long_lines_total{input=\"app\",action=\"split\"}";

struct ConfigOptions {
  std::string include;  // default: <logs>/*.log
  std::string input_extra;
  std::string queue_max_bytes = "64MiB";
  std::string compression = "gzip";
};

ConfigOptions Include(std::string include) {
  ConfigOptions o;
  o.include = std::move(include);
  return o;
}

class CorrectnessMatrix : public ::testing::Test {
 protected:
  void SetUp() override {
    logs_ = dir_ / "logs";
    std::filesystem::create_directories(logs_);
    ASSERT_TRUE(receiver_.Start().ok());
    sink_ = &receiver_;
  }

  void TearDown() override {
    if (HasFailure() && agent_) {
      std::fprintf(stderr, "---- agent log ----\n%s\n", agent_->Log().c_str());
    }
    agent_.reset();
    receiver_.Stop();
  }

  std::string Log(const std::string& name) const { return logs_ + "/" + name; }

  void WriteConfig(const ConfigOptions& options = {}) {
    std::string include = options.include.empty() ? logs_ + "/*.log" : options.include;
    std::ofstream out(dir_ / "agent.yaml");
    out << "state_dir: " << dir_.path() << "/state\n"
        << "inputs:\n"
        << "  - name: app\n"
        << "    include: [\"" << include << "\"]\n"
        << options.input_extra << "tail:\n"
        << "  poll_interval: 100ms\n"
        << "  rotate_wait: 1s\n"
        << "batch:\n"
        << "  max_records: " << kBatchRecords << "\n"
        << "  max_bytes: 256KiB\n"
        << "  timeout: 20ms\n"
        << "queue:\n"
        << "  max_bytes: " << options.queue_max_bytes << "\n"
        << "exporter:\n"
        << "  endpoint: " << sink_->endpoint() << "\n"
        << "  compression: " << options.compression << "\n"
        << "  timeout: 5s\n"
        << "  retry: {initial_interval: 50ms, max_interval: 400ms}\n"
        << "metrics:\n"
        << "  listen: 127.0.0.1:0\n"
        << "shutdown:\n"
        << "  grace_period: 10s\n";
  }

  AgentProcess& StartAgent() {
    if (!agent_) agent_ = std::make_unique<AgentProcess>(dir_ / "agent.yaml", dir_ / "agent.log");
    EXPECT_TRUE(agent_->Start()) << agent_->Log();
    return *agent_;
  }

  // Waits until the sink holds `n` records and the agent is settled (everything read, nothing
  // queued), so that a duplicate would already have arrived; returns the records.
  std::vector<ReceivedRecord> WaitForRecords(size_t n) {
    EXPECT_TRUE(receiver_.WaitForRecords(n, kWait))
        << "got " << sink_->record_count() << " of " << n << " records";
    if (agent_ && agent_->running()) {
      EXPECT_TRUE(agent_->WaitForMetric(
          kQueueBatches, [](double v) { return v == 0; }, kWait));
      EXPECT_TRUE(agent_->WaitForMetric(
          kUnread, [](double v) { return v == 0; }, kWait));
    }
    return sink_->Records();
  }

  TempDir dir_;
  std::string logs_;
  TestReceiver receiver_;
  LogSink* sink_ = nullptr;
  std::unique_ptr<AgentProcess> agent_;
};

TEST_F(CorrectnessMatrix, ShipsEveryLineOfAGrowingFileOnce) {
  WriteConfig();
  LogWriter app(Log("app.log"));
  app.WriteLines("app", 0, 1000);
  StartAgent();
  app.WriteLines("app", 1000, 3000);
  auto records = WaitForRecords(3000);
  EXPECT_TRUE(ExactlyOnceInOrder(records, "app", 3000));
  // OpenTelemetry attributes on every record and resource.
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records[0].file_path, Log("app.log"));
  const otlp::AnyValue* name = otlp::FindAttribute(records[0].attributes, "log.file.name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->string_value(), "app.log");
  EXPECT_NE(otlp::FindAttribute(records[0].resource, "host.name"), nullptr);
  const otlp::AnyValue* os = otlp::FindAttribute(records[0].resource, "os.type");
  ASSERT_NE(os, nullptr);
  EXPECT_EQ(os->string_value(), "linux");
  const otlp::AnyValue* service = otlp::FindAttribute(records[0].resource, "service.name");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(service->string_value(), "app");
  EXPECT_EQ(agent_->Metric(kAcked), 3000);
  EXPECT_EQ(agent_->Terminate(), 0);
}

TEST_F(CorrectnessMatrix, RenameCreateRotationUnderLoad) {
  WriteConfig();  // "*.log": rotated names (app.log.N) are not matched
  StartAgent();
  constexpr int kLines = 30000;
  constexpr int kEvery = 5000;
  LogWriter app(Log("app.log"));
  for (int from = 0; from < kLines; from += 100) {
    app.WriteLines("app", from, from + 100);
    if ((from + 100) % kEvery == 0 && from + 100 < kLines) {
      app.RotateByRename(Log("app.log." + std::to_string(from / kEvery)));
    }
  }
  auto records = WaitForRecords(kLines);
  EXPECT_TRUE(ExactlyOnceInOrder(records, "app", kLines));
  EXPECT_EQ(agent_->Metric("nightjar_agent_file_rotations_total{input=\"app\",kind=\"rename\"}"),
            kLines / kEvery - 1);
}

TEST_F(CorrectnessMatrix, CopytruncateUnderLoadWithTheCopyInTheGlob) {
  WriteConfig(Include(logs_ + "/app.log*"));
  StartAgent();
  constexpr int kLines = 20000;
  LogWriter app(Log("app.log"));
  // The agent has the file open before the load starts; two files found in the same look
  // (a copy and its truncated original) have no order the agent could know.
  app.WriteLines("app", 0, 100);
  ASSERT_TRUE(receiver_.WaitForRecords(1, kWait));
  int rotations = 0;
  for (int from = 100; from < kLines; from += 100) {
    app.WriteLines("app", from, from + 100);
    if ((from + 100) % 4000 == 0 && from + 100 < kLines) {
      // logrotate copies, then truncates; the application keeps writing (O_APPEND), so the
      // agent is usually behind: the copy holds lines it has not read yet.
      app.RotateByCopyTruncate(Log("app.log." + std::to_string(++rotations)));
      app.WriteLines("app", from + 100, from + 200);
      from += 100;
      // Rotations are far apart compared with the agent's reaction time (logrotate runs from
      // cron, hours apart): the agent has seen the new content before it is rotated in turn.
      // (Content rotated away before the agent read any of it is found in the copy and read
      // from its start: still once, but its order against newer content is unknowable.)
      ASSERT_TRUE(receiver_.WaitUntil(
          [&] {
            std::vector<int> seen = SequenceOf(receiver_.Records(), "app");
            return std::find(seen.begin(), seen.end(), from) != seen.end();
          },
          kWait));
    }
  }
  auto records = WaitForRecords(kLines);
  // The copies hold lines already shipped from app.log: none is shipped twice, and the
  // unread part of each is shipped before the new lines of app.log.
  EXPECT_TRUE(ExactlyOnceInOrder(records, "app", kLines));
  EXPECT_EQ(agent_->Metric("nightjar_agent_file_rotations_total{input=\"app\",kind=\"copy\"}"),
            rotations);
}

TEST_F(CorrectnessMatrix, CopytruncateOfAFileReadToItsEnd) {
  WriteConfig();  // the copy (app.log.1) is not matched
  StartAgent();
  LogWriter app(Log("app.log"));
  app.WriteLines("app", 0, 1000);
  ASSERT_TRUE(receiver_.WaitForRecords(1000, kWait));
  app.RotateByCopyTruncate(Log("app.log.1"));
  app.WriteLines("app", 1000, 1500);
  EXPECT_TRUE(ExactlyOnceInOrder(WaitForRecords(1500), "app", 1500));
}

TEST_F(CorrectnessMatrix, Truncation) {
  WriteConfig();
  StartAgent();
  LogWriter app(Log("app.log"));
  app.WriteLines("app", 0, 1000);
  ASSERT_TRUE(receiver_.WaitForRecords(1000, kWait));
  app.Truncate();
  app.WriteLines("app", 1000, 1300);
  ASSERT_TRUE(receiver_.WaitForRecords(1300, kWait));
  // Truncated while the agent is stopped, and rewritten longer than before: the fingerprint
  // tells that it is new content.
  ASSERT_EQ(agent_->Terminate(), 0);
  app.Truncate();
  app.WriteLines("app", 1300, 3000);
  StartAgent();
  EXPECT_TRUE(ExactlyOnceInOrder(WaitForRecords(3000), "app", 3000));
}

TEST_F(CorrectnessMatrix, FileDeletedWhileBeingRead) {
  // A small queue and an unreachable collector pause the agent part-way through the file, so
  // that the deletion happens while the file is being read, every time.
  ConfigOptions options;
  options.queue_max_bytes = "512KiB";
  options.compression = "none";
  WriteConfig(options);
  receiver_.Stop();
  constexpr int kLines = 50000;  // 5 MB
  {
    LogWriter app(Log("app.log"));
    app.WriteLines("app", 0, kLines);
  }
  StartAgent();
  ASSERT_TRUE(agent_->WaitForMetric(
      kPaused, [](double v) { return v == 1; }, kWait));
  EXPECT_LT(*agent_->Metric(kLinesRead), kLines);
  ASSERT_EQ(::unlink(Log("app.log").c_str()), 0);
  ASSERT_TRUE(receiver_.Start().ok());
  EXPECT_TRUE(ExactlyOnceInOrder(WaitForRecords(kLines), "app", kLines));
  EXPECT_TRUE(agent_->WaitForLog("file deleted; reading the rest", kWait));
}

TEST_F(CorrectnessMatrix, NewFilesMatchingAGlobAppear) {
  WriteConfig(Include(logs_ + "/**/*.log"));
  StartAgent();
  LogWriter first(Log("first.log"));
  first.WriteLines("first", 0, 300);
  std::filesystem::create_directories(Log("team/service"));
  LogWriter deep(Log("team/service/deep.log"));
  deep.WriteLines("deep", 0, 200);
  LogWriter ignored(Log("notes.txt"));
  ignored.WriteLines("ignored", 0, 10);
  auto records = WaitForRecords(500);
  EXPECT_TRUE(ExactlyOnceInOrder(records, "first", 300));
  EXPECT_TRUE(ExactlyOnceInOrder(records, "deep", 200));
  EXPECT_EQ(records.size(), 500u);
}

TEST_F(CorrectnessMatrix, TwoFilesWithIdenticalFirstLines) {
  WriteConfig();
  const std::string header = "# generated by service v1.2\n# columns: time level message\n";
  LogWriter a(Log("a.log"));
  LogWriter b(Log("b.log"));
  a.Write(header);
  b.Write(header);
  StartAgent();
  a.WriteLines("a", 0, 400);
  b.WriteLines("b", 0, 600);
  auto records = WaitForRecords(1004);
  EXPECT_EQ(records.size(), 1004u);
  EXPECT_TRUE(ExactlyOnceInOrder(records, "a", 400));
  EXPECT_TRUE(ExactlyOnceInOrder(records, "b", 600));
  int headers_from_b = 0;
  for (const auto& r : records) {
    if (r.body[0] == '#' && r.file_path == Log("b.log")) ++headers_from_b;
  }
  EXPECT_EQ(headers_from_b, 2);
}

TEST_F(CorrectnessMatrix, ATenMegabyteLine) {
  WriteConfig();
  StartAgent();
  std::string huge;
  huge.reserve(10 << 20);
  for (int i = 0; huge.size() < (10u << 20); ++i) huge += "chunk" + std::to_string(i) + ",";
  LogWriter app(Log("app.log"));
  app.WriteLines("app", 0, 5);
  app.Write(huge + "\n");
  app.WriteLines("app", 5, 10);
  // Split into 1 MiB parts (max_line_size default), nothing lost, the file still followed.
  auto records = WaitForRecords(10 + 11);
  std::string joined;
  for (const auto& r : records) {
    if (r.body.rfind("app ", 0) == 0) continue;
    EXPECT_LE(r.body.size(), 1u << 20);
    joined += r.body;
  }
  EXPECT_EQ(joined.size(), huge.size());
  EXPECT_TRUE(joined == huge);
  EXPECT_TRUE(ExactlyOnceInOrder(records, "app", 10));
  EXPECT_EQ(agent_->Metric(kSplit), 1);
}

TEST_F(CorrectnessMatrix, APartialLastLineCompletedLater) {
  WriteConfig();
  StartAgent();
  LogWriter app(Log("app.log"));
  app.WriteLines("app", 0, 100);
  std::string last = NumberedLine("app", 100);
  app.Write(last.substr(0, 40));
  // The agent has read every byte, the partial line included, and shipped the 100 lines...
  uint64_t size = std::filesystem::file_size(Log("app.log"));
  ASSERT_TRUE(agent_->WaitForMetric(
      kBytesRead, [&](double v) { return v == size; }, kWait));
  ASSERT_TRUE(agent_->WaitForMetric(
      kAcked, [](double v) { return v == 100; }, kWait));
  ASSERT_TRUE(agent_->WaitForMetric(
      kQueueBatches, [](double v) { return v == 0; }, kWait));
  // ... but not the unfinished line.
  EXPECT_EQ(receiver_.record_count(), 100u);
  app.Write(last.substr(40) + "\n");
  auto records = WaitForRecords(101);
  EXPECT_TRUE(ExactlyOnceInOrder(records, "app", 101));
  EXPECT_EQ(records.back().body, last);
}

TEST_F(CorrectnessMatrix, MultilineStackTraces) {
  ConfigOptions options;
  options.input_extra = "    multiline: {start_pattern: '^app \\d{8} ', flush_timeout: 300ms}\n";
  WriteConfig(options);
  StartAgent();
  LogWriter app(Log("app.log"));
  for (int i = 0; i < 200; ++i) {
    std::string record = NumberedLine("app", i, 60) + "\n";
    if (i % 10 == 0) {
      record += "java.lang.IllegalStateException: request " + std::to_string(i) +
                "\n\tat com.example.Handler.serve(Handler.java:42)\n"
                "\tat com.example.Server.run(Server.java:7)\n"
                "Caused by: java.io.IOException: broken pipe\n\t... 2 more\n";
    }
    app.Write(record);
  }
  // The last record has no successor: the flush timeout ships it.
  auto records = WaitForRecords(200);
  EXPECT_TRUE(ExactlyOnceInOrder(records, "app", 200));
  for (int i = 0; i < 200; i += 10) {
    EXPECT_THAT(records[i].body, ::testing::EndsWith("broken pipe\n\t... 2 more")) << i;
  }
  EXPECT_EQ(agent_->Metric("nightjar_agent_records_total{input=\"app\"}"), 200);
  EXPECT_EQ(*agent_->Metric(kLinesRead), 200 + 20 * 5);
}

TEST_F(CorrectnessMatrix, AgentSigtermAndRestart) {
  WriteConfig();
  LogWriter app(Log("app.log"));
  app.WriteLines("app", 0, 20000);
  StartAgent();
  // Stopped while shipping: what was read is flushed or stays queued; what was not stays in
  // the file. Either way nothing is lost and nothing repeats.
  ASSERT_TRUE(receiver_.WaitForRecords(1, kWait));
  EXPECT_EQ(agent_->Terminate(), 0);
  EXPECT_TRUE(agent_->Log().find("stopped;") != std::string::npos);
  app.WriteLines("app", 20000, 25000);
  StartAgent();
  app.WriteLines("app", 25000, 26000);
  EXPECT_TRUE(ExactlyOnceInOrder(WaitForRecords(26000), "app", 26000));
}

TEST_F(CorrectnessMatrix, AgentKillNineAndRestart) {
  WriteConfig();
  StartAgent();
  constexpr int kLines = 60000;
  constexpr int kKills = 3;
  std::atomic<int> written{0};
  std::thread writer([&] {
    LogWriter app(Log("app.log"));
    for (int from = 0; from < kLines; from += 200) {
      app.WriteLines("app", from, from + 200);
      written = from + 200;
      std::this_thread::sleep_for(milliseconds(2));
    }
  });
  for (int kill = 1; kill <= kKills; ++kill) {
    // Kill while lines are flowing, then restart at once.
    ASSERT_TRUE(receiver_.WaitForRecords(static_cast<size_t>(kill) * kLines / (kKills + 2), kWait));
    agent_->Kill();
    StartAgent();
  }
  writer.join();
  ASSERT_TRUE(receiver_.WaitUntil(
      [&] { return SequenceOf(receiver_.Records(), "app").size() >= kLines; }, kWait));
  WaitForRecords(kLines);
  // Duplicates only from the batch in flight at each kill.
  EXPECT_TRUE(AtLeastOnceInOrder(receiver_.Records(), "app", kLines,
                                 static_cast<size_t>(kKills) * kBatchRecords));
}

TEST_F(CorrectnessMatrix, CollectorDownForAWhileThenBack) {
  WriteConfig();
  StartAgent();
  receiver_.Stop();
  LogWriter app(Log("app.log"));
  app.WriteLines("app", 0, 8000);
  // Everything waits in the queue while attempts fail.
  ASSERT_TRUE(agent_->WaitForMetric(
      kLinesRead, [](double v) { return v == 8000; }, kWait));
  ASSERT_TRUE(agent_->WaitForMetric(
      kNetworkErrors, [](double v) { return v >= 3; }, kWait));
  EXPECT_GT(*agent_->Metric(kQueueBatches), 0);
  EXPECT_GT(*agent_->Metric("nightjar_agent_queue_oldest_age_seconds"), 0);
  Status restarted = receiver_.Start();  // same port
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  app.WriteLines("app", 8000, 9000);
  EXPECT_TRUE(ExactlyOnceInOrder(WaitForRecords(9000), "app", 9000));
  EXPECT_TRUE(agent_->WaitForLog("the collector accepts data again", kWait));
}

TEST_F(CorrectnessMatrix, Collector503WithRetryAfterThen200) {
  WriteConfig();
  TestReceiver::Reply unavailable;
  unavailable.status = 503;
  unavailable.retry_after = "1";
  receiver_.Script(unavailable, 2);
  StartAgent();
  LogWriter app(Log("app.log"));
  app.WriteLines("app", 0, 2000);
  EXPECT_TRUE(ExactlyOnceInOrder(WaitForRecords(2000), "app", 2000));
  auto requests = receiver_.Requests();
  ASSERT_GE(requests.size(), 3u);
  EXPECT_EQ(requests[0].status, 503);
  EXPECT_EQ(requests[1].status, 503);
  // Retry-After: 1 is honoured (the configured backoff would retry after 50 ms).
  EXPECT_GE(requests[1].at - requests[0].at, milliseconds(950));
  EXPECT_GE(requests[2].at - requests[1].at, milliseconds(950));
  EXPECT_GT(*agent_->Metric(kRetried), 0);
}

TEST_F(CorrectnessMatrix, QueueFullPausesInputsThenResumes) {
  ConfigOptions options;
  options.queue_max_bytes = "512KiB";
  options.compression = "none";
  WriteConfig(options);
  StartAgent();
  receiver_.Stop();
  constexpr int kLines = 30000;  // 3 MB: far more than the queue holds
  LogWriter app(Log("app.log"));
  app.WriteLines("app", 0, kLines);
  ASSERT_TRUE(agent_->WaitForMetric(
      kPaused, [](double v) { return v == 1; }, kWait));
  EXPECT_TRUE(agent_->WaitForLog("queue full; inputs paused", kWait));
  // Reading stopped: the rest waits in the file, and the queue stays within its bound.
  EXPECT_LT(*agent_->Metric(kLinesRead), kLines);
  EXPECT_LE(*agent_->Metric(kQueueBytes), 512 * 1024);
  EXPECT_GT(*agent_->Metric(kUnread), 0);
  ASSERT_TRUE(receiver_.Start().ok());
  EXPECT_TRUE(ExactlyOnceInOrder(WaitForRecords(kLines), "app", kLines));
  EXPECT_EQ(agent_->Metric(kPaused), 0);
  EXPECT_TRUE(agent_->WaitForLog("inputs resumed", kWait));
}

TEST_F(CorrectnessMatrix, AgentRestartDuringRotation) {
  WriteConfig();  // "*.log": the rotated name is not matched
  StartAgent();
  LogWriter app(Log("app.log"));
  app.WriteLines("app", 0, 1000);
  ASSERT_TRUE(receiver_.WaitForRecords(1000, kWait));
  ASSERT_EQ(agent_->Terminate(), 0);
  // While the agent is down: more lines, a rename rotation, lines in the new file. The lines
  // left in the rotated file are found by its inode.
  app.WriteLines("app", 1000, 1500);
  app.RotateByRename(Log("app.log.1"));
  app.WriteLines("app", 1500, 2000);
  StartAgent();
  app.WriteLines("app", 2000, 2500);
  EXPECT_TRUE(ExactlyOnceInOrder(WaitForRecords(2500), "app", 2500));
}

TEST_F(CorrectnessMatrix, AgentKilledDuringRotationUnderLoad) {
  WriteConfig();
  StartAgent();
  constexpr int kLines = 20000;
  std::atomic<bool> killed{false};
  std::thread writer([&] {
    LogWriter app(Log("app.log"));
    for (int from = 0; from < kLines; from += 100) {
      app.WriteLines("app", from, from + 100);
      if (from == 9900) {
        // Rotate right as the agent dies, and keep writing while it is down.
        while (!killed) std::this_thread::sleep_for(milliseconds(1));
        app.RotateByRename(Log("app.log.1"));
      }
    }
  });
  ASSERT_TRUE(receiver_.WaitForRecords(5000, kWait));
  agent_->Kill();
  killed = true;
  writer.join();
  StartAgent();
  ASSERT_TRUE(receiver_.WaitUntil(
      [&] { return SequenceOf(receiver_.Records(), "app").size() >= kLines; }, kWait));
  WaitForRecords(kLines);
  EXPECT_TRUE(AtLeastOnceInOrder(receiver_.Records(), "app", kLines, kBatchRecords));
}

}  // namespace
}  // namespace nightjar::agent::testing
