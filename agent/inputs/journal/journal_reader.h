// Reading the systemd journal through libsystemd's sd-journal API: the local system journal, or
// the journal files of one directory (a host's /var/log/journal mounted elsewhere, or files
// written by systemd-journal-remote).
//
// Positions are journal cursors, which stay valid across reboots, journal rotation and agent
// restarts; a cursor whose entry was vacuumed away seeks to the nearest entry after it.
//
// Thread-safety: one object per thread (sd_journal objects are not thread-safe).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "runtime/units.h"

struct sd_journal;

namespace nightjar::agent::journal {

// The fields of one entry the agent ships. Views stay valid until the reader's next call.
struct JournalEntry {
  std::string_view message;  // MESSAGE (may be empty)
  int priority = -1;         // PRIORITY 0 (emerg) .. 7 (debug); -1 when absent
  uint64_t realtime_usec = 0;
  std::string_view unit;        // _SYSTEMD_UNIT
  std::string_view identifier;  // SYSLOG_IDENTIFIER
  std::string_view command;     // _COMM
  int64_t pid = -1;             // _PID; -1 when absent
  std::string_view hostname;    // _HOSTNAME
  std::string_view transport;   // _TRANSPORT (journal, syslog, stdout, kernel, ...)
};

// What to read: `units` and `identifiers` select entries whose _SYSTEMD_UNIT or
// SYSLOG_IDENTIFIER is one of those given (either list may match); both empty = every entry.
struct JournalSelection {
  std::vector<std::string> units;
  std::vector<std::string> identifiers;
};

class JournalReader {
 public:
  // Opens the local system journal (`directory` empty) or the journal files in `directory`.
  // NotFound when there is no journal there (no journald on this host).
  static Result<std::unique_ptr<JournalReader>> Open(const std::string& directory,
                                                     const JournalSelection& selection,
                                                     size_t max_field_bytes);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  // Positions the reader so that Next() returns the first entry after the one `cursor` names
  // (or the nearest later one when that entry is gone).
  Status SeekAfterCursor(const std::string& cursor);
  // Positions the reader before the oldest entry.
  Status SeekHead();
  // Positions the reader after the newest entry: Next() returns entries written from now on.
  Status SeekTail();

  // Moves to the next entry and fills `out`; returns false when there is none yet.
  Result<bool> Next(JournalEntry* out);
  // Returns the cursor of the current entry (the last one Next() returned).
  Result<std::string> Cursor();
  // Waits until the journal changes or `timeout` passes.
  Status Wait(Duration timeout);

 private:
  explicit JournalReader(sd_journal* journal) : journal_(journal) {}
  std::string_view Field(std::string_view name);

  sd_journal* journal_;
};

// Returns the syslog name of a journal priority ("err", "warning", ...), or "" when unknown.
std::string_view PriorityName(int priority);
// Returns the OpenTelemetry severity number of a journal priority (0 when unknown), following
// the log data model's mapping of syslog severities.
int32_t PrioritySeverity(int priority);

}  // namespace nightjar::agent::journal
