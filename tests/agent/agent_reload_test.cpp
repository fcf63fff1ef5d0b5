// Reloading the agent's configuration with SIGHUP, against the real binary, while lines flow:
// inputs added and removed, exporter settings changed, nothing lost or repeated; an invalid
// configuration refused with its line, the running one kept; settings that need a restart kept.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

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
using ::testing::HasSubstr;

// Writes the agent's configuration: `inputs` are YAML items under inputs:, `exporter_extra` more
// exporter keys (e.g. "compression: none").
void WriteConfig(const TempDir& dir, const std::string& endpoint,
                 const std::vector<std::string>& inputs, const std::string& exporter_extra = "") {
  std::ofstream out(dir / "agent.yaml");
  out << "state_dir: " << dir.path() << "/state\n"
      << "inputs:\n";
  for (const std::string& input : inputs) out << "  - " << input << "\n";
  out << "batch: {timeout: 50ms}\n"
      << "tail: {poll_interval: 100ms}\n"
      << "exporter: {endpoint: \"" << endpoint << "\""
      << (exporter_extra.empty() ? "" : ", " + exporter_extra) << "}\n"
      << "metrics: {listen: \"127.0.0.1:0\"}\n";
}

std::string FileInput(const TempDir& dir, const std::string& name, const std::string& extra = "") {
  return "{name: " + name + ", include: [\"" + dir.path() + "/" + name + "/*.log\"]" +
         (extra.empty() ? "" : ", " + extra) + "}";
}

// Waits until the log shows `n` finished reloads (applied or refused).
bool WaitForReloads(const AgentProcess& agent, size_t n) {
  auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string log = agent.Log();
    size_t count = 0;
    for (const char* done :
         {"configuration reloaded", "configuration refused", "configuration not applied"}) {
      for (size_t at = log.find(done); at != std::string::npos; at = log.find(done, at + 1)) {
        ++count;
      }
    }
    if (count >= n) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

class AgentReload : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(receiver_.Start().ok());
    for (const char* sub : {"app", "more", "gone", "late"}) {
      std::filesystem::create_directories(dir_ / sub);
    }
  }

  TempDir dir_;
  TestReceiver receiver_;
};

TEST_F(AgentReload, AddsAndRemovesInputsWhileLinesFlowAndLosesNothing) {
  // "app" is written to throughout; "gone" is removed by the reload; "more" and "late" are added
  // by it, their files already holding lines: start_at: beginning reads them, start_at: end
  // skips them, as at a first start.
  WriteConfig(dir_, receiver_.endpoint(), {FileInput(dir_, "app"), FileInput(dir_, "gone")});
  LogWriter gone(dir_ / "gone/g.log");
  gone.WriteLines("gone", 0, 100);
  LogWriter more(dir_ / "more/m.log");
  more.WriteLines("more", 0, 300);
  LogWriter late(dir_ / "late/l.log");  // added with start_at: end: its history is skipped
  late.WriteLines("late", 0, 50);

  AgentProcess agent(dir_ / "agent.yaml", dir_ / "agent.log");
  ASSERT_TRUE(agent.Start()) << agent.Log();
  ASSERT_TRUE(receiver_.WaitForRecords(100, seconds(30)));

  std::atomic<bool> writing{true};
  std::atomic<int> written{0};
  std::thread writer([&] {
    LogWriter app(dir_ / "app/a.log");
    while (writing) {
      int from = written.load();
      app.WriteLines("app", from, from + 50);
      written.store(from + 50);
      std::this_thread::sleep_for(milliseconds(5));
    }
  });
  ASSERT_TRUE(receiver_.WaitUntil(
      [&] { return SequenceOf(receiver_.Records(), "app").size() >= 500; }, seconds(30)));

  WriteConfig(dir_, receiver_.endpoint(),
              {FileInput(dir_, "app"), FileInput(dir_, "more", "start_at: beginning"),
               FileInput(dir_, "late", "start_at: end")},
              "compression: none");
  agent.Signal(SIGHUP);
  ASSERT_TRUE(WaitForReloads(agent, 1)) << agent.Log();
  EXPECT_THAT(agent.Log(), HasSubstr("configuration reloaded"));

  // Lines keep flowing after the reload, through the new exporter settings.
  int at_reload = written.load();
  ASSERT_TRUE(receiver_.WaitUntil(
      [&] {
        return static_cast<int>(SequenceOf(receiver_.Records(), "app").size()) >= at_reload + 500;
      },
      seconds(30)));
  writing = false;
  writer.join();
  gone.WriteLines("gone", 100, 110);  // no longer read
  more.WriteLines("more", 300, 310);
  late.WriteLines("late", 50, 60);
  ASSERT_TRUE(receiver_.WaitUntil(
      [&] {
        auto r = receiver_.Records();
        return static_cast<int>(SequenceOf(r, "app").size()) >= written.load() &&
               SequenceOf(r, "more").size() >= 310 && SequenceOf(r, "late").size() >= 10;
      },
      seconds(30)))
      << agent.Log();
  EXPECT_EQ(agent.Terminate(), 0);

  std::vector<ReceivedRecord> records = receiver_.Records();
  EXPECT_TRUE(ExactlyOnceInOrder(records, "app", written.load()));
  EXPECT_TRUE(ExactlyOnceInOrder(records, "more", 310));
  EXPECT_TRUE(ExactlyOnceInOrder(records, "gone", 100));  // not one line after its removal
  std::vector<int> late_lines = SequenceOf(records, "late");
  std::vector<int> expected_late;
  for (int i = 50; i < 60; ++i) expected_late.push_back(i);
  EXPECT_EQ(late_lines, expected_late);
  // The new exporter settings are in force: requests after the reload are not compressed.
  std::vector<TestReceiver::Request> requests = receiver_.Requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.back().content_encoding, "");
  EXPECT_EQ(requests.front().content_encoding, "gzip");
}

TEST_F(AgentReload, RefusesAnInvalidConfigurationAndKeepsShipping) {
  WriteConfig(dir_, receiver_.endpoint(), {FileInput(dir_, "app")});
  AgentProcess agent(dir_ / "agent.yaml", dir_ / "agent.log");
  ASSERT_TRUE(agent.Start()) << agent.Log();
  LogWriter app(dir_ / "app/a.log");
  app.WriteLines("app", 0, 10);
  ASSERT_TRUE(receiver_.WaitForRecords(10, seconds(30)));

  // A YAML error, then a configuration that parses but does not compile: both refused, naming
  // the file and line, and the running configuration stays.
  WriteFile(dir_ / "agent.yaml", "inputs: [\n");
  agent.Signal(SIGHUP);
  ASSERT_TRUE(WaitForReloads(agent, 1)) << agent.Log();
  EXPECT_THAT(agent.Log(), HasSubstr("configuration refused; keeping the running one"));
  EXPECT_THAT(agent.Log(), HasSubstr("agent.yaml:2"));

  WriteFile(dir_ / "agent.yaml",
            "state_dir: " + dir_.path() + "/state\ninputs:\n  - name: app\n    include: [\"" +
                dir_.path() + "/app/*.log\"]\n    multiline: {start_pattern: \"([unclosed\"}\n" +
                "exporter: {endpoint: \"" + receiver_.endpoint() + "\"}\n");
  agent.Signal(SIGHUP);
  ASSERT_TRUE(WaitForReloads(agent, 2)) << agent.Log();
  EXPECT_THAT(agent.Log(), HasSubstr("multiline.start_pattern"));

  app.WriteLines("app", 10, 20);
  ASSERT_TRUE(receiver_.WaitForRecords(20, seconds(30)));
  EXPECT_EQ(agent.Terminate(), 0);
  EXPECT_TRUE(ExactlyOnceInOrder(receiver_.Records(), "app", 20));
}

TEST_F(AgentReload, KeepsTheStateDirectoryUntilARestart) {
  WriteConfig(dir_, receiver_.endpoint(), {FileInput(dir_, "app")});
  AgentProcess agent(dir_ / "agent.yaml", dir_ / "agent.log");
  ASSERT_TRUE(agent.Start()) << agent.Log();
  std::string text = "state_dir: " + dir_.path() + "/elsewhere\ninputs:\n  - " +
                     FileInput(dir_, "app") + "\nexporter: {endpoint: \"" + receiver_.endpoint() +
                     "\"}\nmetrics: {listen: \"127.0.0.1:0\"}\n";
  WriteFile(dir_ / "agent.yaml", text);
  agent.Signal(SIGHUP);
  ASSERT_TRUE(WaitForReloads(agent, 1)) << agent.Log();
  EXPECT_THAT(agent.Log(), HasSubstr("needs a restart"));
  EXPECT_THAT(agent.Log(), HasSubstr("key=state_dir"));
  LogWriter app(dir_ / "app/a.log");
  app.WriteLines("app", 0, 10);
  ASSERT_TRUE(receiver_.WaitForRecords(10, seconds(30)));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "elsewhere"));
  EXPECT_EQ(agent.Terminate(), 0);
}

}  // namespace
}  // namespace nightjar::agent::testing
