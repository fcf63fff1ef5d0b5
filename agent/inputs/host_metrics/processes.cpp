// The processes scraper; see processes.h.
#include "inputs/host_metrics/processes.h"

#include <dirent.h>

#include <map>

#include "inputs/host_metrics/proc_files.h"

namespace nightjar::agent::host_metrics {
namespace {

const char* StatusOf(char state) {
  switch (state) {
    case 'R':
      return "running";
    case 'S':
      return "sleeping";
    case 'D':
      return "blocked";
    case 'Z':
      return "zombies";
    case 'T':
    case 't':
      return "stopped";
    case 'I':
      return "idle";
    case 'W':
      return "paging";
    default:
      return "unknown";
  }
}

bool AllDigits(const char* s) {
  if (*s == '\0') return false;
  for (; *s != '\0'; ++s) {
    if (*s < '0' || *s > '9') return false;
  }
  return true;
}

}  // namespace

Status ProcessesScraper::Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) {
  NJ_ASSIGN_OR_RETURN(std::string stat, ReadProcFile(context.root, "/proc/stat"));
  uint64_t running = 0, blocked = 0, created = 0;
  bool have_running = false, have_blocked = false, have_created = false;
  for (std::string_view line : Lines(stat)) {
    std::vector<std::string_view> f = Fields(line);
    if (f.size() != 2) continue;
    if (f[0] == "procs_running") have_running = ParseU64(f[1], &running);
    if (f[0] == "procs_blocked") have_blocked = ParseU64(f[1], &blocked);
    if (f[0] == "processes") have_created = ParseU64(f[1], &created);
  }
  if (!have_running || !have_blocked || !have_created) {
    return InvalidArgument(UnderRoot(context.root, "/proc/stat") +
                           " lacks procs_running, procs_blocked or processes");
  }

  std::map<std::string, int64_t> count;
  std::string proc = UnderRoot(context.root, "/proc");
  DIR* dir = ::opendir(proc.c_str());
  if (dir == nullptr) return IoError("cannot list " + proc);
  while (dirent* entry = ::readdir(dir)) {
    if (!AllDigits(entry->d_name)) continue;
    // "pid (comm) S ..."; comm may hold spaces and parentheses, so look after the last ')'.
    Result<std::string> text =
        ReadProcFile(context.root, std::string("/proc/") + entry->d_name + "/stat");
    if (!text.ok()) continue;  // the process ended meanwhile
    size_t paren = text->rfind(')');
    if (paren == std::string::npos || paren + 2 >= text->size()) continue;
    ++count[StatusOf((*text)[paren + 2])];
  }
  ::closedir(dir);
  count["running"] = static_cast<int64_t>(running);
  count["blocked"] = static_cast<int64_t>(blocked);

  MetricsBuilder builder(context);
  for (const auto& [status, n] : count) {
    builder.Add(semconv::kProcessesCount, {{"status", status}}, n);
  }
  builder.Add(semconv::kProcessesCreated, {}, static_cast<int64_t>(created));
  builder.Finish(out);
  return Status::Ok();
}

}  // namespace nightjar::agent::host_metrics
