// Writing real systemd journal files for tests: entries in the journal export format, turned
// into a journal file by systemd-journal-remote (the journal's own writer), appended to when the
// file exists.
//
// Thread-safety: one writer per file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nightjar::agent::testing {

struct TestEntry {
  std::string message;
  int priority = 6;
  std::string unit = "shop.service";
  std::string identifier = "shop";
  uint64_t realtime_usec = 1'700'000'000'000'000;
};

// Returns the path of systemd-journal-remote.
const char* JournalRemote();

// Appends `entries` to the journal file `file` (its name must end in .journal). Fails the
// current test when the writer fails.
void WriteJournal(const std::string& file, const std::vector<TestEntry>& entries);

// Returns entries "line <from>" .. "line <to-1>" of `unit`, a millisecond apart.
std::vector<TestEntry> Numbered(int from, int to, const std::string& unit = "shop.service");

}  // namespace nightjar::agent::testing
