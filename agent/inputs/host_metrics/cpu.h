// The cpu scraper: system.cpu.time {cpu, state} and system.cpu.utilization {cpu, state} from
// the per-CPU lines of /proc/stat.
//
// States as the hostmetrics receiver names them: user, nice, system, idle, wait (iowait),
// interrupt (irq), softirq, steal; cpu is "cpu0", "cpu1", .... Utilization is each state's
// share of the CPU's time since the previous scrape, so the first scrape has none.
//
// Thread-safety: one thread (it keeps the previous scrape's times).
#pragma once

#include <array>
#include <map>
#include <string>

#include "inputs/host_metrics/scraper.h"

namespace nightjar::agent::host_metrics {

class CpuScraper final : public Scraper {
 public:
  // `ticks_per_second`: the unit of /proc/stat (USER_HZ); 0 asks sysconf(_SC_CLK_TCK).
  explicit CpuScraper(long ticks_per_second = 0);

  std::string_view name() const override { return "cpu"; }
  Status Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) override;

  static constexpr size_t kStates = 8;

 private:
  double ticks_per_second_;
  std::map<std::string, std::array<uint64_t, kStates>> previous_;
};

}  // namespace nightjar::agent::host_metrics
