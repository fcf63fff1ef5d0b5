// Tests of the routed HTTP server with a real HTTP client on loopback.
#include "runtime/http_server.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include <sstream>

namespace nightjar {
namespace {

struct Reply {
  int status;
  std::string body;
  std::string allow;
};

Reply Call(uint16_t port, const std::string& method, const std::string& path,
           const std::string& body = "") {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  std::stringstream out;
  out << in.rdbuf();
  return {response.getStatus(), out.str(), response.get("Allow", "")};
}

TEST(HttpServer, RoutesByMethodAndPath) {
  HttpServer server(HttpServerOptions{});
  server.Route("GET", "/healthz", [](auto&, auto& response) {
    HttpServer::Send(response, 200, "text/plain", "ok\n");
  });
  server.Route("POST", "/echo", [](auto& request, auto& response) {
    auto body = HttpServer::ReadBody(request, 10);
    if (!body) {
      HttpServer::Send(response, 413, "text/plain", "too large\n");
      return;
    }
    HttpServer::Send(response, 200, "text/plain", *body);
  });
  server.Route("GET", "/api/v1/items/*", [](auto& request, auto& response) {
    HttpServer::Send(response, 200, "text/plain", request.getURI());
  });
  server.Route("GET", "/boom", [](auto&, auto&) -> void { throw std::runtime_error("bug"); });
  ASSERT_TRUE(server.Start().ok());
  ASSERT_NE(server.port(), 0);

  EXPECT_EQ(Call(server.port(), "GET", "/healthz").body, "ok\n");
  EXPECT_EQ(Call(server.port(), "POST", "/echo", "hello").body, "hello");
  EXPECT_EQ(Call(server.port(), "POST", "/echo", "far too long body").status, 413);
  EXPECT_EQ(Call(server.port(), "GET", "/api/v1/items/42?x=1").body, "/api/v1/items/42?x=1");
  Reply wrong_method = Call(server.port(), "DELETE", "/healthz");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.allow, "GET");
  EXPECT_EQ(Call(server.port(), "GET", "/nope").status, 404);
  EXPECT_EQ(Call(server.port(), "GET", "/boom").status, 500);
  // The server survives a failing handler.
  EXPECT_EQ(Call(server.port(), "GET", "/healthz").status, 200);
  server.Stop();
}

TEST(HttpServer, ReportsAnAddressInUse) {
  HttpServer first(HttpServerOptions{});
  ASSERT_TRUE(first.Start().ok());
  HttpServerOptions options;
  options.port = first.port();
  options.name = "receiver";
  HttpServer second(options);
  // SO_REUSEADDR does not allow two listeners on one port.
  Status st = second.Start();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("receiver: cannot listen on 127.0.0.1:"), std::string::npos)
      << st.message();
}

}  // namespace
}  // namespace nightjar
