// Path patterns with "**"; see glob.h.
#include "inputs/file_tail/glob.h"

#include <fnmatch.h>

namespace nightjar::agent {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool MatchSegment(const std::string& pattern, std::string_view name) {
  std::string n(name);
  return fnmatch(pattern.c_str(), n.c_str(), FNM_PERIOD) == 0;
}

bool MatchFrom(const std::vector<std::string>& pattern, size_t i,
               const std::vector<std::string_view>& path, size_t j) {
  while (i < pattern.size()) {
    if (pattern[i] == "**") {
      // Zero or more directories, none of them hidden.
      for (size_t k = j; k <= path.size(); ++k) {
        if (MatchFrom(pattern, i + 1, path, k)) return true;
        if (k < path.size() && !path[k].empty() && path[k][0] == '.') return false;
      }
      return false;
    }
    if (j >= path.size() || !MatchSegment(pattern[i], path[j])) return false;
    ++i;
    ++j;
  }
  return j == path.size();
}

}  // namespace

bool HasWildcard(std::string_view segment) {
  return segment.find_first_of("*?[") != std::string_view::npos;
}

Result<Glob> Glob::Parse(std::string_view pattern) {
  if (pattern.empty() || pattern[0] != '/') {
    return InvalidArgument("\"" + std::string(pattern) + "\" is not an absolute path pattern");
  }
  Glob glob;
  glob.pattern_ = std::string(pattern);
  std::vector<std::string_view> parts = Split(pattern);
  if (parts.empty()) return InvalidArgument("the pattern \"/\" matches no file");
  for (std::string_view part : parts) {
    if (part == "." || part == "..") {
      return InvalidArgument("\"" + std::string(pattern) + "\" must not contain . or ..");
    }
    glob.all_segments_.emplace_back(part);
  }
  size_t literal = 0;
  // The last segment names files, so it never belongs to the base directory.
  while (literal + 1 < parts.size() && !HasWildcard(parts[literal])) ++literal;
  glob.base_dir_ = "/";
  for (size_t i = 0; i < literal; ++i) {
    if (i > 0) glob.base_dir_ += "/";
    glob.base_dir_ += std::string(parts[i]);
  }
  for (size_t i = literal; i < parts.size(); ++i) glob.segments_.emplace_back(parts[i]);
  return glob;
}

bool Glob::Matches(std::string_view path) const {
  return MatchFrom(all_segments_, 0, Split(path), 0);
}

}  // namespace nightjar::agent
