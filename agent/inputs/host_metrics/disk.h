// The disk scraper: system.disk.io, .operations, .io_time, .operation_time,
// .weighted_io_time, .pending_operations and .merged per block device {device, direction}
// from /proc/diskstats (sectors there are always 512 bytes, whatever the device's own).
//
// Thread-safety: stateless; one thread at a time.
#pragma once

#include "inputs/host_metrics/name_filter.h"
#include "inputs/host_metrics/scraper.h"

namespace nightjar::agent::host_metrics {

class DiskScraper final : public Scraper {
 public:
  // Devices matching `exclude` (e.g. "loop*") are left out.
  explicit DiskScraper(NameFilter exclude) : filter_(std::move(exclude)) {}

  std::string_view name() const override { return "disk"; }
  Status Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) override;

 private:
  NameFilter filter_;
};

}  // namespace nightjar::agent::host_metrics
