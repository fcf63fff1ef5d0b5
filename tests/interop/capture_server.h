// A small OTLP/HTTP receiver for interop tests: it records every request exactly as it arrived
// (path, headers, raw body) and answers 200 with Nightjar's own encoding of an
// Export*ServiceResponse, in the encoding of the request.
//
// It decodes nothing itself, so a test sees the bytes a third-party exporter really sent; the
// codec under test is applied by the test afterwards.
//
// Thread-safety: requests are recorded from Poco's server threads; all public methods may be
// called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "otlp/model.h"

namespace Poco::Net {
class HTTPServer;
}

namespace nightjar::interop {

// One request as received.
struct CapturedRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;  // in arrival order
  bool chunked = false;                                      // Transfer-Encoding: chunked
  std::optional<int64_t> content_length;
  std::string body;  // the raw body, still compressed if it was sent so

  // Returns the value of header `name` (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
};

class CaptureServer {
 public:
  // Starts listening on 127.0.0.1 at a port the kernel picks. Every logs or metrics request
  // is answered with `response` (an empty ExportResponse by default: full success).
  explicit CaptureServer(otlp::ExportResponse response = {});
  ~CaptureServer();
  CaptureServer(const CaptureServer&) = delete;
  CaptureServer& operator=(const CaptureServer&) = delete;

  // Returns "http://127.0.0.1:<port>".
  std::string BaseUrl() const;

  // Waits until at least `count` requests have been recorded or `timeout` passes; returns
  // whether the count was reached.
  bool WaitForRequests(size_t count, std::chrono::milliseconds timeout);

  // Returns a copy of the requests recorded so far, in arrival order.
  std::vector<CapturedRequest> Requests() const;

  // Records a request; called by the server's handler threads.
  void Record(CapturedRequest request);

  const otlp::ExportResponse& response() const { return response_; }

 private:
  otlp::ExportResponse response_;
  uint16_t port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  mutable std::mutex mutex_;
  std::condition_variable recorded_;
  std::vector<CapturedRequest> requests_;
};

}  // namespace nightjar::interop
