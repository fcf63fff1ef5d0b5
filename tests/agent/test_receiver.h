// A test OTLP/HTTP receiver: a real HTTP server on loopback (sdk/runtime/http_server.h) that
// decodes each request (/v1/logs with otlp::DecodeLogs, /v1/metrics with otlp::DecodeMetrics)
// and keeps what it accepts, and that can be told how to answer: 200, partial_success, 503 or 429
// with Retry-After, 400, slowly, or not at all (stopped, then started again on the same port).
//
// The correctness matrix talks to it through the LogSink interface, which is all the matrix
// needs to check delivery; a sink backed by the real collector (querying what it stored) can
// implement the same interface to run the matrix end to end. Fault injection (Script, delays)
// is specific to this receiver.
//
// Thread-safety: everything may be called from any thread; requests are served concurrently.
#pragma once

#include <Poco/Net/Context.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "otlp/model.h"
#include "runtime/http_server.h"

namespace nightjar::agent::testing {

// A log record as a receiver stored it.
struct ReceivedRecord {
  std::string body;
  std::string file_path;  // the log.file.path attribute
  std::string severity_text;
  int32_t severity_number = 0;
  uint64_t time_unix_nano = 0;
  uint64_t observed_time_unix_nano = 0;
  otlp::Attributes attributes;
  otlp::Attributes resource;
};

// What the correctness matrix needs from whatever receives the agent's data.
class LogSink {
 public:
  virtual ~LogSink() = default;
  // Returns the OTLP/HTTP base URL the agent should export to.
  virtual std::string endpoint() const = 0;
  // Returns every record accepted so far, in arrival order.
  virtual std::vector<ReceivedRecord> Records() const = 0;
  // Returns how many records were accepted so far.
  virtual size_t record_count() const = 0;
  // Makes the sink unreachable, and reachable again at the same endpoint.
  virtual void Stop() = 0;
  virtual Status Start() = 0;
};

class TestReceiver final : public LogSink {
 public:
  // How to answer a request.
  struct Reply {
    int status = 200;
    std::string retry_after;  // sent when not empty
    int64_t rejected = 0;     // with 200: reject this many records (the first ones) as partial
    std::string message;
    std::chrono::milliseconds delay{0};
  };

  // One request as seen by the receiver.
  struct Request {
    std::string path;  // "/v1/logs" or "/v1/metrics"
    int status = 0;
    size_t records = 0;  // log records or metric data points
    std::string content_type;
    std::string content_encoding;
    size_t wire_bytes = 0;
    std::chrono::steady_clock::time_point at;
  };

  TestReceiver() = default;
  ~TestReceiver() override;

  // Binds (port 0 the first time, then the same port again) and serves.
  Status Start() override;
  // Stops serving; connections are refused until Start().
  void Stop() override;

  uint16_t port() const { return port_; }
  std::string endpoint() const override;
  // Makes the next Start() serve HTTPS with this server context (endpoint() says https).
  void SetTls(Poco::Net::Context::Ptr context) { tls_ = std::move(context); }

  // Answers the next `count` requests with `reply`, after any replies already scripted.
  void Script(const Reply& reply, int count = 1);
  // Sets how requests are answered once the script is used up (default: 200).
  void SetDefault(const Reply& reply);

  std::vector<ReceivedRecord> Records() const override;
  size_t record_count() const override;
  std::vector<Request> Requests() const;
  // Returns every metrics request accepted so far (partially rejected points included).
  std::vector<otlp::MetricsData> Metrics() const;
  // Returns how many metric data points were accepted so far (rejected ones excluded).
  size_t point_count() const;

  // Waits until at least `n` records were accepted; false on timeout.
  bool WaitForRecords(size_t n, std::chrono::milliseconds timeout) const;
  // Waits until `done()` holds (checked whenever a request arrives, and every 50 ms).
  bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) const;

 private:
  void Handle(HttpServer::Request& request, HttpServer::Response& response);

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
  Poco::Net::Context::Ptr tls_;
  std::deque<Reply> script_;
  Reply default_reply_;
  std::vector<ReceivedRecord> records_;
  std::vector<otlp::MetricsData> metrics_;
  size_t points_ = 0;
  std::vector<Request> requests_;
};

}  // namespace nightjar::agent::testing
