// One keep-alive HTTP/1.1 connection that POSTs bodies to a fixed URL (Poco's
// HTTPClientSession, or HTTPSClientSession for an https:// URL), with Poco's exceptions turned
// into Status at this edge.
//
// Thread-safety: Post() from one thread; Abort() from any thread, to cut a request short at
// shutdown.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "runtime/tls.h"
#include "runtime/units.h"

namespace Poco::Net {
class HTTPClientSession;
}

namespace nightjar::agent {

struct HttpResponse {
  int status = 0;
  std::string retry_after;
  std::string content_type;
  std::string body;
};

class HttpSender {
 public:
  // Validates `url` (http[s]://host[:port][/path]; the path defaults to `default_path`). An
  // https URL uses `tls` (https/https_sessions.h), which fails when its files cannot be used.
  static Result<std::unique_ptr<HttpSender>> Create(
      std::string_view url, std::string_view default_path, Duration timeout,
      std::vector<std::pair<std::string, std::string>> headers, const TlsClientSettings& tls = {});
  ~HttpSender();

  // Returns `url` as Create() would use it: scheme://host:port/path, with `default_path` for
  // an empty path. Fails on what Create() refuses.
  static Result<std::string> NormalizeUrl(std::string_view url, std::string_view default_path);

  // Sends `body`. Fails with Unavailable on a network error (refused, reset, timed out), so
  // that the caller retries; any HTTP status, even 500, is a response.
  Result<HttpResponse> Post(std::string_view body, std::string_view content_type,
                            std::string_view content_encoding);

  // Breaks the connection, making a Post() in progress fail at once.
  void Abort();

  // The URL requests go to.
  const std::string& url() const { return url_; }

 private:
  HttpSender() = default;
  Result<HttpResponse> PostOnce(std::string_view body, std::string_view content_type,
                                std::string_view content_encoding);

  std::string url_;
  std::string host_;
  uint16_t port_ = 0;
  std::string path_;
  Duration timeout_{};
  std::vector<std::pair<std::string, std::string>> headers_;
  std::mutex mutex_;  // guards session_ against Abort()
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  std::atomic<bool> aborted_{false};
};

}  // namespace nightjar::agent
