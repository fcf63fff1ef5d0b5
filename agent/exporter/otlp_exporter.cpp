// The export loop; see otlp_exporter.h.
#include "exporter/otlp_exporter.h"

#include <Poco/String.h>

#include "base/logging.h"
#include "otlp/gzip.h"

namespace nightjar::agent {
namespace {

constexpr char kComponent[] = "exporter";
constexpr int64_t kSecond = 1'000'000'000;
// During an outage, a reminder that it goes on at most this often.
constexpr int64_t kFailureLogInterval = 60 * kSecond;
// Bound on a batch decompressed for re-encoding (batches are about batch.max_bytes).
constexpr size_t kMaxBatchBytes = 256 << 20;

constexpr std::string_view kLogsPath = "/v1/logs";
constexpr std::string_view kMetricsPath = "/v1/metrics";

}  // namespace

bool UsesTls(const ExporterOptions& options) {
  auto https = [](const std::string& url) {
    return Poco::icompare(url.substr(0, 8), "https://") == 0;
  };
  return https(options.endpoint) || https(options.metrics_endpoint);
}

Result<std::string> MetricsEndpoint(const ExporterOptions& options) {
  if (!options.metrics_endpoint.empty()) {
    return HttpSender::NormalizeUrl(options.metrics_endpoint, kMetricsPath);
  }
  NJ_ASSIGN_OR_RETURN(std::string url, HttpSender::NormalizeUrl(options.endpoint, kLogsPath));
  if (!url.ends_with(kLogsPath)) {
    return InvalidArgument(
        "the endpoint's path is not .../v1/logs, so it says nothing about "
        "where metrics go: set exporter.metrics_endpoint");
  }
  return url.substr(0, url.size() - kLogsPath.size()) + std::string(kMetricsPath);
}

Result<std::unique_ptr<OtlpExporter>> OtlpExporter::Create(ExporterOptions options,
                                                           PersistentQueue* queue,
                                                           AgentMetrics* metrics,
                                                           const Clock* clock) {
  const TlsClientSettings& tls = options.tls;
  NJ_ASSIGN_OR_RETURN(
      std::unique_ptr<HttpSender> logs_sender,
      HttpSender::Create(options.endpoint, kLogsPath, options.timeout, options.headers, tls));
  // Without a usable metrics URL (a custom logs path and no metrics_endpoint) metrics batches
  // go nowhere: the configuration check refuses that when host metrics are on.
  Result<std::string> metrics_url = MetricsEndpoint(options);
  NJ_ASSIGN_OR_RETURN(std::unique_ptr<HttpSender> metrics_sender,
                      HttpSender::Create(metrics_url.ok() ? *metrics_url : logs_sender->url(),
                                         kMetricsPath, options.timeout, options.headers, tls));
  return std::unique_ptr<OtlpExporter>(new OtlpExporter(std::move(options), queue, metrics, clock,
                                                        std::move(logs_sender),
                                                        std::move(metrics_sender)));
}

OtlpExporter::~OtlpExporter() {
  if (thread_.joinable()) Stop(clock_->MonotonicNanos());
}

void OtlpExporter::Start() {
  heartbeat_.store(clock_->MonotonicNanos());
  thread_ = std::thread([this] { Run(); });
}

void OtlpExporter::Notify() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    notified_ = true;
  }
  wake_.notify_one();
}

void OtlpExporter::Stop(int64_t deadline_nanos) { Finish(deadline_nanos, /*drain=*/true); }

void OtlpExporter::HandOver(int64_t deadline_nanos) { Finish(deadline_nanos, /*drain=*/false); }

void OtlpExporter::Finish(int64_t deadline_nanos, bool drain) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    draining_ = drain;
    stop_deadline_ = deadline_nanos;
  }
  wake_.notify_all();
  {
    std::unique_lock<std::mutex> lock(mutex_);
    int64_t left = deadline_nanos - clock_->MonotonicNanos();
    done_.wait_for(lock, std::chrono::nanoseconds(std::max<int64_t>(0, left)),
                   [this] { return finished_; });
    // Past the deadline a request may still be in flight: cut it short. Its batch stays queued.
    if (!finished_) {
      logs_sender_->Abort();
      metrics_sender_->Abort();
    }
  }
  if (thread_.joinable()) thread_.join();
}

bool OtlpExporter::ShouldExit() {
  std::lock_guard<std::mutex> lock(mutex_);
  return ShouldExitLocked();
}

bool OtlpExporter::ShouldExitLocked() const {
  return stopping_ && (!draining_ || clock_->MonotonicNanos() >= stop_deadline_);
}

bool OtlpExporter::Sleep(Duration d) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (ShouldExitLocked()) return false;
  int64_t until = clock_->MonotonicNanos() + d.count();
  if (stopping_) until = std::min(until, stop_deadline_);
  while (true) {
    int64_t left = until - clock_->MonotonicNanos();
    if (left <= 0) break;
    // Wake at least once a second to show a heartbeat to the watchdog.
    wake_.wait_for(lock, std::chrono::nanoseconds(std::min(left, kSecond)));
    heartbeat_.store(clock_->MonotonicNanos());
    // While the collector is away the tail thread keeps filling the queue: keep the WAL short.
    lock.unlock();
    queue_->MaybeCheckpoint();
    lock.lock();
    if (ShouldExitLocked()) return false;
  }
  return !ShouldExitLocked();
}

void OtlpExporter::Run() {
  std::shared_ptr<const std::string> prepared_for;  // the batch `prepared` was made from
  std::string prepared;                             // the re-encoded or compressed body
  std::string_view payload;                         // what is sent: `prepared` or the batch
  while (true) {
    heartbeat_.store(clock_->MonotonicNanos());
    if (ShouldExit()) break;
    Result<std::optional<QueuedBatch>> front = queue_->Front();
    if (!front.ok()) {
      log::Error(kComponent, "cannot read the queue", {{"error", front.status().ToString()}});
      if (!Sleep(std::chrono::seconds(1))) break;
      continue;
    }
    if (!front->has_value()) {
      std::unique_lock<std::mutex> lock(mutex_);
      if (stopping_) break;  // everything sent
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return notified_ || stopping_; });
      notified_ = false;
      lock.unlock();
      queue_->MaybeCheckpoint();
      continue;
    }
    const QueuedBatch& batch = **front;
    DeliveryMetrics delivery = metrics_->Delivery(batch.signal);
    // What goes on the wire is prepared once per batch and kept while the batch is retried.
    if (prepared_for != batch.body) {
      Status ready = batch.defect.empty() ? Prepare(batch, &prepared, &payload)
                                          : InvalidArgument(batch.defect);
      if (!ready.ok()) {
        log::Error(kComponent, "dropping a corrupt batch from the queue",
                   {{"batch", batch.id}, {"error", ready.ToString()}});
        delivery.failed->Inc(batch.records);
        (void)queue_->Remove(batch.id);
        continue;
      }
      prepared_for = batch.body;
    }
    Duration retry_after{-1};
    Outcome outcome = Send(batch, payload, &retry_after);
    if (outcome == Outcome::kRetry) {
      delivery.retried->Inc(batch.records);
      Duration wait = backoff_.Next();
      if (retry_after.count() >= 0) wait = std::min(retry_after, options_.retry.max_retry_after);
      metrics_->exporter_backoff.Set(std::chrono::duration<double>(wait).count());
      if (!Sleep(wait)) break;
      continue;
    }
    backoff_.Reset();
    metrics_->exporter_backoff.Set(0);
    Status removed = queue_->Remove(batch.id);
    if (!removed.ok()) {
      log::Error(kComponent, "cannot remove a delivered batch from the queue",
                 {{"error", removed.ToString()}});
    }
    queue_->MaybeCheckpoint();
    prepared_for.reset();
    payload = {};
    if (prepared.capacity() > (4 << 20)) std::string().swap(prepared);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  finished_ = true;
  done_.notify_all();
}

Status OtlpExporter::Prepare(const QueuedBatch& batch, std::string* scratch,
                             std::string_view* payload) {
  std::string_view stored = *batch.body;
  if (options_.encoding == otlp::Encoding::kProtobuf && batch.gzip == options_.gzip) {
    *payload = stored;  // sent as stored: no copy
    return Status::Ok();
  }
  std::string raw;
  if (batch.gzip) {
    NJ_ASSIGN_OR_RETURN(raw, otlp::GzipDecompress(stored, kMaxBatchBytes));
    stored = raw;
  }
  std::string json;
  if (options_.encoding == otlp::Encoding::kJson) {
    if (batch.signal == otlp::Signal::kMetrics) {
      NJ_ASSIGN_OR_RETURN(otlp::MetricsData metrics,
                          otlp::DecodeMetrics(stored, otlp::Encoding::kProtobuf));
      json = otlp::EncodeMetrics(metrics, otlp::Encoding::kJson);
    } else {
      NJ_ASSIGN_OR_RETURN(otlp::LogsData logs, otlp::DecodeLogs(stored, otlp::Encoding::kProtobuf));
      json = otlp::EncodeLogs(logs, otlp::Encoding::kJson);
    }
    stored = json;
  }
  if (options_.gzip) {
    compressor_.Compress(stored, scratch);
  } else {
    scratch->assign(stored);
  }
  *payload = *scratch;
  return Status::Ok();
}

OtlpExporter::Outcome OtlpExporter::Send(const QueuedBatch& batch, std::string_view body,
                                         Duration* retry_after) {
  const double records = static_cast<double>(batch.records);
  DeliveryMetrics delivery = metrics_->Delivery(batch.signal);
  HttpSender& sender = SenderFor(batch.signal);
  delivery.sent->Inc(records);
  int64_t start = clock_->MonotonicNanos();
  Result<HttpResponse> response =
      sender.Post(body, otlp::ContentType(options_.encoding), options_.gzip ? "gzip" : "");
  int64_t now = clock_->MonotonicNanos();
  metrics_->export_duration.Observe(static_cast<double>(now - start) / kSecond);

  auto failing = [&](const std::string& what, const std::string& detail) {
    ++failed_attempts_;
    if (failing_since_ == 0) failing_since_ = now;
    if (now - last_failure_log_ >= kFailureLogInterval) {
      last_failure_log_ = now;
      log::Warning(kComponent, what + "; the batch stays queued and is retried",
                   {{"url", sender.url()},
                    {"detail", detail},
                    {"queued_bytes", queue_->bytes()},
                    {"failed_attempts", failed_attempts_}});
    }
  };
  if (!response.ok()) {
    metrics_->Requests("network").Inc();
    failing("cannot reach the collector", response.status().message());
    return Outcome::kRetry;
  }
  int status = response->status;
  metrics_->Requests(std::to_string(status)).Inc();
  auto encoding =
      otlp::EncodingFromContentType(response->content_type).value_or(otlp::Encoding::kProtobuf);
  if (status >= 200 && status < 300) {
    if (failing_since_ != 0) {
      log::Notice(kComponent, "the collector accepts data again",
                  {{"outage_seconds", static_cast<double>(now - failing_since_) / kSecond},
                   {"failed_attempts", failed_attempts_}});
      failing_since_ = 0;
      last_failure_log_ = 0;
      failed_attempts_ = 0;
    }
    int64_t rejected = 0;
    if (!response->body.empty()) {
      auto decoded = otlp::DecodeResponse(batch.signal, response->body, encoding);
      if (decoded.ok() && decoded->partial_success) {
        rejected = std::clamp<int64_t>(decoded->partial_success->rejected, 0, batch.records);
        if (rejected > 0 || !decoded->partial_success->error_message.empty()) {
          log::Warning(kComponent, "the collector rejected part of a batch",
                       {{"rejected_records", rejected},
                        {"records", static_cast<uint64_t>(batch.records)},
                        {"signal", otlp::SignalName(batch.signal)},
                        {"message", decoded->partial_success->error_message}});
        }
      }
    }
    delivery.rejected->Inc(static_cast<double>(rejected));
    delivery.acked->Inc(records - static_cast<double>(rejected));
    return Outcome::kAcknowledged;
  }
  std::string message;
  if (!response->body.empty()) {
    auto rpc = otlp::DecodeRpcStatus(response->body, encoding);
    message = rpc.ok() ? rpc->message : response->body.substr(0, 200);
  }
  if (IsRetryableStatus(status)) {
    if (!response->retry_after.empty()) {
      if (auto delay = ParseRetryAfter(response->retry_after, clock_->NowUnixNanos())) {
        *retry_after = *delay;
      }
    }
    failing("the collector asked to retry (HTTP " + std::to_string(status) + ")", message);
    return Outcome::kRetry;
  }
  delivery.failed->Inc(records);
  log::Error(kComponent, "the collector refused a batch for good; dropping it",
             {{"status", status},
              {"message", message},
              {"records", static_cast<uint64_t>(batch.records)},
              {"signal", otlp::SignalName(batch.signal)},
              {"batch", batch.id}});
  return Outcome::kDropped;
}

}  // namespace nightjar::agent
