// The memory scraper: system.memory.usage {state}, system.memory.utilization {state} and
// system.linux.memory.available from /proc/meminfo.
//
// States as the hostmetrics receiver computes them on Linux: free = MemFree, buffered =
// Buffers, cached = Cached + SReclaimable (as free(1) counts the page cache), used = MemTotal -
// free - buffered - cached, slab_reclaimable = SReclaimable, slab_unreclaimable = SUnreclaim.
// used + free + buffered + cached = MemTotal; the slab states are parts of cached and used.
// Utilization is each state's share of MemTotal.
//
// Thread-safety: stateless; one thread at a time.
#pragma once

#include "inputs/host_metrics/scraper.h"

namespace nightjar::agent::host_metrics {

class MemoryScraper final : public Scraper {
 public:
  std::string_view name() const override { return "memory"; }
  Status Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) override;
};

}  // namespace nightjar::agent::host_metrics
