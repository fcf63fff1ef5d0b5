// HTTP server with a router; see http_server.h.
#include "runtime/http_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include <istream>

#include "base/logging.h"

namespace nightjar {

class HttpServer::Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(HttpServer* server) : server_(server) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(const Request&) override {
    return new Handler(server_);
  }

 private:
  class Handler final : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(HttpServer* server) : server_(server) {}
    void handleRequest(Request& request, Response& response) override {
      server_->Dispatch(request, response);
    }

   private:
    HttpServer* server_;
  };

  HttpServer* server_;
};

HttpServer::HttpServer(HttpServerOptions options) : options_(std::move(options)) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Route(std::string method, std::string path, Handler handler) {
  bool prefix = path.size() >= 2 && path.compare(path.size() - 2, 2, "/*") == 0;
  if (prefix) path.resize(path.size() - 1);  // keep the trailing '/'
  routes_.push_back(RouteEntry{std::move(method), std::move(path), prefix, std::move(handler)});
}

Status HttpServer::Start() {
  try {
    Poco::Net::SocketAddress address(options_.address, options_.port);
    Poco::Net::ServerSocket socket =
        options_.make_socket ? options_.make_socket() : Poco::Net::ServerSocket();
    // SO_REUSEADDR lets a restarted server rebind at once; SO_REUSEPORT (which Poco's
    // two-argument bind also sets) would let a second server share the port silently.
    socket.bind(address, /*reuseAddress=*/true, /*reusePort=*/false);
    socket.listen(256);
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams();
    params->setMaxThreads(options_.threads);
    params->setMaxQueued(options_.max_queued);
    params->setTimeout(Poco::Timespan(options_.timeout.count() / 1000));
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(options_.keep_alive_timeout.count() / 1000));
    params->setServerName("nightjar");
    pool_ = std::make_unique<Poco::ThreadPool>(2, options_.threads + 1, 60);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(this), *pool_, socket, params);
    server_->start();
    return Status::Ok();
  } catch (const Poco::Exception& e) {
    return Unavailable(options_.name + ": cannot listen on " + options_.address + ":" +
                       std::to_string(options_.port) + ": " + e.displayText());
  }
}

void HttpServer::Stop() {
  if (!server_) return;
  server_->stopAll(/*abortCurrent=*/false);
  pool_->joinAll();
  server_.reset();
  pool_.reset();
}

void HttpServer::Dispatch(Request& request, Response& response) {
  std::string path;
  try {
    path = Poco::URI(request.getURI()).getPath();
  } catch (const Poco::Exception&) {
    Send(response, 400, "text/plain", "malformed request URI\n");
    return;
  }
  std::string allowed;
  for (const RouteEntry& route : routes_) {
    bool match =
        route.prefix ? path.compare(0, route.path.size(), route.path) == 0 : path == route.path;
    if (!match) continue;
    if (route.method != request.getMethod()) {
      if (allowed.find(route.method) == std::string::npos) {
        allowed += allowed.empty() ? "" : ", ";
        allowed += route.method;
      }
      continue;
    }
    try {
      route.handler(request, response);
    } catch (const std::exception& e) {
      log::Error(options_.name, "handler failed", {{"path", path}, {"error", e.what()}});
      if (!response.sent()) Send(response, 500, "text/plain", "internal error\n");
    }
    return;
  }
  if (!allowed.empty()) {
    response.set("Allow", allowed);
    Send(response, 405, "text/plain",
         "method " + request.getMethod() + " not allowed; use " + allowed + "\n");
    return;
  }
  Send(response, 404, "text/plain", "no such path: " + path + "\n");
}

void HttpServer::Send(Response& response, int status, std::string_view content_type,
                      std::string_view body) {
  response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response.setContentType(std::string(content_type));
  response.setContentLength64(static_cast<Poco::UInt64>(body.size()));
  std::ostream& out = response.send();
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
}

std::optional<std::string> HttpServer::ReadBody(Request& request, size_t limit) {
  std::istream& in = request.stream();
  std::string body;
  if (request.hasContentLength()) {
    if (request.getContentLength64() > static_cast<Poco::Int64>(limit)) return std::nullopt;
    body.reserve(static_cast<size_t>(request.getContentLength64()));
  }
  char buffer[64 * 1024];
  while (in) {
    in.read(buffer, sizeof(buffer));
    std::streamsize n = in.gcount();
    if (n <= 0) break;
    if (body.size() + static_cast<size_t>(n) > limit) return std::nullopt;
    body.append(buffer, static_cast<size_t>(n));
  }
  return body;
}

}  // namespace nightjar
