// A small HTTP/1.1 server on Poco::Net::HTTPServer with a method+path router, shared by the
// collector (OTLP receiver, REST API) and the agent (its /metrics endpoint).
//
// Handlers get Poco's request and response objects directly: wrapping them would only hide
// streaming bodies and headers that handlers need. Unknown paths get 404, known paths with
// another method get 405 with an Allow header, and an exception escaping a handler becomes a
// 500 with the message logged, never a dead connection thread.
//
// Thread-safety: routes must be added before Start(); handlers run concurrently on the
// server's thread pool and must be thread-safe.
#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "runtime/units.h"

namespace nightjar {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;                            // 0 = an ephemeral port; see HttpServer::port()
  int threads = 8;                              // requests served at once
  int max_queued = 64;                          // accepted connections waiting for a thread
  Duration timeout = std::chrono::seconds(30);  // socket read/write timeout
  Duration keep_alive_timeout = std::chrono::seconds(15);
  std::string name = "http";  // for log lines and thread names
  // Set (by tls_context.h's ServeTls): makes the listening socket, a TLS one; unset: plain
  // TCP. A function, so that this library does not need OpenSSL.
  std::function<Poco::Net::ServerSocket()> make_socket;
  bool tls = false;  // the socket make_socket makes speaks TLS
};

class HttpServer {
 public:
  using Request = Poco::Net::HTTPServerRequest;
  using Response = Poco::Net::HTTPServerResponse;
  using Handler = std::function<void(Request&, Response&)>;

  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Routes `method` requests for `path` to `handler`. A path ending in "/*" matches every path
  // under that prefix.
  void Route(std::string method, std::string path, Handler handler);

  // Binds and starts serving. Fails with a clear message when the address is in use or
  // invalid.
  Status Start();

  // Stops accepting, lets requests in progress finish (up to a grace period), and joins.
  void Stop();

  // True when the listener speaks HTTPS.
  bool secure() const { return options_.tls; }
  // The bound port (useful with port 0).
  uint16_t port() const { return port_; }
  const HttpServerOptions& options() const { return options_; }

  // Writes a complete response with the given status, content type and body.
  static void Send(Response& response, int status, std::string_view content_type,
                   std::string_view body);
  // Reads the whole request body, refusing more than `limit` bytes (nullopt when exceeded).
  static std::optional<std::string> ReadBody(Request& request, size_t limit);

 private:
  class Factory;
  struct RouteEntry {
    std::string method;
    std::string path;
    bool prefix;
    Handler handler;
  };
  void Dispatch(Request& request, Response& response);

  HttpServerOptions options_;
  std::vector<RouteEntry> routes_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  uint16_t port_ = 0;
};

}  // namespace nightjar
