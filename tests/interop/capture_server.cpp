// The capture server of capture_server.h, on Poco::Net::HTTPServer.
#include "capture_server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>

#include <strings.h>

#include "otlp/codec.h"

namespace nightjar::interop {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

class CaptureHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit CaptureHandler(CaptureServer* server) : server_(server) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    CapturedRequest captured;
    captured.method = request.getMethod();
    captured.path = request.getURI();
    for (const auto& [name, value] : request) captured.headers.emplace_back(name, value);
    captured.chunked = request.getChunkedTransferEncoding();
    if (request.hasContentLength()) captured.content_length = request.getContentLength64();
    // The stream undoes chunked transfer encoding and ends at the end of the body whether or
    // not a Content-Length was sent; Node's exporters send none.
    Poco::StreamCopier::copyToString(request.stream(), captured.body);

    std::optional<otlp::Signal> signal;
    if (EndsWith(captured.path, "/v1/logs")) signal = otlp::Signal::kLogs;
    if (EndsWith(captured.path, "/v1/metrics")) signal = otlp::Signal::kMetrics;
    std::optional<otlp::Encoding> encoding =
        otlp::EncodingFromContentType(request.getContentType());
    server_->Record(std::move(captured));

    if (!signal) {
      response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
      response.send();
      return;
    }
    if (!encoding) {
      response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_UNSUPPORTED_MEDIA_TYPE);
      response.send();
      return;
    }
    std::string body = otlp::EncodeResponse(*signal, server_->response(), *encoding);
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType(otlp::ContentType(*encoding));
    response.setContentLength64(static_cast<Poco::Int64>(body.size()));
    response.send().write(body.data(), static_cast<std::streamsize>(body.size()));
  }

 private:
  CaptureServer* server_;
};

class CaptureHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit CaptureHandlerFactory(CaptureServer* server) : server_(server) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new CaptureHandler(server_);
  }

 private:
  CaptureServer* server_;
};

}  // namespace

std::optional<std::string> CapturedRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return value;
    }
  }
  return std::nullopt;
}

CaptureServer::CaptureServer(otlp::ExportResponse response) : response_(std::move(response)) {
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress("127.0.0.1", 0), /*reuseAddress=*/true);
  socket.listen();
  port_ = socket.address().port();
  server_ = std::make_unique<Poco::Net::HTTPServer>(new CaptureHandlerFactory(this), socket,
                                                    new Poco::Net::HTTPServerParams);
  server_->start();
}

CaptureServer::~CaptureServer() {
  // Abort connections a client kept alive, so the handler threads are done before `this` goes.
  server_->stopAll(/*abortCurrent=*/true);
}

std::string CaptureServer::BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

bool CaptureServer::WaitForRequests(size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return recorded_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
}

std::vector<CapturedRequest> CaptureServer::Requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void CaptureServer::Record(CapturedRequest request) {
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(request));
  }
  recorded_.notify_all();
}

}  // namespace nightjar::interop
