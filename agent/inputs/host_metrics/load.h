// The load scraper: system.cpu.load_average.1m, .5m and .15m from /proc/loadavg (the run-queue
// averages as the kernel reports them, not divided by the number of CPUs).
//
// Thread-safety: stateless; one thread at a time.
#pragma once

#include "inputs/host_metrics/scraper.h"

namespace nightjar::agent::host_metrics {

class LoadScraper final : public Scraper {
 public:
  std::string_view name() const override { return "load"; }
  Status Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) override;
};

}  // namespace nightjar::agent::host_metrics
