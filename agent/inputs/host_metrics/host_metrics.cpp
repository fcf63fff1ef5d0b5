// The host metrics input; see host_metrics.h.
#include "inputs/host_metrics/host_metrics.h"

#include <algorithm>

#include "base/logging.h"
#include "host_info.h"
#include "inputs/host_metrics/cpu.h"
#include "inputs/host_metrics/disk.h"
#include "inputs/host_metrics/load.h"
#include "inputs/host_metrics/memory.h"
#include "inputs/host_metrics/network.h"
#include "inputs/host_metrics/paging.h"
#include "inputs/host_metrics/proc_files.h"
#include "inputs/host_metrics/processes.h"
#include "otlp/codec.h"

#ifndef NJ_VERSION
#define NJ_VERSION "0.0.0"
#endif

namespace nightjar::agent::host_metrics {
namespace {

constexpr char kComponent[] = "host_metrics";
constexpr int64_t kSecond = 1'000'000'000;
// While the queue stays full, a reminder that collections are dropped at most this often.
constexpr int64_t kDropLogInterval = 60 * kSecond;
// The instrumentation scope of each family: "nightjar-agent/hostmetrics/cpu", ...
constexpr char kScopePrefix[] = "nightjar-agent/hostmetrics/";

std::string FirstLine(const std::string& root, const char* path) {
  Result<std::string> text = ReadProcFile(root, path);
  if (!text.ok()) return "";
  std::vector<std::string_view> lines = Lines(*text);
  if (lines.empty()) return "";
  std::string_view line = lines[0];
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
  return std::string(line);
}

bool IsHostRoot(const std::string& root) {
  return root.empty() || root.find_first_not_of('/') == std::string::npos;
}

}  // namespace

const std::vector<std::string>& ScraperNames() {
  static const std::vector<std::string> names = {"cpu",        "memory",  "load",   "disk",
                                                 "filesystem", "network", "paging", "processes"};
  return names;
}

const std::vector<std::string>& AllScraperNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all = ScraperNames();
    all.push_back("containers");
    return all;
  }();
  return names;
}

Result<std::vector<std::unique_ptr<Scraper>>> MakeScrapers(const HostMetricsOptions& options) {
  const std::vector<std::string>& names =
      options.scrapers.empty() ? ScraperNames() : options.scrapers;
  std::vector<std::unique_ptr<Scraper>> out;
  for (const std::string& name : names) {
    if (name == "cpu") {
      out.push_back(std::make_unique<CpuScraper>());
    } else if (name == "memory") {
      out.push_back(std::make_unique<MemoryScraper>());
    } else if (name == "load") {
      out.push_back(std::make_unique<LoadScraper>());
    } else if (name == "disk") {
      out.push_back(std::make_unique<DiskScraper>(NameFilter(options.disk_exclude_devices)));
    } else if (name == "filesystem") {
      out.push_back(std::make_unique<FilesystemScraper>(
          options.filesystem_exclude_types, NameFilter(options.filesystem_exclude_mounts)));
    } else if (name == "network") {
      out.push_back(std::make_unique<NetworkScraper>(NameFilter(options.network_exclude_devices)));
    } else if (name == "paging") {
      out.push_back(std::make_unique<PagingScraper>());
    } else if (name == "processes") {
      out.push_back(std::make_unique<ProcessesScraper>());
    } else if (name == "containers") {
      continue;  // not a host scraper; see HostMetricsInput
    } else {
      return InvalidArgument("unknown host metrics scraper \"" + name + "\"");
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> HostMetricsResource(
    const std::string& root, const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::pair<std::string, std::string>> out;
  if (IsHostRoot(root)) {
    out = HostResource();
  } else {
    // In a container, gethostname() and /etc/machine-id are the container's: the host's are
    // under the root.
    out = HostResource(
        {UnderRoot(root, "/etc/machine-id"), UnderRoot(root, "/var/lib/dbus/machine-id")});
    std::string name = FirstLine(root, "/etc/hostname");
    if (!name.empty()) {
      for (auto& kv : out) {
        if (kv.first == "host.name") kv.second = name;
      }
    }
  }
  for (const auto& [key, value] : extra) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& kv) { return kv.first == key; });
    if (it != out.end()) {
      it->second = value;
    } else {
      out.emplace_back(key, value);
    }
  }
  return out;
}

Result<std::unique_ptr<HostMetricsInput>> HostMetricsInput::Create(
    HostMetricsOptions options, std::vector<std::pair<std::string, std::string>> resource,
    BatchSink* sink, int gzip_level, AgentMetrics* metrics, const Clock* clock) {
  Result<uint64_t> boot = ReadBootTimeUnixNanos(options.root_path);
  if (!boot.ok()) {
    return boot.status().WithContext("host_metrics.root_path " + options.root_path);
  }
  NJ_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Scraper>> scrapers, MakeScrapers(options));
  std::unique_ptr<HostMetricsInput> input(new HostMetricsInput(
      std::move(options), std::move(resource), sink, gzip_level, metrics, clock));
  input->boot_unix_nanos_ = *boot;
  input->scrapers_ = std::move(scrapers);
  input->failing_.assign(input->scrapers_.size(), false);
  const std::vector<std::string>& names = input->options_.scrapers;
  if (std::find(names.begin(), names.end(), "containers") != names.end()) {
    input->containers_ = std::make_unique<ContainersScraper>(input->options_.containers);
  }
  if (gzip_level > 0) input->compressor_ = std::make_unique<GzipCompressor>(gzip_level);
  return input;
}

HostMetricsInput::~HostMetricsInput() { Stop(); }

otlp::MetricsData HostMetricsInput::Collect() {
  ScrapeContext context;
  context.root = options_.root_path;
  context.boot_unix_nanos = boot_unix_nanos_;
  context.now_unix_nanos = static_cast<uint64_t>(clock_->NowUnixNanos());

  otlp::MetricsData data;
  otlp::ResourceMetrics& rm = data.resource_metrics.emplace_back();
  for (const auto& [key, value] : resource_) rm.resource.attributes.push_back({key, value});
  for (size_t i = 0; i < scrapers_.size(); ++i) {
    Scraper& scraper = *scrapers_[i];
    otlp::ScopeMetrics scope;
    scope.scope.name = std::string(kScopePrefix) + std::string(scraper.name());
    scope.scope.version = NJ_VERSION;
    Status scraped = scraper.Scrape(context, &scope.metrics);
    if (!scraped.ok()) {
      metrics_->ScrapeErrors(std::string(scraper.name())).Inc();
      if (!failing_[i]) {
        log::Warning(kComponent, "a host metrics scraper failed; its metrics are left out",
                     {{"scraper", scraper.name()}, {"error", scraped.ToString()}});
      }
      failing_[i] = true;
      continue;
    }
    if (failing_[i]) {
      log::Notice(kComponent, "a host metrics scraper works again", {{"scraper", scraper.name()}});
      failing_[i] = false;
    }
    if (!scope.metrics.empty()) rm.scope_metrics.push_back(std::move(scope));
  }
  if (containers_) CollectContainers(context, &data);
  metrics_->host_metrics_collections.Inc();
  return data;
}

void HostMetricsInput::CollectContainers(const ScrapeContext& context, otlp::MetricsData* data) {
  std::vector<ResourceScrape> containers;
  Status scraped = containers_->Scrape(context, &containers);
  if (!scraped.ok()) {
    metrics_->ScrapeErrors("containers").Inc();
    if (!containers_failing_) {
      log::Warning(kComponent, "a host metrics scraper failed; its metrics are left out",
                   {{"scraper", "containers"}, {"error", scraped.ToString()}});
    }
    containers_failing_ = true;
    return;
  }
  if (containers_failing_) {
    log::Notice(kComponent, "a host metrics scraper works again", {{"scraper", "containers"}});
    containers_failing_ = false;
  }
  for (ResourceScrape& container : containers) {
    otlp::ResourceMetrics& rm = data->resource_metrics.emplace_back();
    for (const auto& [key, value] : resource_) rm.resource.attributes.push_back({key, value});
    for (otlp::KeyValue& kv : container.resource) rm.resource.attributes.push_back(std::move(kv));
    otlp::ScopeMetrics& scope = rm.scope_metrics.emplace_back();
    scope.scope.name = std::string(kScopePrefix) + "containers";
    scope.scope.version = NJ_VERSION;
    scope.metrics = std::move(container.metrics);
  }
}

Status HostMetricsInput::CollectAndStore() {
  otlp::MetricsData data = Collect();
  size_t points = otlp::CountDataPoints(data);
  if (points == 0) return Status::Ok();
  CommitRequest request;
  request.signal = otlp::Signal::kMetrics;
  request.records = static_cast<uint32_t>(points);
  request.body = otlp::EncodeMetrics(data, otlp::Encoding::kProtobuf);
  if (compressor_) {
    request.body = compressor_->Compress(request.body);
    request.gzip = true;
  }
  if (!sink_->HasRoom(request.body.size())) {
    metrics_->host_metrics_points_dropped.Inc(static_cast<double>(points));
    int64_t now = clock_->MonotonicNanos();
    if (last_drop_log_ == 0 || now - last_drop_log_ >= kDropLogInterval) {
      last_drop_log_ = now;
      log::Warning(kComponent, "the queue is full; dropping host metrics until it has room",
                   {{"points", static_cast<uint64_t>(points)}});
    }
    return Status::Ok();
  }
  Status committed = sink_->Commit(request);
  if (!committed.ok()) {
    metrics_->queue_commit_errors.Inc();
    metrics_->host_metrics_points_dropped.Inc(static_cast<double>(points));
    return committed;
  }
  metrics_->host_metrics_points.Inc(static_cast<double>(points));
  return Status::Ok();
}

void HostMetricsInput::Start() {
  heartbeat_.store(clock_->MonotonicNanos());
  thread_ = std::thread([this] { Run(); });
}

void HostMetricsInput::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HostMetricsInput::Run() {
  const int64_t interval = options_.collection_interval.count();
  int64_t next = clock_->MonotonicNanos();
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      while (!stopping_) {
        int64_t now = clock_->MonotonicNanos();
        heartbeat_.store(now);
        if (now >= next) break;
        // Wake at least once a second to show a heartbeat to the watchdog.
        wake_.wait_for(lock, std::chrono::nanoseconds(std::min(next - now, kSecond)));
      }
      if (stopping_) break;
    }
    Status stored = CollectAndStore();
    if (!stored.ok()) {
      log::Error(kComponent, "cannot store host metrics", {{"error", stored.ToString()}});
    }
    int64_t now = clock_->MonotonicNanos();
    heartbeat_.store(now);
    next += interval;
    // After a stall (a suspended host, a slow disk) start afresh rather than catch up.
    if (next <= now) next = now + interval;
  }
}

}  // namespace nightjar::agent::host_metrics
