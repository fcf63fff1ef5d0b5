// File discovery; see discovery.h.
#include "inputs/file_tail/discovery.h"

#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <set>

namespace nightjar::agent {
namespace {

struct Entry {
  std::string name;
  unsigned char type;
};

std::string Join(const std::string& dir, std::string_view name) {
  std::string out = dir;
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

std::vector<Entry> List(const std::string& dir) {
  std::vector<Entry> out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    std::string_view name(e->d_name);
    if (name == "." || name == "..") continue;
    out.push_back(Entry{std::string(name), e->d_type});
  }
  closedir(d);
  return out;
}

bool IsDirectory(const std::string& path, unsigned char type, bool follow_links) {
  if (type == DT_DIR) return true;
  if (type != DT_UNKNOWN && !(type == DT_LNK && follow_links)) return false;
  struct stat st {};
  int rc = follow_links ? stat(path.c_str(), &st) : lstat(path.c_str(), &st);
  return rc == 0 && S_ISDIR(st.st_mode);
}

class Walker {
 public:
  Walker(const std::vector<Glob>& exclude, Discovery* out) : exclude_(exclude), out_(out) {}

  void Walk(const Glob& glob) { Step(glob.segments(), 0, glob.base_dir(), 0); }

 private:
  void AddFile(const std::string& path) {
    for (const Glob& ex : exclude_) {
      if (ex.Matches(path)) return;
    }
    if (!seen_files_.insert(path).second) return;
    struct stat st {};
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    out_->files.push_back(DiscoveredFile{path, static_cast<uint64_t>(st.st_dev),
                                         static_cast<uint64_t>(st.st_ino),
                                         static_cast<uint64_t>(st.st_size)});
  }

  void AddDirectory(const std::string& dir) {
    if (seen_dirs_.insert(dir).second) out_->directories.push_back(dir);
  }

  void Step(const std::vector<std::string>& segs, size_t i, const std::string& dir, int depth) {
    const std::string& seg = segs[i];
    bool last = i + 1 == segs.size();
    if (seg == "**") {
      if (depth > kMaxGlobDepth) return;
      AddDirectory(dir);
      if (!last) Step(segs, i + 1, dir, depth);  // "**" as zero directories
      for (const Entry& e : List(dir)) {
        if (e.name[0] == '.') continue;
        std::string path = Join(dir, e.name);
        // Links to directories are not followed under "**": they could make a loop.
        if (IsDirectory(path, e.type, /*follow_links=*/false)) {
          Step(segs, i, path, depth + 1);
        } else if (last) {
          AddFile(path);
        }
      }
      return;
    }
    if (!HasWildcard(seg)) {
      std::string path = Join(dir, seg);
      if (last) {
        AddDirectory(dir);  // so that the file is noticed when it is created
        AddFile(path);
      } else {
        Step(segs, i + 1, path, depth);
      }
      return;
    }
    AddDirectory(dir);
    for (const Entry& e : List(dir)) {
      if (fnmatch(seg.c_str(), e.name.c_str(), FNM_PERIOD) != 0) continue;
      std::string path = Join(dir, e.name);
      if (last) {
        AddFile(path);
      } else if (IsDirectory(path, e.type, /*follow_links=*/true)) {
        Step(segs, i + 1, path, depth);
      }
    }
  }

  const std::vector<Glob>& exclude_;
  Discovery* out_;
  std::set<std::string> seen_files_;
  std::set<std::string> seen_dirs_;
};

}  // namespace

Discovery Discover(const std::vector<Glob>& include, const std::vector<Glob>& exclude) {
  Discovery out;
  Walker walker(exclude, &out);
  for (const Glob& glob : include) walker.Walk(glob);
  return out;
}

}  // namespace nightjar::agent
