// The memory scraper; see memory.h.
#include "inputs/host_metrics/memory.h"

#include <map>

#include "inputs/host_metrics/proc_files.h"

namespace nightjar::agent::host_metrics {

Status MemoryScraper::Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) {
  NJ_ASSIGN_OR_RETURN(std::string meminfo, ReadProcFile(context.root, "/proc/meminfo"));
  // "MemTotal:       24683664 kB"
  std::map<std::string_view, uint64_t, std::less<>> kib;
  for (std::string_view line : Lines(meminfo)) {
    std::vector<std::string_view> f = Fields(line);
    uint64_t value = 0;
    if (f.size() < 2 || f[0].size() < 2 || f[0].back() != ':' || !ParseU64(f[1], &value)) continue;
    uint64_t scale = f.size() >= 3 && f[2] == "kB" ? 1024 : 1;
    kib[f[0].substr(0, f[0].size() - 1)] = value * scale;
  }
  auto get = [&](std::string_view key) -> uint64_t {
    auto it = kib.find(key);
    return it == kib.end() ? 0 : it->second;
  };
  uint64_t total = get("MemTotal");
  if (total == 0) {
    return InvalidArgument(UnderRoot(context.root, "/proc/meminfo") + " has no MemTotal");
  }
  uint64_t free = get("MemFree");
  uint64_t buffers = get("Buffers");
  uint64_t slab_reclaimable = get("SReclaimable");
  uint64_t cached = get("Cached") + slab_reclaimable;
  uint64_t accounted = free + buffers + cached;
  uint64_t used = total > accounted ? total - accounted : 0;
  struct State {
    const char* name;
    uint64_t bytes;
  };
  const State states[] = {{"used", used},
                          {"free", free},
                          {"buffered", buffers},
                          {"cached", cached},
                          {"slab_reclaimable", slab_reclaimable},
                          {"slab_unreclaimable", get("SUnreclaim")}};
  MetricsBuilder builder(context);
  for (const State& s : states) {
    builder.Add(semconv::kMemoryUsage, {{"state", s.name}}, static_cast<int64_t>(s.bytes));
  }
  for (const State& s : states) {
    builder.AddDouble(semconv::kMemoryUtilization, {{"state", s.name}},
                      static_cast<double>(s.bytes) / static_cast<double>(total));
  }
  if (kib.contains("MemAvailable")) {
    builder.Add(semconv::kLinuxMemoryAvailable, {}, static_cast<int64_t>(get("MemAvailable")));
  }
  builder.Finish(out);
  return Status::Ok();
}

}  // namespace nightjar::agent::host_metrics
