// Finding the files an input tails: walks the directories its include globs name, keeps regular
// files that match an include glob and no exclude glob, and reports the directories it looked
// in so that inotify can watch them for new files.
//
// Thread-safety: pure functions over the file system.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "inputs/file_tail/glob.h"

namespace nightjar::agent {

struct DiscoveredFile {
  std::string path;
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
};

struct Discovery {
  std::vector<DiscoveredFile> files;     // each path once, in walk order
  std::vector<std::string> directories;  // directories whose entries were listed
};

// "**" descends at most this many directories.
inline constexpr int kMaxGlobDepth = 16;

// Walks the file system for regular files (symbolic links are followed to their target) that
// match one of `include` and none of `exclude`. Unreadable or missing directories are skipped:
// a directory that appears later is found by a later walk.
Discovery Discover(const std::vector<Glob>& include, const std::vector<Glob>& exclude);

}  // namespace nightjar::agent
