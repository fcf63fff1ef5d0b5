// Delivery of one notification as an HTTP(S) POST, and what the answer means for it.
//
// Outcomes: 2xx delivered; 5xx, 408, 425 and 429 retry later (honouring Retry-After, seconds or
// an HTTP date); other 4xx failed for good (the request itself is wrong: retrying cannot help);
// 1xx and 3xx failed (redirects are not followed, so that a body never goes elsewhere than
// configured); timeouts and network errors retry later; TLS errors fail (a certificate problem
// needs an operator).
//
// Thread-safety: an endpoint is immutable after construction and opens a connection per Post,
// so concurrent Posts are safe.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/URI.h>
#include <nightjar/plugin.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "tls_client.h"

namespace nightjar::plugins::common {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Declares the `timeout` option of HTTP notifiers.
inline constexpr sdk::Option kHttpTimeoutOption =
    sdk::Option::Duration("timeout", "10s", "Connect, send and receive timeout.").Range(1e6, 600e9);

class HttpEndpoint {
 public:
  // Returns the endpoint of a plugin's `url`, `timeout`, `ca_file` and `insecure_skip_verify`
  // options; see the constructor.
  static HttpEndpoint FromOptions(const sdk::Options& options, bool secret_url = false);

  // Parses `url` (read from option `option`) and prepares TLS for https. Throws sdk::Error
  // naming the option when the URL is unusable; with `secret_url` the URL itself is never
  // quoted in messages (it carries a token, as Slack's do).
  HttpEndpoint(const std::string& option, const std::string& url, const TlsSettings& tls,
               std::chrono::nanoseconds timeout, bool secret_url = false);

  // POSTs `body` with the given content type and extra headers (they may replace the
  // defaults) and returns the outcome. Never throws for network or protocol problems.
  sdk::NotifyResult Post(const std::string& body, const std::string& content_type,
                         const Headers& headers, const sdk::Host& host) const;

  // Returns "scheme://host:port", how messages name the endpoint without path or query.
  const std::string& where() const { return where_; }

 private:
  Poco::URI uri_;
  std::string where_;
  std::chrono::nanoseconds timeout_;
  Poco::Net::Context::Ptr tls_;
};

// Returns at most 200 bytes of `body` with control characters blanked, for messages.
std::string Excerpt(const std::string& body);

// Returns `d` as "200ms" or "10s".
std::string FormatDuration(std::chrono::nanoseconds d);

}  // namespace nightjar::plugins::common
