// The agent's lifecycle; see agent.h.
#include "agent.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

Result<Agent::Inputs> Agent::BuildInputs(const AgentConfig& config, const AgentConfig* known) {
  auto existed = [known](const std::string& name) {
    if (known == nullptr) return false;
    return std::any_of(known->inputs.begin(), known->inputs.end(),
                       [&](const FileInputConfig& in) { return in.name == name; });
  };
  Inputs inputs;
  StringPairs host = HostResource();
  NJ_ASSIGN_OR_RETURN(std::vector<TailInput> files, CompileInputs(config, host));
  for (TailInput& input : files) input.fresh = known != nullptr && !existed(input.name);
  inputs.tailer =
      std::make_unique<FileTailer>(std::move(files), config.tail, config.batch, queue_.get(),
                                   &metrics_, &Clock::System(), queue_->pool());
  for (journal::JournalInputSpec& spec : CompileJournalInputs(config, host)) {
    NJ_ASSIGN_OR_RETURN(std::optional<std::string> cursor, queue_->LoadCursor(spec.name));
    inputs.journals.push_back(std::make_unique<journal::JournalInput>(
        std::move(spec), std::move(cursor), queue_.get(), config.batch, queue_->pool(), &metrics_));
  }
  if (config.host_metrics.enabled) {
    NJ_ASSIGN_OR_RETURN(
        inputs.host_metrics,
        host_metrics::HostMetricsInput::Create(
            config.host_metrics,
            host_metrics::HostMetricsResource(config.host_metrics.root_path, config.resource),
            queue_.get(), config.batch.gzip_level, &metrics_));
  }
  return inputs;
}

void Agent::NotifyExporter() {
  std::lock_guard<std::mutex> lock(parts_mutex_);
  if (exporter_) exporter_->Notify();
}

void Agent::WakeInputs() {
  std::lock_guard<std::mutex> lock(parts_mutex_);
  if (tailer_) tailer_->Wake();
  for (auto& j : journals_) j->Wake();
}

void Agent::SwapParts(Inputs& inputs, std::unique_ptr<OtlpExporter>& exporter) {
  std::lock_guard<std::mutex> lock(parts_mutex_);
  std::swap(tailer_, inputs.tailer);
  std::swap(journals_, inputs.journals);
  std::swap(host_metrics_, inputs.host_metrics);
  std::swap(exporter_, exporter);
}

Status Agent::StartInputs(bool first_run) {
  NJ_ASSIGN_OR_RETURN(std::vector<Checkpoint> checkpoints, queue_->LoadCheckpoints());
  tailer_->Start(std::move(checkpoints), first_run);
  stop_.store(false);
  tail_heartbeat_.store(MonotonicNanos());
  tail_thread_ = std::thread([this] { TailLoop(); });
  for (auto& j : journals_) j->Start();
  if (host_metrics_) host_metrics_->Start();
  return Status::Ok();
}

Status Agent::StopInputs(int64_t deadline_nanos) {
  if (host_metrics_) host_metrics_->Stop();
  for (auto& j : journals_) j->Stop();
  stop_.store(true);
  tailer_->Wake();
  tail_thread_.join();
  // The tail thread is gone; the tailer is now used from this thread only.
  Status drained = tailer_->Drain(deadline_nanos);
  if (!drained.ok()) {
    log::Error(kComponent, "could not store the last batch", {{"error", drained.ToString()}});
  }
  return drained;
}

Status Agent::Start() {
  NJ_RETURN_IF_ERROR(LockStateDir());
  NJ_ASSIGN_OR_RETURN(queue_, PersistentQueue::Open(config_.queue));
  NJ_ASSIGN_OR_RETURN(std::unique_ptr<OtlpExporter> exporter,
                      OtlpExporter::Create(config_.exporter, queue_.get(), &metrics_));
  NJ_ASSIGN_OR_RETURN(Inputs inputs, BuildInputs(config_, nullptr));
  SwapParts(inputs, exporter);
  queue_->SetListeners([this] { NotifyExporter(); }, [this] { WakeInputs(); });

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
  exporter_->Start();
  NJ_RETURN_IF_ERROR(StartInputs(first_run));
  if (first_run) NJ_RETURN_IF_ERROR(queue_->MarkInitialized());
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
  Status drained = StopInputs(deadline);
  exporter_->Stop(deadline);
  if (metrics_server_) metrics_server_->Stop();
  uint64_t left = queue_->batches();
  uint64_t records = queue_->records();
  Inputs none;
  std::unique_ptr<OtlpExporter> no_exporter;
  SwapParts(none, no_exporter);
  none = Inputs();
  no_exporter.reset();
  queue_.reset();
  log::Info(kComponent,
            left == 0 ? "stopped; everything read was delivered"
                      : "stopped; undelivered batches stay queued for the next start",
            {{"queued_batches", left}, {"queued_records", records}});
  return drained;
}

namespace {

// Keeps the running value of a setting that needs a restart, saying so when it changed.
template <typename T>
void KeepForRestart(const char* key, const T& running, T* next, const std::string& shown) {
  if (*next == running) return;
  log::Warning(kComponent, "setting changed: needs a restart; keeping the running value",
               {{"key", key}, {"running", shown}});
  *next = running;
}

bool SameQueue(const QueueOptions& a, const QueueOptions& b) {
  return a.path == b.path && a.max_bytes == b.max_bytes && a.synchronous == b.synchronous &&
         a.hot_bytes == b.hot_bytes && a.buffer_capacity == b.buffer_capacity;
}

}  // namespace

Status Agent::Reload(const AgentConfig& config) {
  if (!tail_thread_.joinable()) return FailedPrecondition("the agent is not running");
  AgentConfig next = config;
  KeepForRestart("state_dir", config_.state_dir, &next.state_dir, config_.state_dir);
  if (!SameQueue(next.queue, config_.queue)) {
    log::Warning(kComponent, "setting changed: needs a restart; keeping the running value",
                 {{"key", "queue"}, {"running", config_.queue.path}});
    next.queue = config_.queue;
  }
  // Build everything new before touching what runs: a configuration that does not compile
  // (or a host metrics root that cannot be read) leaves the agent as it was.
  NJ_ASSIGN_OR_RETURN(std::unique_ptr<OtlpExporter> exporter,
                      OtlpExporter::Create(next.exporter, queue_.get(), &metrics_));
  NJ_ASSIGN_OR_RETURN(Inputs inputs, BuildInputs(next, &config_));

  // Stop reading and commit what was read, as a stop does; the queue stays open and keeps
  // everything it holds, which the new exporter sends.
  (void)StopInputs(MonotonicNanos() + config_.shutdown_grace.count());
  exporter_->HandOver(MonotonicNanos() + config_.exporter.timeout.count());
  SwapParts(inputs, exporter);
  inputs = Inputs();  // the old parts, all stopped
  exporter.reset();
  exporter_->Start();
  Status started = StartInputs(/*first_run=*/false);

  if (next.metrics_listen != config_.metrics_listen) {
    if (metrics_server_) metrics_server_->Stop();
    metrics_server_.reset();
    config_.metrics_listen = next.metrics_listen;
    Status listening = StartMetricsServer();
    if (!listening.ok()) {
      log::Error(kComponent, "cannot serve the metrics endpoint at its new address",
                 {{"address", next.metrics_listen}, {"error", listening.ToString()}});
    }
  }
  {
    std::lock_guard<std::mutex> lock(parts_mutex_);  // Healthy() reads the exporter's timeout
    config_ = std::move(next);
  }
  NJ_RETURN_IF_ERROR(started);
  log::Info(kComponent, "configuration reloaded",
            {{"inputs", static_cast<uint64_t>(config_.inputs.size())},
             {"files", static_cast<uint64_t>(tailer_->file_count())},
             {"endpoint", exporter_->url()},
             {"host_metrics", host_metrics_ ? "on" : "off"},
             {"queued_batches", queue_->batches()}});
  return Status::Ok();  // a batch that could not be stored was logged; its lines are read again
}

bool Agent::Healthy() const {
  std::lock_guard<std::mutex> lock(parts_mutex_);  // /healthz asks while a reload may swap parts
  int64_t now = MonotonicNanos();
  if (now - tail_heartbeat_.load() > 30 * kSecond) return false;
  // A collection reads small files; one that takes long is stuck (e.g. statvfs on a dead NFS
  // server, which the filesystem scraper's exclusions should then leave out).
  if (host_metrics_ && now - host_metrics_->heartbeat_nanos() > 60 * kSecond) return false;
  // A journal input wakes at least every retry interval (10 s) even when there is no journal.
  for (const auto& j : journals_) {
    if (now - j->heartbeat_nanos() > 60 * kSecond) return false;
  }
  if (exporter_ == nullptr) return true;
  int64_t exporter_limit = 2 * config_.exporter.timeout.count() + 30 * kSecond;
  return now - exporter_->heartbeat_nanos() <= exporter_limit;
}

}  // namespace nightjar::agent
