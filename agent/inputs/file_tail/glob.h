// Path patterns for the file input: shell wildcards per path segment (*, ?, [...]) plus "**",
// a whole segment that matches zero or more directories ("/var/log/**/*.log").
//
// As in a shell, wildcards do not match a leading '.', so hidden files and directories are only
// matched by patterns that spell the dot; "**" does not descend into hidden directories.
//
// Thread-safety: a Glob is immutable after Parse().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace nightjar::agent {

class Glob {
 public:
  // Parses an absolute pattern. Fails on a relative pattern or an empty segment.
  static Result<Glob> Parse(std::string_view pattern);

  // Returns true when `path` (absolute, normalised) matches the whole pattern.
  bool Matches(std::string_view path) const;

  // The longest leading directory without wildcards, e.g. "/var/log" for "/var/log/*/x.log".
  const std::string& base_dir() const { return base_dir_; }
  // The segments after base_dir(), e.g. {"*", "x.log"}.
  const std::vector<std::string>& segments() const { return segments_; }
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  std::string base_dir_;
  std::vector<std::string> segments_;      // after base_dir_
  std::vector<std::string> all_segments_;  // the whole pattern, for Matches()
};

// Returns true when a path segment contains a wildcard character.
bool HasWildcard(std::string_view segment);

}  // namespace nightjar::agent
