// TLS pieces of the notifier tests: throwaway certificates (tests/support/test_certificates.h)
// and a real HTTPS server (Poco's HTTPServer on a SecureServerSocket) on 127.0.0.1 at a port
// the kernel picks.
//
// Thread-safety: the server's handler runs on its threads; requests() and Release() may be
// called from any thread.
#pragma once

#include <Poco/Net/HTTPServer.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "test_certificates.h"

namespace nightjar::plugins::testing {

using nightjar::testing::MakeTestCertificates;
using nightjar::testing::TestCertificates;

// A request as the server saw it.
struct SeenRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names as sent
  std::string body;
};

// What the handler answers.
struct Answer {
  int status = 200;
  std::string body = "ok";
  std::vector<std::pair<std::string, std::string>> headers;
  bool hold = false;  // answer only after Release() (or 10 s): lets a client time out
};

class HttpsTestServer {
 public:
  using Handler = std::function<Answer(const SeenRequest&)>;

  // Starts serving with `certificates`; every request is recorded, then answered by `handler`.
  HttpsTestServer(const TestCertificates& certificates, Handler handler);
  ~HttpsTestServer();

  uint16_t port() const { return port_; }
  // Returns "https://127.0.0.1:<port><path>".
  std::string Url(const std::string& path) const;
  // Returns the requests seen so far.
  std::vector<SeenRequest> requests();
  // Lets held answers go.
  void Release();

 private:
  class Factory;
  Answer Handle(const SeenRequest& request);

  Handler handler_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  uint16_t port_ = 0;
  std::mutex mutex_;
  std::condition_variable released_cv_;
  bool released_ = false;
  std::vector<SeenRequest> requests_;
};

}  // namespace nightjar::plugins::testing
