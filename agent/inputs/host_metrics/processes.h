// The processes scraper: system.processes.count {status} and system.processes.created.
//
// As the hostmetrics receiver does on Linux: every process under <root>/proc is counted by the
// state in its stat file (S sleeping, R running, D blocked, Z zombies, T/t stopped, I idle, W
// paging, anything else unknown); then running and blocked are replaced by procs_running and
// procs_blocked of /proc/stat, read in one go and so more exact than a walk over processes
// that come and go. created is /proc/stat's "processes" (forks since boot).
//
// Thread-safety: stateless; one thread at a time.
#pragma once

#include "inputs/host_metrics/scraper.h"

namespace nightjar::agent::host_metrics {

class ProcessesScraper final : public Scraper {
 public:
  std::string_view name() const override { return "processes"; }
  Status Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) override;
};

}  // namespace nightjar::agent::host_metrics
