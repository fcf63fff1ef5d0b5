// HTTP(S) delivery; see http_delivery.h.
#include "http_delivery.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>

#include <cstdlib>
#include <istream>
#include <memory>
#include <sstream>

namespace nightjar::plugins::common {
namespace {

constexpr size_t kExcerptBytes = 200;

// Reads Retry-After as seconds or an HTTP date; 0 when absent or unreadable.
std::chrono::nanoseconds RetryAfter(const Poco::Net::HTTPResponse& response,
                                    const sdk::Host& host) {
  std::string value = response.get("Retry-After", "");
  if (value.empty()) return std::chrono::nanoseconds(0);
  char* end = nullptr;
  long long seconds = std::strtoll(value.c_str(), &end, 10);
  if (end != value.c_str() && *end == '\0' && seconds >= 0) return std::chrono::seconds(seconds);
  try {
    int tzd = 0;
    Poco::DateTime date =
        Poco::DateTimeParser::parse(Poco::DateTimeFormat::HTTP_FORMAT, value, tzd);
    int64_t at = date.timestamp().epochMicroseconds() * 1000;
    int64_t delay = at - host.NowUnixNanos();
    return std::chrono::nanoseconds(delay > 0 ? delay : 0);
  } catch (const Poco::Exception&) {
    return std::chrono::nanoseconds(0);
  }
}

sdk::NotifyResult Outcome(const Poco::Net::HTTPResponse& response, const std::string& reply,
                          const std::string& where, const sdk::Host& host) {
  int status = static_cast<int>(response.getStatus());
  // The standard reason phrase, not the server's: some servers send none or a wrong one.
  std::string what = where + " answered " + std::to_string(status) + " " +
                     Poco::Net::HTTPResponse::getReasonForStatus(response.getStatus());
  if (!reply.empty()) what += ": " + Excerpt(reply);
  if (status >= 200 && status < 300) return sdk::NotifyResult::Delivered();
  if (status >= 500 || status == 408 || status == 425 || status == 429) {
    return sdk::NotifyResult::RetryLater(what, RetryAfter(response, host));
  }
  if (status >= 400) return sdk::NotifyResult::Failed(what);
  return sdk::NotifyResult::Failed(what + " (redirects are not followed)");
}

}  // namespace

HttpEndpoint::HttpEndpoint(const std::string& option, const std::string& url,
                           const TlsSettings& tls, std::chrono::nanoseconds timeout,
                           bool secret_url)
    : timeout_(timeout) {
  std::string named = secret_url ? option : option + " \"" + url + "\"";
  try {
    uri_ = Poco::URI(url);
  } catch (const Poco::Exception& e) {
    throw sdk::Error(named + " is not a valid URL: " + e.displayText());
  }
  if (uri_.getScheme() != "http" && uri_.getScheme() != "https") {
    throw sdk::Error(named + " must start with http:// or https://");
  }
  if (uri_.getHost().empty()) throw sdk::Error(named + " has no host");
  where_ = uri_.getScheme() + "://" + uri_.getAuthority();
  if (!uri_.getUserInfo().empty()) {
    // getAuthority() includes user:password@; messages must not.
    where_ = uri_.getScheme() + "://" + uri_.getHost() + ":" + std::to_string(uri_.getPort());
  }
  if (uri_.getScheme() == "https") tls_ = MakeClientContext(tls);
}

HttpEndpoint HttpEndpoint::FromOptions(const sdk::Options& options, bool secret_url) {
  return HttpEndpoint("url", options.String("url"), TlsSettings::FromOptions(options),
                      options.Duration("timeout"), secret_url);
}

sdk::NotifyResult HttpEndpoint::Post(const std::string& body, const std::string& content_type,
                                     const Headers& headers, const sdk::Host& host) const {
  std::string path = uri_.getPathAndQuery();
  if (path.empty()) path = "/";
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType(content_type);
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  request.set("User-Agent", std::string(host.host_version()));
  for (const auto& [name, value] : headers) request.set(name, value);
  try {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (tls_) {
      session =
          std::make_unique<Poco::Net::HTTPSClientSession>(uri_.getHost(), uri_.getPort(), tls_);
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(uri_.getHost(), uri_.getPort());
    }
    Poco::Timespan timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout_).count());
    session->setTimeout(timeout, timeout, timeout);
    session->sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    std::stringstream reply;
    reply << in.rdbuf();
    return Outcome(response, reply.str(), where_, host);
  } catch (const Poco::TimeoutException&) {
    return sdk::NotifyResult::RetryLater(where_ + ": no answer within " + FormatDuration(timeout_));
  } catch (const Poco::Net::SSLException& e) {
    return sdk::NotifyResult::Failed(where_ + ": TLS error: " + e.displayText());
  } catch (const Poco::Exception& e) {
    return sdk::NotifyResult::RetryLater(where_ + ": " + e.displayText());
  }
}

std::string Excerpt(const std::string& body) {
  std::string out = body.substr(0, kExcerptBytes);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return body.size() > kExcerptBytes ? out + "..." : out;
}

std::string FormatDuration(std::chrono::nanoseconds d) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
}

}  // namespace nightjar::plugins::common
