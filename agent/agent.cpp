// The agent's lifecycle; see agent.h.
#include "agent.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/logging.h"
#include "host_info.h"

#ifndef NJ_VERSION
#define NJ_VERSION "0.0.0"
#endif

namespace nightjar::agent {
namespace {

constexpr char kComponent[] = "agent";
constexpr int64_t kSecond = 1'000'000'000;

int64_t MonotonicNanos() { return Clock::System().MonotonicNanos(); }

}  // namespace

Agent::Agent(AgentConfig config) : config_(std::move(config)), metrics_(&registry_) {}

Agent::~Agent() {
  if (tail_thread_.joinable()) (void)Stop();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Result<std::unique_ptr<Agent>> Agent::Create(AgentConfig config) {
  return std::unique_ptr<Agent>(new Agent(std::move(config)));
}

Status Agent::LockStateDir() {
  std::error_code ec;
  std::filesystem::create_directories(config_.state_dir, ec);
  if (ec) {
    return IoError("cannot create the state directory " + config_.state_dir + ": " + ec.message());
  }
  std::string path = config_.state_dir + "/agent.lock";
  lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) return IoError("cannot open " + path + ": " + std::strerror(errno));
  // Two agents on one state would read the same files and ship every line twice.
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return FailedPrecondition("another nightjar-agent is running with the state directory " +
                              config_.state_dir);
  }
  return Status::Ok();
}

Status Agent::StartMetricsServer() {
  if (config_.metrics_listen.empty()) return Status::Ok();
  HttpServerOptions options;
  size_t colon = config_.metrics_listen.rfind(':');
  options.address = config_.metrics_listen.substr(0, colon);
  options.port = static_cast<uint16_t>(std::stoi(config_.metrics_listen.substr(colon + 1)));
  options.threads = 2;
  options.name = "metrics";
  metrics_server_ = std::make_unique<HttpServer>(options);
  metrics_server_->Route("GET", "/metrics", [this](auto&, auto& response) {
    HttpServer::Send(response, 200, metrics::kContentType, registry_.Render());
  });
  metrics_server_->Route("GET", "/healthz", [this](auto&, auto& response) {
    bool healthy = Healthy();
    HttpServer::Send(response, healthy ? 200 : 503, "text/plain", healthy ? "ok\n" : "stalled\n");
  });
  NJ_RETURN_IF_ERROR(metrics_server_->Start());
  log::Info(kComponent, "metrics endpoint listening",
            {{"address", options.address + ":" + std::to_string(metrics_server_->port())}});
  return Status::Ok();
}

Status Agent::Start() {
  NJ_RETURN_IF_ERROR(LockStateDir());
  NJ_ASSIGN_OR_RETURN(queue_, PersistentQueue::Open(config_.queue));
  NJ_ASSIGN_OR_RETURN(std::vector<Checkpoint> checkpoints, queue_->LoadCheckpoints());
  NJ_ASSIGN_OR_RETURN(exporter_, OtlpExporter::Create(config_.exporter, queue_.get(), &metrics_));
  NJ_ASSIGN_OR_RETURN(std::vector<TailInput> inputs, CompileInputs(config_, HostResource()));
  tailer_ = std::make_unique<FileTailer>(std::move(inputs), config_.tail, config_.batch,
                                         queue_.get(), &metrics_, &Clock::System(), queue_->pool());
  queue_->SetListeners([this] { exporter_->Notify(); }, [this] { tailer_->Wake(); });
  if (config_.host_metrics.enabled) {
    NJ_ASSIGN_OR_RETURN(host_metrics_, host_metrics::HostMetricsInput::Create(
                                           config_.host_metrics,
                                           host_metrics::HostMetricsResource(
                                               config_.host_metrics.root_path, config_.resource),
                                           queue_.get(), config_.batch.gzip_level, &metrics_));
  }

  registry_.Gauge("nightjar_agent_build_info", "The running agent's version.", {"version"})
      .With({NJ_VERSION})
      .Set(1);
  PersistentQueue* queue = queue_.get();
  registry_.GaugeFunction("nightjar_agent_queue_bytes", "Bytes of batches in the persistent queue.",
                          [queue] { return static_cast<double>(queue->bytes()); });
  registry_.GaugeFunction("nightjar_agent_queue_max_bytes", "Bound of the persistent queue.",
                          [queue] { return static_cast<double>(queue->max_bytes()); });
  registry_.GaugeFunction("nightjar_agent_queue_batches", "Batches in the persistent queue.",
                          [queue] { return static_cast<double>(queue->batches()); });
  registry_.GaugeFunction("nightjar_agent_queue_records",
                          "Log records and metric data points in the persistent queue.",
                          [queue] { return static_cast<double>(queue->records()); });
  registry_.GaugeFunction(
      "nightjar_agent_queue_oldest_age_seconds",
      "Age of the oldest unacknowledged batch (delivery lag); 0 when the queue is empty.", [queue] {
        int64_t oldest = queue->OldestCreatedUnixNanos();
        if (oldest == 0) return 0.0;
        return static_cast<double>(Clock::System().NowUnixNanos() - oldest) / kSecond;
      });

  NJ_RETURN_IF_ERROR(StartMetricsServer());
  bool first_run = queue_->first_run();
  tailer_->Start(std::move(checkpoints), first_run);
  if (first_run) NJ_RETURN_IF_ERROR(queue_->MarkInitialized());
  exporter_->Start();
  tail_heartbeat_.store(MonotonicNanos());
  tail_thread_ = std::thread([this] { TailLoop(); });
  if (host_metrics_) host_metrics_->Start();
  log::Info(kComponent, "reading",
            {{"version", NJ_VERSION},
             {"inputs", static_cast<uint64_t>(config_.inputs.size())},
             {"files", static_cast<uint64_t>(tailer_->file_count())},
             {"endpoint", exporter_->url()},
             {"host_metrics", host_metrics_ ? exporter_->metrics_url() : "off"},
             {"queue", config_.queue.path},
             {"queued_batches", queue_->batches()}});
  return Status::Ok();
}

void Agent::TailLoop() {
  while (!stop_.load()) {
    Duration wait = tailer_->Poll();
    tail_heartbeat_.store(MonotonicNanos());
    if (stop_.load()) break;
    // Wake at least every second so that the watchdog sees a heartbeat.
    tailer_->Wait(std::min<Duration>(wait, std::chrono::seconds(1)));
  }
}

Status Agent::Stop() {
  if (!tail_thread_.joinable()) return Status::Ok();
  int64_t deadline = MonotonicNanos() + config_.shutdown_grace.count();
  log::Info(kComponent, "stopping: reading ends, flushing what can be sent",
            {{"grace_period", FormatDuration(config_.shutdown_grace)}});
  if (host_metrics_) host_metrics_->Stop();
  stop_.store(true);
  tailer_->Wake();
  tail_thread_.join();
  // The tail thread is gone; the tailer is now used from this thread only.
  Status drained = tailer_->Drain(deadline);
  if (!drained.ok()) {
    log::Error(kComponent, "could not store the last batch", {{"error", drained.ToString()}});
  }
  exporter_->Stop(deadline);
  if (metrics_server_) metrics_server_->Stop();
  uint64_t left = queue_->batches();
  uint64_t records = queue_->records();
  tailer_.reset();
  host_metrics_.reset();
  exporter_.reset();
  queue_.reset();
  log::Info(kComponent,
            left == 0 ? "stopped; everything read was delivered"
                      : "stopped; undelivered batches stay queued for the next start",
            {{"queued_batches", left}, {"queued_records", records}});
  return drained;
}

Status Agent::Reload(const AgentConfig&) {
  return Status(StatusCode::kUnimplemented,
                "reload is not supported yet; restart the agent to apply a new configuration");
}

bool Agent::Healthy() const {
  int64_t now = MonotonicNanos();
  if (now - tail_heartbeat_.load() > 30 * kSecond) return false;
  // A collection reads small files; one that takes long is stuck (e.g. statvfs on a dead NFS
  // server, which the filesystem scraper's exclusions should then leave out).
  if (host_metrics_ && now - host_metrics_->heartbeat_nanos() > 60 * kSecond) return false;
  if (exporter_ == nullptr) return true;
  int64_t exporter_limit = 2 * config_.exporter.timeout.count() + 30 * kSecond;
  return now - exporter_->heartbeat_nanos() <= exporter_limit;
}

}  // namespace nightjar::agent
