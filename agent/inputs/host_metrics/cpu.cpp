// The cpu scraper; see cpu.h.
#include "inputs/host_metrics/cpu.h"

#include <unistd.h>

#include "inputs/host_metrics/proc_files.h"

namespace nightjar::agent::host_metrics {
namespace {

// The states in the order of /proc/stat's columns (guest time is already inside user and nice,
// so it is not reported again).
constexpr std::array<const char*, CpuScraper::kStates> kStateNames = {
    "user", "nice", "system", "idle", "wait", "interrupt", "softirq", "steal"};

}  // namespace

CpuScraper::CpuScraper(long ticks_per_second) {
  if (ticks_per_second <= 0) ticks_per_second = ::sysconf(_SC_CLK_TCK);
  ticks_per_second_ = static_cast<double>(ticks_per_second > 0 ? ticks_per_second : 100);
}

Status CpuScraper::Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) {
  NJ_ASSIGN_OR_RETURN(std::string stat, ReadProcFile(context.root, "/proc/stat"));
  MetricsBuilder builder(context);
  std::map<std::string, std::array<uint64_t, kStates>> current;
  for (std::string_view line : Lines(stat)) {
    // "cpu0 user nice system idle iowait irq softirq steal guest guest_nice"; the "cpu" line
    // is the total over all CPUs.
    if (line.size() < 4 || line.substr(0, 3) != "cpu" || line[3] < '0' || line[3] > '9') continue;
    std::vector<std::string_view> f = Fields(line);
    if (f.size() < 5) continue;  // kernels before 2.6 had four columns; nothing older runs here
    std::array<uint64_t, kStates> ticks{};
    for (size_t i = 0; i < kStates && i + 1 < f.size(); ++i) {
      if (!ParseU64(f[i + 1], &ticks[i])) {
        return InvalidArgument(UnderRoot(context.root, "/proc/stat") + ": unexpected line \"" +
                               std::string(line) + "\"");
      }
    }
    std::string cpu(f[0]);
    for (size_t i = 0; i < kStates; ++i) {
      builder.AddDouble(semconv::kCpuTime, {{"cpu", cpu}, {"state", kStateNames[i]}},
                        static_cast<double>(ticks[i]) / ticks_per_second_);
    }
    auto previous = previous_.find(cpu);
    if (previous != previous_.end()) {
      uint64_t total = 0;
      for (size_t i = 0; i < kStates; ++i) {
        // A counter that went back (CPU hot-plug resets it) gives no utilization this time.
        if (ticks[i] < previous->second[i]) {
          total = 0;
          break;
        }
        total += ticks[i] - previous->second[i];
      }
      if (total > 0) {
        for (size_t i = 0; i < kStates; ++i) {
          builder.AddDouble(
              semconv::kCpuUtilization, {{"cpu", cpu}, {"state", kStateNames[i]}},
              static_cast<double>(ticks[i] - previous->second[i]) / static_cast<double>(total));
        }
      }
    }
    current[cpu] = ticks;
  }
  if (current.empty()) {
    return InvalidArgument(UnderRoot(context.root, "/proc/stat") + " has no per-CPU lines");
  }
  previous_ = std::move(current);
  builder.Finish(out);
  return Status::Ok();
}

}  // namespace nightjar::agent::host_metrics
