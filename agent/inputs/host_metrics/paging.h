// The paging scraper: system.paging.usage and .utilization per swap device {device, state:
// used|free} from /proc/swaps; system.paging.operations {direction: page_in|page_out, type:
// major|minor} and system.paging.faults {type} from /proc/vmstat.
//
// As in the hostmetrics receiver on Linux: major operations are pages swapped (pswpin,
// pswpout), minor ones pages paged from and to disk (pgpgin, pgpgout); major faults are
// pgmajfault and minor faults pgfault - pgmajfault. A host without swap has no usage points.
//
// Thread-safety: stateless; one thread at a time.
#pragma once

#include "inputs/host_metrics/scraper.h"

namespace nightjar::agent::host_metrics {

class PagingScraper final : public Scraper {
 public:
  std::string_view name() const override { return "paging"; }
  Status Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) override;
};

}  // namespace nightjar::agent::host_metrics
