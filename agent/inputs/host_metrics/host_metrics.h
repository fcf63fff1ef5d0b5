// The host metrics input: every collection_interval, runs the configured scrapers (cpu, memory,
// load, disk, filesystem, network, paging, processes) over /proc and /sys under root_path,
// encodes what they found as one OTLP metrics request and stores it in the persistent queue,
// from where the exporter sends it to /v1/metrics like any batch of logs.
//
// The first collection happens at Start(). A scraper that fails (a file missing under the
// root, a format it does not know) is logged once per failure streak and counted; the other
// families are still sent. Metrics cannot wait the way files do, so when the queue is full a
// collection is dropped, counted (nightjar_agent_host_metrics_points_dropped_total) and logged.
//
// Thread-safety: Start/Stop from the owner; the collections run on the input's own thread.
// Collect() and CollectAndStore() are for tests, which must not also Start().
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "agent_metrics.h"
#include "inputs/host_metrics/containers.h"
#include "inputs/host_metrics/filesystem.h"
#include "inputs/host_metrics/scraper.h"
#include "pipeline/batch_sink.h"
#include "pipeline/gzip_compressor.h"
#include "runtime/clock.h"
#include "runtime/units.h"

namespace nightjar::agent::host_metrics {

struct HostMetricsOptions {
  bool enabled = false;
  Duration collection_interval = std::chrono::seconds(10);
  std::string root_path = "/";
  std::vector<std::string> scrapers;  // names, in the order they run; empty = the defaults
  std::vector<std::string> filesystem_exclude_types = DefaultExcludedTypes();
  std::vector<std::string> filesystem_exclude_mounts = DefaultExcludedMounts();
  std::vector<std::string> disk_exclude_devices = {"loop*", "ram*"};
  std::vector<std::string> network_exclude_devices;
  ContainersOptions containers;  // for the "containers" scraper
};

// Returns the scrapers that run by default, in their order.
const std::vector<std::string>& ScraperNames();
// Returns every scraper name the configuration accepts: the defaults and "containers".
const std::vector<std::string>& AllScraperNames();

// Returns the host scrapers `options` selects (the containers scraper, whose metrics belong to
// resources of their own, is made by the input); an unknown name is an InvalidArgument.
Result<std::vector<std::unique_ptr<Scraper>>> MakeScrapers(const HostMetricsOptions& options);

// Returns the resource of the host metrics: the host's identity read under `root` (host.name
// from <root>/etc/hostname and host.id from <root>/etc/machine-id when root is not "/"), then
// `extra` (the agent-wide resource attributes) over it.
std::vector<std::pair<std::string, std::string>> HostMetricsResource(
    const std::string& root, const std::vector<std::pair<std::string, std::string>>& extra);

class HostMetricsInput {
 public:
  // Checks the root (its /proc/stat must be readable: that is where the boot time comes from)
  // and builds the scrapers. `gzip_level` 0 stores requests uncompressed.
  static Result<std::unique_ptr<HostMetricsInput>> Create(
      HostMetricsOptions options, std::vector<std::pair<std::string, std::string>> resource,
      BatchSink* sink, int gzip_level, AgentMetrics* metrics,
      const Clock* clock = &Clock::System());
  ~HostMetricsInput();

  // Runs one collection: every scraper once. Failing scrapers are logged, counted and left out.
  otlp::MetricsData Collect();
  // Runs one collection and stores it in the queue (or drops it when the queue is full).
  Status CollectAndStore();

  // Starts the collection thread (a first collection at once, then one per interval).
  void Start();
  // Stops the thread; a collection in progress finishes first.
  void Stop();

  // Returns the monotonic time of the thread's last sign of life, for the watchdog.
  int64_t heartbeat_nanos() const { return heartbeat_.load(); }
  uint64_t boot_unix_nanos() const { return boot_unix_nanos_; }

 private:
  HostMetricsInput(HostMetricsOptions options,
                   std::vector<std::pair<std::string, std::string>> resource, BatchSink* sink,
                   int gzip_level, AgentMetrics* metrics, const Clock* clock)
      : options_(std::move(options)),
        resource_(std::move(resource)),
        sink_(sink),
        gzip_level_(gzip_level),
        metrics_(metrics),
        clock_(clock) {}
  void Run();
  // Adds one resource per container to `data`.
  void CollectContainers(const ScrapeContext& context, otlp::MetricsData* data);

  HostMetricsOptions options_;
  std::vector<std::pair<std::string, std::string>> resource_;
  BatchSink* sink_;
  int gzip_level_;
  std::unique_ptr<GzipCompressor> compressor_;
  AgentMetrics* metrics_;
  const Clock* clock_;
  uint64_t boot_unix_nanos_ = 0;
  std::vector<std::unique_ptr<Scraper>> scrapers_;
  std::vector<bool> failing_;  // per scraper: its last scrape failed (logged once per streak)
  std::unique_ptr<ContainersScraper> containers_;
  bool containers_failing_ = false;
  int64_t last_drop_log_ = 0;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<int64_t> heartbeat_{0};
};

}  // namespace nightjar::agent::host_metrics
