// Excluding devices, mount points and file system types by shell pattern (fnmatch(3): `*`, `?`,
// `[...]`; `*` also matches `/`, so "/var/lib/docker/*" covers everything below it).
//
// Thread-safety: immutable after construction.
#pragma once

#include <fnmatch.h>

#include <string>
#include <vector>

namespace nightjar::agent::host_metrics {

class NameFilter {
 public:
  NameFilter() = default;
  explicit NameFilter(std::vector<std::string> exclude) : exclude_(std::move(exclude)) {}

  // Returns true when `name` matches none of the exclusion patterns.
  bool Included(const std::string& name) const {
    for (const std::string& pattern : exclude_) {
      if (::fnmatch(pattern.c_str(), name.c_str(), 0) == 0) return false;
    }
    return true;
  }

 private:
  std::vector<std::string> exclude_;
};

}  // namespace nightjar::agent::host_metrics
