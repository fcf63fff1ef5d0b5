// The journal input in the real binary: journal entries reach the receiver exactly once across
// a restart, resumed from the cursor saved in the queue.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "agent_process.h"
#include "journal_writer.h"
#include "temp_dir.h"
#include "test_receiver.h"

namespace nightjar::agent::testing {
namespace {

using std::chrono::seconds;

std::vector<std::string> Bodies(const std::vector<ReceivedRecord>& records) {
  std::vector<std::string> out;
  for (const ReceivedRecord& r : records) out.push_back(r.body);
  return out;
}

TEST(JournalEndToEnd, ShipsEntriesOnceAcrossARestart) {
  TempDir dir;
  std::filesystem::create_directories(dir / "journal");
  TestReceiver receiver;
  ASSERT_TRUE(receiver.Start().ok());
  std::ofstream(dir / "agent.yaml") << "state_dir: " << dir.path() << "/state\n"
                                    << "inputs:\n  - {name: journal, type: journal, directory: \""
                                    << dir.path() << "/journal\", start_at: beginning}\n"
                                    << "batch: {timeout: 50ms}\n"
                                    << "exporter: {endpoint: \"" << receiver.endpoint() << "\"}\n"
                                    << "metrics: {listen: \"127.0.0.1:0\"}\n";
  std::string journal = dir / "journal/system.journal";
  WriteJournal(journal, Numbered(0, 100));

  AgentProcess agent(dir / "agent.yaml", dir / "agent.log");
  ASSERT_TRUE(agent.Start()) << agent.Log();
  ASSERT_TRUE(receiver.WaitForRecords(100, seconds(30))) << agent.Log();
  WriteJournal(journal, Numbered(100, 120));  // while it runs
  ASSERT_TRUE(receiver.WaitForRecords(120, seconds(30))) << agent.Log();
  EXPECT_EQ(agent.Terminate(), 0);

  WriteJournal(journal, Numbered(120, 170));  // while it is stopped
  ASSERT_TRUE(agent.Start()) << agent.Log();
  ASSERT_TRUE(receiver.WaitForRecords(170, seconds(30))) << agent.Log();
  EXPECT_EQ(agent.Terminate(), 0);

  std::vector<std::string> expected;
  for (int i = 0; i < 170; ++i) expected.push_back("line " + std::to_string(i));
  std::vector<ReceivedRecord> records = receiver.Records();
  EXPECT_EQ(Bodies(records), expected);
  const ReceivedRecord& first = records[0];
  EXPECT_EQ(first.severity_text, "info");
  bool has_unit = false;
  for (const auto& kv : first.attributes) {
    if (kv.key == "systemd.unit") has_unit = kv.value.string_value() == "shop.service";
  }
  EXPECT_TRUE(has_unit);
}

}  // namespace
}  // namespace nightjar::agent::testing
