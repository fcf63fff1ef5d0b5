// The systemd journal through sd-journal; see journal_reader.h.
#include "inputs/journal/journal_reader.h"

#include <systemd/sd-journal.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace nightjar::agent::journal {
namespace {

Status JournalError(int rc, std::string_view what) {
  return Internal(std::string(what) + ": " + std::strerror(-rc));
}

// Adds one match per value of `field`; matches of one field are alternatives (OR).
Status AddMatches(sd_journal* j, std::string_view field, const std::vector<std::string>& values) {
  for (const std::string& value : values) {
    std::string match = std::string(field) + "=" + value;
    int rc = sd_journal_add_match(j, match.data(), match.size());
    if (rc < 0) return JournalError(rc, "cannot select journal entries by " + match);
  }
  return Status::Ok();
}

Status ApplySelection(sd_journal* j, const JournalSelection& selection) {
  NJ_RETURN_IF_ERROR(AddMatches(j, "_SYSTEMD_UNIT", selection.units));
  if (!selection.units.empty() && !selection.identifiers.empty()) {
    // Either list may match: the identifiers are a second alternative.
    int rc = sd_journal_add_disjunction(j);
    if (rc < 0) return JournalError(rc, "cannot combine the journal selections");
  }
  return AddMatches(j, "SYSLOG_IDENTIFIER", selection.identifiers);
}

// Returns true when the journal has at least one file to read.
bool HasFiles(sd_journal* j) {
  uint64_t bytes = 0;
  return sd_journal_get_usage(j, &bytes) >= 0 && bytes > 0;
}

template <typename T>
T ParseNumber(std::string_view text, T fallback) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() ? value : fallback;
}

}  // namespace

Result<std::unique_ptr<JournalReader>> JournalReader::Open(const std::string& directory,
                                                           const JournalSelection& selection,
                                                           size_t max_field_bytes) {
  sd_journal* j = nullptr;
  int rc = directory.empty() ? sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY)
                             : sd_journal_open_directory(&j, directory.c_str(), 0);
  std::string where = directory.empty() ? "the system journal" : "the journal in " + directory;
  if (rc < 0) return JournalError(rc, "cannot open " + where);
  std::unique_ptr<JournalReader> reader(new JournalReader(j));
  if (!HasFiles(j)) return NotFound("no journal files in " + where);
  // Fields are truncated past this size (the default is 64 KiB).
  rc = sd_journal_set_data_threshold(j, max_field_bytes);
  if (rc < 0) return JournalError(rc, "cannot set the journal's field size");
  NJ_RETURN_IF_ERROR(ApplySelection(j, selection));
  return reader;
}

JournalReader::~JournalReader() { sd_journal_close(journal_); }

Status JournalReader::SeekAfterCursor(const std::string& cursor) {
  int rc = sd_journal_seek_cursor(journal_, cursor.c_str());
  if (rc < 0) return JournalError(rc, "cannot seek to the saved journal cursor");
  // The seek lands on the cursor's entry when it still exists, else on the nearest one; only the
  // former was shipped already.
  rc = sd_journal_next(journal_);
  if (rc < 0) return JournalError(rc, "cannot read the journal");
  if (rc > 0 && sd_journal_test_cursor(journal_, cursor.c_str()) <= 0) {
    rc = sd_journal_previous(journal_);
    if (rc < 0) return JournalError(rc, "cannot read the journal");
  }
  return Status::Ok();
}

Status JournalReader::SeekHead() {
  int rc = sd_journal_seek_head(journal_);
  return rc < 0 ? JournalError(rc, "cannot seek to the journal's start") : Status::Ok();
}

Status JournalReader::SeekTail() {
  int rc = sd_journal_seek_tail(journal_);
  if (rc < 0) return JournalError(rc, "cannot seek to the journal's end");
  // After seek_tail the reader sits past the end; stepping back onto the newest entry makes the
  // next sd_journal_next() return the first entry written after it.
  rc = sd_journal_previous(journal_);
  return rc < 0 ? JournalError(rc, "cannot read the journal") : Status::Ok();
}

std::string_view JournalReader::Field(std::string_view name) {
  const void* data = nullptr;
  size_t size = 0;
  if (sd_journal_get_data(journal_, std::string(name).c_str(), &data, &size) < 0) return {};
  std::string_view field(static_cast<const char*>(data), size);
  // sd_journal_get_data returns "NAME=value".
  return field.size() > name.size() ? field.substr(name.size() + 1) : std::string_view();
}

Result<bool> JournalReader::Next(JournalEntry* out) {
  int rc = sd_journal_next(journal_);
  if (rc < 0) return JournalError(rc, "cannot read the journal");
  if (rc == 0) return false;
  *out = JournalEntry();
  out->message = Field("MESSAGE");
  out->priority = ParseNumber<int>(Field("PRIORITY"), -1);
  if (sd_journal_get_realtime_usec(journal_, &out->realtime_usec) < 0) out->realtime_usec = 0;
  out->unit = Field("_SYSTEMD_UNIT");
  out->identifier = Field("SYSLOG_IDENTIFIER");
  out->command = Field("_COMM");
  out->pid = ParseNumber<int64_t>(Field("_PID"), -1);
  out->hostname = Field("_HOSTNAME");
  out->transport = Field("_TRANSPORT");
  return true;
}

Result<std::string> JournalReader::Cursor() {
  char* cursor = nullptr;
  int rc = sd_journal_get_cursor(journal_, &cursor);
  if (rc < 0) return JournalError(rc, "cannot read the journal cursor");
  std::string out(cursor);
  free(cursor);  // NOLINT: allocated by libsystemd with malloc
  return out;
}

Status JournalReader::Wait(Duration timeout) {
  auto usec = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
  int rc = sd_journal_wait(journal_, static_cast<uint64_t>(usec < 0 ? 0 : usec));
  return rc < 0 ? JournalError(rc, "cannot wait for the journal") : Status::Ok();
}

std::string_view PriorityName(int priority) {
  static constexpr std::array<std::string_view, 8> kNames = {"emerg",   "alert",  "crit", "err",
                                                             "warning", "notice", "info", "debug"};
  return priority >= 0 && priority < 8 ? kNames[static_cast<size_t>(priority)] : "";
}

int32_t PrioritySeverity(int priority) {
  // FATAL4, FATAL3, FATAL2, ERROR, WARN, INFO2, INFO, DEBUG.
  static constexpr std::array<int32_t, 8> kSeverity = {24, 23, 22, 17, 13, 10, 9, 5};
  return priority >= 0 && priority < 8 ? kSeverity[static_cast<size_t>(priority)] : 0;
}

}  // namespace nightjar::agent::journal
