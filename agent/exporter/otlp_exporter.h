// The exporter: takes the oldest batch from the persistent queue, sends it to the collector
// over OTLP/HTTP (logs to /v1/logs, metrics to /v1/metrics), and removes it from the queue only
// when the collector acknowledged it.
//
// One request is in flight at a time, so batches arrive in the order they were read (the
// per-file order the correctness tests check) and a crash resends at most that one batch.
// Outcomes, per the OTLP/HTTP specification:
//   2xx                     acknowledged; partial_success rejections are counted and logged
//   429, 502, 503, 504      retried after Retry-After (seconds or HTTP-date) or backoff
//   network failure         retried with backoff
//   any other status        permanent: the batch is dropped, counted and logged
// Retries never give up on their own: data waits in the queue (bounded in bytes) until the
// collector is back.
//
// Thread-safety: Start/Stop from the owner; Notify() from any thread.
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
#include "exporter/http_sender.h"
#include "exporter/retry_policy.h"
#include "otlp/codec.h"
#include "pipeline/gzip_compressor.h"
#include "queue/persistent_queue.h"
#include "runtime/clock.h"
#include "runtime/tls.h"

namespace nightjar::agent {

struct ExporterOptions {
  std::string endpoint = "http://127.0.0.1:4318";  // "/v1/logs" is added when there is no path
  // Where metrics go; empty: derived from `endpoint` (see MetricsEndpoint()).
  std::string metrics_endpoint;
  otlp::Encoding encoding = otlp::Encoding::kProtobuf;
  bool gzip = true;
  int gzip_level = 1;
  Duration timeout = std::chrono::seconds(10);
  std::vector<std::pair<std::string, std::string>> headers;
  RetryOptions retry;
  // For https endpoints: the CAs to trust, a client certificate for mutual TLS.
  TlsClientSettings tls;
};

// Returns the URL metrics are posted to: `metrics_endpoint` when set (with /v1/metrics when it
// has no path), else `endpoint` with /v1/metrics for no path or for a path ending in /v1/logs.
// Any other path on `endpoint` is a logs path that says nothing about metrics: InvalidArgument.
Result<std::string> MetricsEndpoint(const ExporterOptions& options);

// Returns true when an endpoint is https://.
bool UsesTls(const ExporterOptions& options);

class OtlpExporter {
 public:
  static Result<std::unique_ptr<OtlpExporter>> Create(ExporterOptions options,
                                                      PersistentQueue* queue, AgentMetrics* metrics,
                                                      const Clock* clock = &Clock::System());
  ~OtlpExporter();

  // Starts the export thread.
  void Start();
  // Wakes the thread: a batch was committed.
  void Notify();
  // Sends what it can until `deadline_nanos` (monotonic), then stops; whatever is not
  // acknowledged by then stays in the queue for the next start.
  void Stop(int64_t deadline_nanos);
  // Lets the request in flight end (up to `deadline_nanos`) and sends nothing more, for a
  // successor exporter to take over the queue. Cutting that request short instead would send
  // its batch twice when the collector had already stored it.
  void HandOver(int64_t deadline_nanos);

  // Returns the monotonic time of the thread's last sign of life, for the systemd watchdog.
  int64_t heartbeat_nanos() const { return heartbeat_.load(); }
  // The URLs logs and metrics go to.
  const std::string& url() const { return logs_sender_->url(); }
  const std::string& metrics_url() const { return metrics_sender_->url(); }

 private:
  enum class Outcome { kAcknowledged, kRetry, kDropped };

  OtlpExporter(ExporterOptions options, PersistentQueue* queue, AgentMetrics* metrics,
               const Clock* clock, std::unique_ptr<HttpSender> logs_sender,
               std::unique_ptr<HttpSender> metrics_sender)
      : options_(std::move(options)),
        queue_(queue),
        metrics_(metrics),
        clock_(clock),
        logs_sender_(std::move(logs_sender)),
        metrics_sender_(std::move(metrics_sender)),
        backoff_(options_.retry),
        compressor_(options_.gzip_level) {}

  void Run();
  // Turns a stored batch into the request body the options ask for (encoding, compression);
  // `*payload` views the stored body itself or `*scratch`.
  Status Prepare(const QueuedBatch& batch, std::string* scratch, std::string_view* payload);
  // Sends one batch; sets `*retry_after` when the collector asked for a delay.
  Outcome Send(const QueuedBatch& batch, std::string_view body, Duration* retry_after);
  // Waits up to `d`, returning early on Stop(). Returns false when the thread should end.
  bool Sleep(Duration d);
  bool ShouldExit();
  // Whether the thread should end now; mutex_ held.
  bool ShouldExitLocked() const;
  // Stop() and HandOver(): ends the thread, cutting a request short at the deadline.
  void Finish(int64_t deadline_nanos, bool drain);

  HttpSender& SenderFor(otlp::Signal signal) {
    return signal == otlp::Signal::kMetrics ? *metrics_sender_ : *logs_sender_;
  }

  ExporterOptions options_;
  PersistentQueue* queue_;
  AgentMetrics* metrics_;
  const Clock* clock_;
  std::unique_ptr<HttpSender> logs_sender_;
  std::unique_ptr<HttpSender> metrics_sender_;
  Backoff backoff_;
  GzipCompressor compressor_;  // for batches stored uncompressed and sent compressed

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  bool notified_ = false;
  bool stopping_ = false;
  bool draining_ = true;  // while stopping: keep sending queued batches until the deadline
  bool finished_ = false;
  int64_t stop_deadline_ = 0;
  std::thread thread_;
  std::atomic<int64_t> heartbeat_{0};

  // Failure streak, so that an outage logs twice (start, end) rather than per attempt.
  int64_t failing_since_ = 0;
  int64_t last_failure_log_ = 0;
  uint64_t failed_attempts_ = 0;
};

}  // namespace nightjar::agent
