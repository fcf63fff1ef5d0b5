// The network scraper: system.network.io, .packets, .errors and .dropped per interface
// {device, direction: receive|transmit} from <root>/proc/1/net/dev (the host's init's network
// namespace when the host is mounted into a container), else <root>/proc/net/dev.
//
// Thread-safety: stateless; one thread at a time.
#pragma once

#include "inputs/host_metrics/name_filter.h"
#include "inputs/host_metrics/scraper.h"

namespace nightjar::agent::host_metrics {

class NetworkScraper final : public Scraper {
 public:
  // Interfaces matching `exclude` (e.g. "veth*") are left out.
  explicit NetworkScraper(NameFilter exclude) : filter_(std::move(exclude)) {}

  std::string_view name() const override { return "network"; }
  Status Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) override;

 private:
  NameFilter filter_;
};

}  // namespace nightjar::agent::host_metrics
