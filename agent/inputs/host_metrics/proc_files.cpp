// Reading /proc and /sys files; see proc_files.h.
#include "inputs/host_metrics/proc_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace nightjar::agent::host_metrics {

std::string UnderRoot(std::string_view root, std::string_view path) {
  while (!root.empty() && root.back() == '/') root.remove_suffix(1);
  std::string out(root);
  out.append(path);
  return out;
}

Result<std::string> ReadProcFile(std::string_view root, std::string_view path) {
  std::string full = UnderRoot(root, path);
  int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int error = errno;
    std::string message = "cannot open " + full + ": " + std::strerror(error);
    return error == ENOENT ? NotFound(message) : IoError(message);
  }
  std::string out;
  char buffer[16384];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::close(fd);
      return IoError("cannot read " + full + ": " + std::strerror(error));
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty()) out.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool ParseU64(std::string_view text, uint64_t* out) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size();
}

bool ParseDouble(std::string_view text, double* out) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size();
}

Result<uint64_t> ReadBootTimeUnixNanos(std::string_view root) {
  NJ_ASSIGN_OR_RETURN(std::string stat, ReadProcFile(root, "/proc/stat"));
  for (std::string_view line : Lines(stat)) {
    std::vector<std::string_view> f = Fields(line);
    uint64_t seconds = 0;
    if (f.size() == 2 && f[0] == "btime" && ParseU64(f[1], &seconds)) {
      return seconds * 1'000'000'000ull;
    }
  }
  return InvalidArgument(UnderRoot(root, "/proc/stat") + " has no btime line");
}

}  // namespace nightjar::agent::host_metrics
