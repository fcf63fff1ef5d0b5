// The filesystem scraper: system.filesystem.usage and .inodes.usage {device, mode, mountpoint,
// type, state} and system.filesystem.utilization {device, mode, mountpoint, type} for every
// mounted file system, from the mount table and statvfs(3).
//
// The mount table is <root>/proc/1/mounts (the host's init: in a container with the host
// mounted, the host's mounts), else <root>/proc/self/mounts; each mount point is measured at
// <root><mountpoint>. Pseudo file systems (proc, sysfs, cgroup, overlay, ... see
// DefaultExcludedTypes()) and mount points matching the exclusions are skipped, as are file
// systems of size 0. A mount point mounted twice is measured once (the mount on top).
//
// Values as the hostmetrics receiver computes them: usage used = (blocks - bfree) x frsize,
// free = bavail x frsize (what unprivileged users can still use), reserved = (bfree - bavail) x
// frsize; inodes used = files - ffree, free = ffree; utilization = used / (used + free).
//
// Thread-safety: one thread at a time.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "inputs/host_metrics/name_filter.h"
#include "inputs/host_metrics/scraper.h"

namespace nightjar::agent::host_metrics {

// What statvfs(3) says about one file system.
struct FsStats {
  uint64_t fragment_size = 0;  // f_frsize
  uint64_t blocks = 0;
  uint64_t blocks_free = 0;
  uint64_t blocks_available = 0;
  uint64_t files = 0;
  uint64_t files_free = 0;
};

// Measures the file system mounted at a path (already under the root).
using StatFs = std::function<Result<FsStats>(const std::string& path)>;

// Returns statvfs(3) of `path`.
Result<FsStats> StatVfs(const std::string& path);

// Returns the file system types skipped by default: kernel and pseudo file systems that hold no
// user data, and overlay (a container's root, measured through the file system below it).
std::vector<std::string> DefaultExcludedTypes();
// Returns the mount points skipped by default (container runtimes' own mounts).
std::vector<std::string> DefaultExcludedMounts();

class FilesystemScraper final : public Scraper {
 public:
  FilesystemScraper(std::vector<std::string> exclude_types, NameFilter exclude_mounts,
                    StatFs stat = StatVfs)
      : exclude_types_(std::move(exclude_types)),
        exclude_mounts_(std::move(exclude_mounts)),
        stat_(std::move(stat)) {}

  std::string_view name() const override { return "filesystem"; }
  Status Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) override;

 private:
  NameFilter exclude_types_;
  NameFilter exclude_mounts_;
  StatFs stat_;
};

}  // namespace nightjar::agent::host_metrics
