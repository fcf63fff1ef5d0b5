// Test certificates and an HTTPS test server; see tls_test_server.h.
#include "tls_test_server.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/StreamCopier.h>

#include <chrono>

namespace nightjar::plugins::testing {

class HttpsTestServer::Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(HttpsTestServer* server) : server_(server) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(server_);
  }

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(HttpsTestServer* server) : server_(server) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      SeenRequest seen;
      seen.method = request.getMethod();
      seen.path = request.getURI();
      for (const auto& [name, value] : request) seen.headers[name] = value;
      Poco::StreamCopier::copyToString(request.stream(), seen.body);
      Answer answer = server_->Handle(seen);
      response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
      for (const auto& [name, value] : answer.headers) response.set(name, value);
      response.setContentType("text/plain");
      response.setContentLength(static_cast<std::streamsize>(answer.body.size()));
      response.send() << answer.body;
    }

   private:
    HttpsTestServer* server_;
  };

  HttpsTestServer* server_;
};

HttpsTestServer::HttpsTestServer(const TestCertificates& certificates, Handler handler)
    : handler_(std::move(handler)) {
  Poco::Net::Context::Ptr context =
      new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, certificates.key_file,
                             certificates.cert_file, "", Poco::Net::Context::VERIFY_NONE);
  Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64, context);
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(4);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(this), socket, params);
  server_->start();
}

HttpsTestServer::~HttpsTestServer() {
  Release();
  server_->stopAll(true);
}

std::string HttpsTestServer::Url(const std::string& path) const {
  return "https://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<SeenRequest> HttpsTestServer::requests() {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

void HttpsTestServer::Release() {
  std::lock_guard<std::mutex> lock(mutex_);
  released_ = true;
  released_cv_.notify_all();
}

Answer HttpsTestServer::Handle(const SeenRequest& request) {
  Answer answer = handler_(request);
  std::unique_lock<std::mutex> lock(mutex_);
  requests_.push_back(request);
  if (answer.hold) {
    released_cv_.wait_for(lock, std::chrono::seconds(10), [this] { return released_; });
  }
  return answer;
}

}  // namespace nightjar::plugins::testing
