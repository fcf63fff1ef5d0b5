// The filesystem scraper; see filesystem.h.
#include "inputs/host_metrics/filesystem.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

#include "base/logging.h"
#include "inputs/host_metrics/proc_files.h"

namespace nightjar::agent::host_metrics {
namespace {

struct Mount {
  std::string device;
  std::string mountpoint;
  std::string type;
  std::string mode;  // "ro" or "rw"
};

// Undoes the mount table's octal escapes ("\040" for a space, "\011" tab, "\012", "\134").
std::string Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
        s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
      out.push_back(
          static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Result<std::vector<Mount>> ReadMounts(std::string_view root) {
  Result<std::string> text = ReadProcFile(root, "/proc/1/mounts");
  if (!text.ok()) text = ReadProcFile(root, "/proc/self/mounts");
  if (!text.ok()) return text.status();
  std::vector<Mount> mounts;
  for (std::string_view line : Lines(*text)) {
    // device mountpoint type options dump pass
    std::vector<std::string_view> f = Fields(line);
    if (f.size() < 4) continue;
    Mount m;
    m.device = Unescape(f[0]);
    m.mountpoint = Unescape(f[1]);
    m.type = std::string(f[2]);
    std::string_view options = f[3];
    m.mode = options.substr(0, options.find(',')) == "ro" ? "ro" : "rw";
    // The later of two mounts on one point hides the earlier one.
    std::erase_if(mounts, [&](const Mount& other) { return other.mountpoint == m.mountpoint; });
    mounts.push_back(std::move(m));
  }
  return mounts;
}

}  // namespace

Result<FsStats> StatVfs(const std::string& path) {
  struct statvfs s {};
  if (::statvfs(path.c_str(), &s) != 0) {
    return IoError("statvfs " + path + ": " + std::strerror(errno));
  }
  FsStats out;
  out.fragment_size = s.f_frsize != 0 ? s.f_frsize : s.f_bsize;
  out.blocks = s.f_blocks;
  out.blocks_free = s.f_bfree;
  out.blocks_available = s.f_bavail;
  out.files = s.f_files;
  out.files_free = s.f_ffree;
  return out;
}

std::vector<std::string> DefaultExcludedTypes() {
  return {"autofs",     "binfmt_misc", "bpf",       "cgroup",   "cgroup2", "configfs",
          "debugfs",    "devpts",      "devtmpfs",  "efivarfs", "fusectl", "hugetlbfs",
          "mqueue",     "nsfs",        "overlay",   "proc",     "procfs",  "pstore",
          "rpc_pipefs", "securityfs",  "selinuxfs", "squashfs", "sysfs",   "tracefs"};
}

std::vector<std::string> DefaultExcludedMounts() {
  return {"/var/lib/docker/*", "/var/lib/containers/*", "/run/containerd/*", "/run/docker/*",
          "/snap/*"};
}

Status FilesystemScraper::Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) {
  NJ_ASSIGN_OR_RETURN(std::vector<Mount> mounts, ReadMounts(context.root));
  MetricsBuilder builder(context);
  for (const Mount& m : mounts) {
    if (!exclude_types_.Included(m.type) || !exclude_mounts_.Included(m.mountpoint)) continue;
    Result<FsStats> stats = stat_(UnderRoot(context.root, m.mountpoint));
    if (!stats.ok()) {
      // A mount that went away between reading the table and measuring it, or one this user
      // may not look into: the others are still worth reporting.
      log::Debug("host_metrics", "cannot measure a file system",
                 {{"mountpoint", m.mountpoint}, {"error", stats.status().ToString()}});
      continue;
    }
    const FsStats& s = *stats;
    if (s.blocks == 0) continue;
    auto attrs = [&](const char* state) -> otlp::Attributes {
      otlp::Attributes a = {
          {"device", m.device}, {"mode", m.mode}, {"mountpoint", m.mountpoint}, {"type", m.type}};
      if (state != nullptr) a.push_back({"state", state});
      return a;
    };
    uint64_t bfree = std::min(s.blocks_free, s.blocks);
    uint64_t bavail = std::min(s.blocks_available, bfree);
    auto bytes = [&](uint64_t blocks) { return static_cast<int64_t>(blocks * s.fragment_size); };
    int64_t used = bytes(s.blocks - bfree);
    int64_t free = bytes(bavail);
    builder.Add(semconv::kFilesystemUsage, attrs("used"), used);
    builder.Add(semconv::kFilesystemUsage, attrs("free"), free);
    builder.Add(semconv::kFilesystemUsage, attrs("reserved"), bytes(bfree - bavail));
    uint64_t ffree = std::min(s.files_free, s.files);
    builder.Add(semconv::kFilesystemInodesUsage, attrs("used"),
                static_cast<int64_t>(s.files - ffree));
    builder.Add(semconv::kFilesystemInodesUsage, attrs("free"), static_cast<int64_t>(ffree));
    if (used + free > 0) {
      builder.AddDouble(semconv::kFilesystemUtilization, attrs(nullptr),
                        static_cast<double>(used) / static_cast<double>(used + free));
    }
  }
  builder.Finish(out);
  return Status::Ok();
}

}  // namespace nightjar::agent::host_metrics
