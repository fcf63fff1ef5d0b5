// Writing log files the way applications and logrotate do, for the agent's tests: numbered
// lines appended through an O_APPEND descriptor kept open, rename+create and copytruncate
// rotation, truncation.
//
// Lines look like "<tag> <seq, 8 digits> <payload>", so that whatever receives them can check
// that every line of every file arrived exactly once and in order.
//
// Thread-safety: one writer per thread.
#pragma once

#include <string>
#include <string_view>

namespace nightjar::agent::testing {

// Returns the text of line `seq` of `tag`, without the newline; `width` pads it to roughly that
// many bytes.
std::string NumberedLine(std::string_view tag, int seq, size_t width = 100);

class LogWriter {
 public:
  explicit LogWriter(std::string path);
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Appends raw bytes with one write(2).
  void Write(std::string_view bytes);
  // Appends lines [from, to) of `tag`, several per write(2) as a buffered logger does.
  void WriteLines(std::string_view tag, int from, int to, size_t width = 100);
  // Reopens the path (after a rename rotation the writer follows the new file).
  void Reopen();
  // Flushes with fsync; tests do not need it for the page cache, only for clarity.
  void Close();

  // Rotates by renaming the file to `rotated` and reopening a new file at the path.
  void RotateByRename(const std::string& rotated);
  // Rotates as logrotate's copytruncate does: copies the content to `copy`, then truncates the
  // file in place (this writer keeps appending, now from offset 0).
  void RotateByCopyTruncate(const std::string& copy);
  // Truncates the file to zero bytes.
  void Truncate();

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// Writes `content` to `path` atomically enough for tests (create/truncate, one write).
void WriteFile(const std::string& path, std::string_view content);

}  // namespace nightjar::agent::testing
