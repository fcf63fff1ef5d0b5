// Test HTTP client; see http_client.h.
#include "http_client.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <cctype>
#include <istream>

namespace nightjar::collector::testing {

HttpResult Send(uint16_t port, const HttpRequest& request) {
  HttpResult out;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest req(request.method, request.path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [k, v] : request.headers) req.set(k, v);
    if (request.chunked) {
      req.setChunkedTransferEncoding(true);
    } else if (request.method == "POST" || !request.body.empty()) {
      req.setContentLength(static_cast<std::streamsize>(request.body.size()));
    }
    std::ostream& os = session.sendRequest(req);
    os.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    out.status = static_cast<int>(res.getStatus());
    for (const auto& [k, v] : res) {
      std::string key = k;
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[key] = v;
    }
    char buffer[8192];
    while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
      out.body.append(buffer, static_cast<size_t>(in.gcount()));
    }
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

HttpResult Get(uint16_t port, const std::string& path,
               const std::map<std::string, std::string>& headers) {
  HttpRequest r;
  r.path = path;
  r.headers = headers;
  return Send(port, r);
}

HttpResult Post(uint16_t port, const std::string& path, const std::string& content_type,
                const std::string& body, const std::map<std::string, std::string>& headers) {
  HttpRequest r;
  r.method = "POST";
  r.path = path;
  r.body = body;
  r.headers = headers;
  r.headers["Content-Type"] = content_type;
  return Send(port, r);
}

}  // namespace nightjar::collector::testing
