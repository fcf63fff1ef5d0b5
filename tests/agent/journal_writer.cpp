// Journal files for tests; see journal_writer.h.
#include "journal_writer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace nightjar::agent::testing {
namespace {

constexpr char kBootId[] = "0123456789abcdef0123456789abcdef";

// Appends one field to an export-format document; a value with a newline takes the binary form
// (name, newline, little-endian 64-bit size, bytes).
void AddField(std::string* out, const std::string& name, const std::string& value) {
  if (value.find('\n') == std::string::npos) {
    *out += name + "=" + value + "\n";
    return;
  }
  *out += name + "\n";
  uint64_t size = value.size();
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((size >> (8 * i)) & 0xff));
  *out += value + "\n";
}

}  // namespace

const char* JournalRemote() { return "/lib/systemd/systemd-journal-remote"; }

void WriteJournal(const std::string& file, const std::vector<TestEntry>& entries) {
  static uint64_t monotonic = 1;
  std::string doc;
  for (const TestEntry& e : entries) {
    AddField(&doc, "__REALTIME_TIMESTAMP", std::to_string(e.realtime_usec));
    AddField(&doc, "__MONOTONIC_TIMESTAMP", std::to_string(monotonic++));
    AddField(&doc, "_BOOT_ID", kBootId);
    AddField(&doc, "MESSAGE", e.message);
    AddField(&doc, "PRIORITY", std::to_string(e.priority));
    AddField(&doc, "_SYSTEMD_UNIT", e.unit);
    AddField(&doc, "SYSLOG_IDENTIFIER", e.identifier);
    AddField(&doc, "_PID", "4242");
    AddField(&doc, "_COMM", "shopd");
    AddField(&doc, "_TRANSPORT", "journal");
    AddField(&doc, "_HOSTNAME", "web-1");
    doc += "\n";
  }
  std::string input = file + ".export";
  std::ofstream(input, std::ios::binary) << doc;
  std::string command =
      std::string(JournalRemote()) + " --output=" + file + " " + input + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::filesystem::remove(input);
}

std::vector<TestEntry> Numbered(int from, int to, const std::string& unit) {
  std::vector<TestEntry> out;
  for (int i = from; i < to; ++i) {
    TestEntry e;
    e.message = "line " + std::to_string(i);
    e.unit = unit;
    e.realtime_usec += static_cast<uint64_t>(i) * 1000;
    out.push_back(e);
  }
  return out;
}

}  // namespace nightjar::agent::testing
