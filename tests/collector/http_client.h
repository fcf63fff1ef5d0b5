// A minimal HTTP client for tests: one request per call on a fresh connection, with a
// deadline, returning status, headers and body.
//
// Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace nightjar::collector::testing {

struct HttpResult {
  int status = 0;                              // 0 = no response (error says why)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;
};

struct HttpRequest {
  std::string method = "GET";
  std::string path = "/";
  std::string body;
  std::map<std::string, std::string> headers;
  bool chunked = false;  // send the body with Transfer-Encoding: chunked, no Content-Length
};

// Sends `request` to 127.0.0.1:`port` and reads the whole response (30 s deadline).
HttpResult Send(uint16_t port, const HttpRequest& request);

// Shorthands.
HttpResult Get(uint16_t port, const std::string& path,
               const std::map<std::string, std::string>& headers = {});
HttpResult Post(uint16_t port, const std::string& path, const std::string& content_type,
                const std::string& body, const std::map<std::string, std::string>& headers = {});

}  // namespace nightjar::collector::testing
