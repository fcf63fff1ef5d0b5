// HTTP POSTs over Poco; see http_sender.h.
#include "exporter/http_sender.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/URI.h>
#include <sys/socket.h>

#include <algorithm>
#include <istream>
#include <ostream>

#include "exporter/https/https_sessions.h"

namespace nightjar::agent {
namespace {

// A response body larger than this is not read: OTLP responses are small.
constexpr size_t kMaxResponseBody = 1 << 20;

Poco::Timespan ToTimespan(Duration d) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(d.count() / 1000));
}

struct ParsedUrl {
  bool https = false;
  std::string host;
  uint16_t port = 0;
  std::string path;

  std::string ToString() const {
    return (https ? "https://" : "http://") + host + ":" + std::to_string(port) + path;
  }
};

Result<ParsedUrl> ParseUrl(std::string_view url, std::string_view default_path) {
  try {
    Poco::URI uri{std::string(url)};
    ParsedUrl parsed;
    parsed.https = uri.getScheme() == "https";
    if ((!parsed.https && uri.getScheme() != "http") || uri.getHost().empty()) {
      return InvalidArgument("\"" + std::string(url) + "\" is not an http:// or https:// URL");
    }
    parsed.host = uri.getHost();
    parsed.port = uri.getPort();
    std::string path = uri.getPathEtc();
    parsed.path = path.empty() || path == "/" ? std::string(default_path) : path;
    return parsed;
  } catch (const Poco::Exception& e) {
    return InvalidArgument("\"" + std::string(url) + "\" is not a valid URL: " + e.displayText());
  }
}

}  // namespace

Result<std::string> HttpSender::NormalizeUrl(std::string_view url, std::string_view default_path) {
  NJ_ASSIGN_OR_RETURN(ParsedUrl parsed, ParseUrl(url, default_path));
  return parsed.ToString();
}

Result<std::unique_ptr<HttpSender>> HttpSender::Create(
    std::string_view url, std::string_view default_path, Duration timeout,
    std::vector<std::pair<std::string, std::string>> headers, const TlsClientSettings& tls) {
  NJ_ASSIGN_OR_RETURN(ParsedUrl parsed, ParseUrl(url, default_path));
  std::unique_ptr<HttpSender> sender(new HttpSender());
  sender->host_ = parsed.host;
  sender->port_ = parsed.port;
  sender->path_ = parsed.path;
  sender->url_ = parsed.ToString();
  sender->timeout_ = timeout;
  sender->headers_ = std::move(headers);
  if (parsed.https) {
    NJ_ASSIGN_OR_RETURN(sender->session_, https::NewSession(sender->host_, sender->port_, tls));
  } else {
    sender->session_ = std::make_unique<Poco::Net::HTTPClientSession>(sender->host_, sender->port_);
  }
  sender->session_->setKeepAlive(true);
  sender->session_->setTimeout(ToTimespan(timeout));
  // Reconnect rather than reuse a connection idle for longer than most servers keep one open.
  sender->session_->setKeepAliveTimeout(Poco::Timespan(4, 0));
  return sender;
}

HttpSender::~HttpSender() = default;

Result<HttpResponse> HttpSender::Post(std::string_view body, std::string_view content_type,
                                      std::string_view content_encoding) {
  bool reused = session_->connected();
  Result<HttpResponse> result = PostOnce(body, content_type, content_encoding);
  // A kept-alive connection the server closed meanwhile fails at once; one fresh attempt saves
  // a backoff delay. (Resending is safe: delivery is at-least-once anyway.)
  if (!result.ok() && reused && !aborted_.load()) {
    result = PostOnce(body, content_type, content_encoding);
  }
  return result;
}

Result<HttpResponse> HttpSender::PostOnce(std::string_view body, std::string_view content_type,
                                          std::string_view content_encoding) {
  if (aborted_.load()) return Unavailable("aborted");
  Poco::Net::HTTPClientSession& session = *session_;
  try {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path_,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType(std::string(content_type));
    if (!content_encoding.empty()) request.set("Content-Encoding", std::string(content_encoding));
    request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    request.setKeepAlive(true);
    request.set("User-Agent", "nightjar-agent");
    for (const auto& [name, value] : headers_) request.set(name, value);
    // For a request with a Content-Length, Poco writes the header into the buffered body
    // stream: flush it before the body goes out.
    std::ostream& header = session.sendRequest(request);
    header.flush();
    if (!header) throw Poco::Net::NetException("connection lost while sending the request");
    // The body goes straight to the socket: Poco's request stream would copy it through a
    // 4 KiB buffer and send it 4 KiB at a time (256 system calls per MiB).
    Poco::Net::StreamSocket& socket = session.socket();
    size_t sent = 0;
    while (sent < body.size()) {
      int n = socket.sendBytes(body.data() + sent,
                               static_cast<int>(std::min<size_t>(body.size() - sent, 1 << 30)));
      if (n <= 0) throw Poco::Net::NetException("connection lost while sending the request body");
      sent += static_cast<size_t>(n);
    }
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpResponse result;
    result.status = static_cast<int>(response.getStatus());
    result.retry_after = response.get("Retry-After", "");
    result.content_type = response.getContentType();
    char buffer[16 * 1024];
    while (in) {
      in.read(buffer, sizeof(buffer));
      std::streamsize n = in.gcount();
      if (n <= 0) break;
      if (result.body.size() + static_cast<size_t>(n) > kMaxResponseBody) {
        session.reset();  // do not read a huge body; the connection is reopened next time
        break;
      }
      result.body.append(buffer, static_cast<size_t>(n));
    }
    if (!response.getKeepAlive()) session.reset();
    return result;
  } catch (const Poco::Exception& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    session.reset();
    return Unavailable(url_ + ": " + e.displayText());
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    session.reset();
    return Unavailable(url_ + ": " + e.what());
  }
}

void HttpSender::Abort() {
  aborted_.store(true);
  std::lock_guard<std::mutex> lock(mutex_);
  // A TCP shutdown of the descriptor wakes a send or receive blocked in another thread;
  // close() would race it, and so would an orderly TLS shutdown (OpenSSL's connection object
  // is not shared safely). Not connected: the call fails, and there is nothing to break.
  ::shutdown(session_->socket().impl()->sockfd(), SHUT_RDWR);
}

}  // namespace nightjar::agent
