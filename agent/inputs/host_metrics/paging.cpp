// The paging scraper; see paging.h.
#include "inputs/host_metrics/paging.h"

#include <map>

#include "inputs/host_metrics/proc_files.h"

namespace nightjar::agent::host_metrics {

Status PagingScraper::Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) {
  NJ_ASSIGN_OR_RETURN(std::string vmstat, ReadProcFile(context.root, "/proc/vmstat"));
  // A kernel built without swap has no /proc/swaps: no devices, not an error.
  Result<std::string> swaps = ReadProcFile(context.root, "/proc/swaps");
  if (!swaps.ok() && swaps.status().code() != StatusCode::kNotFound) return swaps.status();

  MetricsBuilder builder(context);
  if (swaps.ok()) {
    for (std::string_view line : Lines(*swaps)) {
      // "Filename Type Size Used Priority", sizes in KiB; the first line is the header.
      std::vector<std::string_view> f = Fields(line);
      uint64_t size = 0, used = 0;
      if (f.size() < 4 || !ParseU64(f[2], &size) || !ParseU64(f[3], &used)) continue;
      used = std::min(used, size);
      std::string device(f[0]);
      builder.Add(semconv::kPagingUsage, {{"device", device}, {"state", "used"}},
                  static_cast<int64_t>(used * 1024));
      builder.Add(semconv::kPagingUsage, {{"device", device}, {"state", "free"}},
                  static_cast<int64_t>((size - used) * 1024));
      if (size > 0) {
        builder.AddDouble(semconv::kPagingUtilization, {{"device", device}, {"state", "used"}},
                          static_cast<double>(used) / static_cast<double>(size));
        builder.AddDouble(semconv::kPagingUtilization, {{"device", device}, {"state", "free"}},
                          static_cast<double>(size - used) / static_cast<double>(size));
      }
    }
  }

  std::map<std::string_view, uint64_t, std::less<>> counters;
  for (std::string_view line : Lines(vmstat)) {
    std::vector<std::string_view> f = Fields(line);
    uint64_t value = 0;
    if (f.size() == 2 && ParseU64(f[1], &value)) counters[f[0]] = value;
  }
  auto get = [&](std::string_view key) -> int64_t {
    auto it = counters.find(key);
    return it == counters.end() ? 0 : static_cast<int64_t>(it->second);
  };
  if (!counters.contains("pgfault")) {
    return InvalidArgument(UnderRoot(context.root, "/proc/vmstat") + " has no pgfault line");
  }
  builder.Add(semconv::kPagingOperations, {{"direction", "page_in"}, {"type", "major"}},
              get("pswpin"));
  builder.Add(semconv::kPagingOperations, {{"direction", "page_out"}, {"type", "major"}},
              get("pswpout"));
  builder.Add(semconv::kPagingOperations, {{"direction", "page_in"}, {"type", "minor"}},
              get("pgpgin"));
  builder.Add(semconv::kPagingOperations, {{"direction", "page_out"}, {"type", "minor"}},
              get("pgpgout"));
  int64_t major = get("pgmajfault");
  builder.Add(semconv::kPagingFaults, {{"type", "major"}}, major);
  builder.Add(semconv::kPagingFaults, {{"type", "minor"}},
              std::max<int64_t>(0, get("pgfault") - major));
  builder.Finish(out);
  return Status::Ok();
}

}  // namespace nightjar::agent::host_metrics
