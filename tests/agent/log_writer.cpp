// Writing test log files; see log_writer.h.
#include "log_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace nightjar::agent::testing {
namespace {

void WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n <= 0) throw std::runtime_error(std::string("write failed: ") + std::strerror(errno));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

std::string NumberedLine(std::string_view tag, int seq, size_t width) {
  char number[16];
  std::snprintf(number, sizeof(number), "%08d", seq);
  std::string line;
  line.reserve(width);
  line.append(tag);
  line.push_back(' ');
  line.append(number);
  line.append(" level=info msg=\"request served\"");
  // A payload that varies with the number, so that no two lines are alike.
  size_t i = 0;
  while (line.size() < width) {
    line.push_back(static_cast<char>('a' + (seq + i) % 26));
    ++i;
  }
  return line;
}

LogWriter::LogWriter(std::string path) : path_(std::move(path)) { Reopen(); }

LogWriter::~LogWriter() { Close(); }

void LogWriter::Write(std::string_view bytes) { WriteAll(fd_, bytes); }

void LogWriter::WriteLines(std::string_view tag, int from, int to, size_t width) {
  std::string block;
  for (int seq = from; seq < to; ++seq) {
    block += NumberedLine(tag, seq, width);
    block.push_back('\n');
    if (block.size() >= 64 * 1024) {
      WriteAll(fd_, block);
      block.clear();
    }
  }
  WriteAll(fd_, block);
}

void LogWriter::Reopen() {
  Close();
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path_ + ": " + std::strerror(errno));
}

void LogWriter::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void LogWriter::RotateByRename(const std::string& rotated) {
  if (::rename(path_.c_str(), rotated.c_str()) != 0) {
    throw std::runtime_error("rename failed: " + std::string(std::strerror(errno)));
  }
  Reopen();
}

void LogWriter::RotateByCopyTruncate(const std::string& copy) {
  std::string content;
  int in = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) throw std::runtime_error("cannot open " + path_);
  char buffer[64 * 1024];
  ssize_t n;
  while ((n = ::read(in, buffer, sizeof(buffer))) > 0)
    content.append(buffer, static_cast<size_t>(n));
  ::close(in);
  WriteFile(copy, content);
  Truncate();
}

void LogWriter::Truncate() {
  if (::ftruncate(fd_, 0) != 0) {
    throw std::runtime_error("ftruncate failed: " + std::string(std::strerror(errno)));
  }
}

void WriteFile(const std::string& path, std::string_view content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  WriteAll(fd, content);
  ::close(fd);
}

}  // namespace nightjar::agent::testing
