// The webhook notifier plugin (plugins/webhook), loaded from its .so through the host and
// talking to a real HTTP server started on a free loopback port: its options, the payload and
// headers it sends, the HMAC signature, and the outcome of every kind of answer.
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "base/hex.h"
#include "plugin_host/plugin_host.h"
#include "plugin_test_support.h"
#include "runtime/http_server.h"

namespace nightjar::plugins {
namespace {

using testing::Contains;
using testing::Scalars;

struct Received {
  std::string body;
  std::string content_type;
  std::string authorization;
  std::string signature;
  std::string notification_id;
  std::string user_agent;
};

// A real HTTP server on 127.0.0.1:<free port> with one route per kind of answer.
class Receiver {
 public:
  Receiver() : server_(HttpServerOptions{}) {
    server_.Route("POST", "/ok", [this](auto& request, auto& response) {
      Received r;
      r.body = HttpServer::ReadBody(request, 1 << 20).value_or("");
      r.content_type = request.getContentType();
      r.authorization = request.get("Authorization", "");
      r.signature = request.get("X-Nightjar-Signature", request.get("X-Sig", ""));
      r.notification_id = request.get("X-Nightjar-Notification-Id", "");
      r.user_agent = request.get("User-Agent", "");
      {
        std::lock_guard<std::mutex> lock(mutex_);
        received_.push_back(r);
      }
      HttpServer::Send(response, 200, "text/plain", "ok");
    });
    server_.Route("POST", "/unavailable", [](auto&, auto& response) {
      response.set("Retry-After", "7");
      HttpServer::Send(response, 503, "text/plain", "maintenance");
    });
    server_.Route("POST", "/bad", [](auto&, auto& response) {
      HttpServer::Send(response, 400, "application/json", "{\"error\":\"missing field\"}");
    });
    server_.Route("POST", "/limited", [](auto&, auto& response) {
      Poco::DateTime later;
      later += Poco::Timespan(120, 0);
      response.set("Retry-After",
                   Poco::DateTimeFormatter::format(later, Poco::DateTimeFormat::HTTP_FORMAT));
      HttpServer::Send(response, 429, "text/plain", "slow down");
    });
    server_.Route("POST", "/moved", [](auto&, auto& response) {
      response.set("Location", "http://elsewhere.example/");
      HttpServer::Send(response, 302, "text/plain", "");
    });
    server_.Route("POST", "/slow", [this](auto&, auto& response) {
      // Answers only when the test lets it (or after 10 s): the client must time out first.
      std::unique_lock<std::mutex> lock(mutex_);
      released_cv_.wait_for(lock, std::chrono::seconds(10), [this] { return released_; });
      HttpServer::Send(response, 200, "text/plain", "too late");
    });
    EXPECT_TRUE(server_.Start().ok());
  }

  ~Receiver() {
    Release();
    server_.Stop();
  }

  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    released_cv_.notify_all();
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }

  std::vector<Received> received() {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
  }

 private:
  HttpServer server_;
  std::mutex mutex_;
  std::condition_variable released_cv_;
  bool released_ = false;
  std::vector<Received> received_;
};

std::unique_ptr<PluginHost> Start(OptionInputs options) {
  PluginHostConfig config =
      testing::OneInstance(testing::PluginPath("webhook"), "webhook", std::move(options), "hook");
  config.host_version = "nightjar-collector/test";
  return PluginHost::Start(config);
}

std::string Problem(OptionInputs options) {
  auto host = Start(std::move(options));
  EXPECT_EQ(host->problems().size(), 1u);
  return host->problems().empty() ? "" : host->problems()[0];
}

Notification Sample() {
  Notification n;
  n.id = "n-42";
  n.group_key = "{}:{alertname=\"HighCPU\"}";
  n.group_labels = {{"alertname", "HighCPU"}};
  n.common_labels = {{"alertname", "HighCPU"}, {"severity", "page"}};
  n.common_annotations = {{"summary", "CPU is \"hot\""}};
  n.external_url = "http://collector:8080";
  Alert a;
  a.labels = {{"alertname", "HighCPU"}, {"host", "web-1"}};
  a.annotations = {{"summary", "CPU at 97%"}};
  a.starts_at_unix_nano = 1'700'000'000'250'000'000;
  a.fingerprint = "a1b2c3";
  a.generator_url = "http://collector:8080/rules/cpu";
  Alert resolved = a;
  resolved.firing = false;
  resolved.labels = {{"alertname", "HighCPU"}, {"host", "web-2"}};
  resolved.ends_at_unix_nano = 1'700'000'060'000'000'000;
  n.alerts = {a, resolved};
  return n;
}

std::string HmacHex(const std::string& key, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &size);
  return HexEncode(digest, size);
}

TEST(WebhookOptions, RefusesInvalidValuesAndUnknownKeys) {
  EXPECT_TRUE(Contains(Problem({}), "option \"url\": is required"));
  EXPECT_TRUE(Contains(Problem(Scalars({{"url", "http://x"}, {"timeout", "0s"}})),
                       "option \"timeout\": must be between 1ms and 10m, got 0s"));
  EXPECT_TRUE(Contains(Problem(Scalars({{"url", "ftp://x/"}})),
                       "create failed: url \"ftp://x/\" must start with http:// or https://"));
  EXPECT_TRUE(Contains(Problem(Scalars({{"url", "http://"}})), "has no host"));
  EXPECT_TRUE(Contains(Problem(Scalars({{"url", "http://x"}, {"header", "a"}})),
                       "option \"header\": unknown option (did you mean \"headers\"?)"));
  OptionInputs list_headers = Scalars({{"url", "http://x"}});
  list_headers.emplace_back("headers", OptionInput::List({"Authorization: x"}));
  EXPECT_TRUE(Contains(Problem(list_headers),
                       "option \"headers\": expected a mapping of keys to strings, got a list"));
}

TEST(WebhookOptions, AcceptsValidOptionsAndHidesTheSecret) {
  OptionInputs options = Scalars({{"url", "https://hooks.example.com/a?b=c"},
                                  {"timeout", "2s"},
                                  {"hmac_secret", "k"},
                                  {"signature_header", "X-Sig"}});
  options.emplace_back("headers", OptionInput::Map({{"Authorization", "Bearer t"}}));
  auto host = Start(options);
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  StringPairs shown = host->Stats().at(0).instances.at(0).options;
  EXPECT_NE(std::find(shown.begin(), shown.end(),
                      std::make_pair(std::string("hmac_secret"), std::string("(secret)"))),
            shown.end());
}

TEST(WebhookDelivery, PostsAlertmanagerStyleJsonSignedWithHmac) {
  Receiver receiver;
  OptionInputs options = Scalars({{"url", receiver.Url("/ok")}, {"hmac_secret", "s3cret"}});
  options.emplace_back("headers", OptionInput::Map({{"Authorization", "Bearer token"}}));
  auto host = Start(options);
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  auto outcome = host->Notify("hook", Sample());
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->kind, NotifyOutcome::Kind::kDelivered) << outcome->message;

  std::vector<Received> got = receiver.received();
  ASSERT_EQ(got.size(), 1u);
  const Received& r = got[0];
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.authorization, "Bearer token");
  EXPECT_EQ(r.notification_id, "n-42");
  EXPECT_EQ(r.user_agent, "nightjar-collector/test");
  EXPECT_EQ(r.signature, "sha256=" + HmacHex("s3cret", r.body));

  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(r.body.c_str()).HasParseError()) << r.body;
  EXPECT_STREQ(doc["version"].GetString(), "4");
  EXPECT_STREQ(doc["status"].GetString(), "firing");
  EXPECT_STREQ(doc["receiver"].GetString(), "hook");
  EXPECT_STREQ(doc["groupKey"].GetString(), "{}:{alertname=\"HighCPU\"}");
  EXPECT_STREQ(doc["commonLabels"]["severity"].GetString(), "page");
  EXPECT_STREQ(doc["commonAnnotations"]["summary"].GetString(), "CPU is \"hot\"");
  EXPECT_STREQ(doc["externalURL"].GetString(), "http://collector:8080");
  EXPECT_EQ(doc["truncatedAlerts"].GetUint(), 0u);
  const auto& alerts = doc["alerts"];
  ASSERT_EQ(alerts.Size(), 2u);
  EXPECT_STREQ(alerts[0]["status"].GetString(), "firing");
  EXPECT_STREQ(alerts[0]["labels"]["host"].GetString(), "web-1");
  EXPECT_STREQ(alerts[0]["annotations"]["summary"].GetString(), "CPU at 97%");
  EXPECT_STREQ(alerts[0]["startsAt"].GetString(), "2023-11-14T22:13:20.250Z");
  EXPECT_STREQ(alerts[0]["endsAt"].GetString(), "0001-01-01T00:00:00Z");
  EXPECT_STREQ(alerts[0]["fingerprint"].GetString(), "a1b2c3");
  EXPECT_STREQ(alerts[0]["generatorURL"].GetString(), "http://collector:8080/rules/cpu");
  EXPECT_STREQ(alerts[1]["status"].GetString(), "resolved");
  EXPECT_STREQ(alerts[1]["endsAt"].GetString(), "2023-11-14T22:14:20.000Z");
}

TEST(WebhookDelivery, UsesTheConfiguredSignatureHeaderAndSendsNoSignatureWithoutASecret) {
  Receiver receiver;
  auto signed_host = Start(
      Scalars({{"url", receiver.Url("/ok")}, {"hmac_secret", "k"}, {"signature_header", "X-Sig"}}));
  auto plain_host = Start(Scalars({{"url", receiver.Url("/ok")}}));
  ASSERT_TRUE(signed_host->Notify("hook", Sample()).ok());
  ASSERT_TRUE(plain_host->Notify("hook", Sample()).ok());
  std::vector<Received> got = receiver.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].signature, "sha256=" + HmacHex("k", got[0].body));
  EXPECT_EQ(got[1].signature, "");
}

NotifyOutcome Send(const std::string& url, const std::string& timeout = "5s") {
  auto host = Start(Scalars({{"url", url}, {"timeout", timeout}}));
  EXPECT_TRUE(host->problems().empty());
  auto outcome = host->Notify("hook", Sample());
  EXPECT_TRUE(outcome.ok());
  return outcome.ok() ? *outcome : NotifyOutcome{};
}

TEST(WebhookOutcomes, ServerErrorsAskToRetryHonouringRetryAfter) {
  Receiver receiver;
  NotifyOutcome o = Send(receiver.Url("/unavailable"));
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kRetryLater);
  EXPECT_EQ(o.retry_after, std::chrono::seconds(7));
  EXPECT_TRUE(Contains(o.message, "answered 503 Service Unavailable: maintenance")) << o.message;
}

TEST(WebhookOutcomes, RateLimitsAskToRetryAtTheGivenDate) {
  Receiver receiver;
  NotifyOutcome o = Send(receiver.Url("/limited"));
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kRetryLater);
  EXPECT_GT(o.retry_after, std::chrono::seconds(110));
  EXPECT_LE(o.retry_after, std::chrono::seconds(120));
}

TEST(WebhookOutcomes, ClientErrorsFailForGood) {
  Receiver receiver;
  NotifyOutcome o = Send(receiver.Url("/bad"));
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kFailed);
  EXPECT_TRUE(Contains(o.message, "answered 400 Bad Request: {\"error\":\"missing field\"}"))
      << o.message;
  NotifyOutcome missing = Send(receiver.Url("/nowhere"));
  EXPECT_EQ(missing.kind, NotifyOutcome::Kind::kFailed);
  EXPECT_TRUE(Contains(missing.message, "answered 404")) << missing.message;
}

TEST(WebhookOutcomes, RedirectsAreNotFollowed) {
  Receiver receiver;
  NotifyOutcome o = Send(receiver.Url("/moved"));
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kFailed);
  EXPECT_TRUE(Contains(o.message, "answered 302 Found (redirects are not followed)")) << o.message;
}

TEST(WebhookOutcomes, ATimeoutAsksToRetry) {
  Receiver receiver;
  auto start = std::chrono::steady_clock::now();
  NotifyOutcome o = Send(receiver.Url("/slow"), "200ms");
  auto took = std::chrono::steady_clock::now() - start;
  receiver.Release();
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kRetryLater);
  EXPECT_TRUE(Contains(o.message, "no answer within 200ms")) << o.message;
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(WebhookOutcomes, AnUnreachableReceiverAsksToRetry) {
  // A port that was free a moment ago and has no listener: the connection is refused.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t length = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length), 0);
  int port = ntohs(addr.sin_port);
  close(fd);
  NotifyOutcome o = Send("http://127.0.0.1:" + std::to_string(port) + "/hook");
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kRetryLater);
  EXPECT_TRUE(Contains(o.message, "Connection refused")) << o.message;
}

TEST(WebhookOutcomes, ATlsFailureFailsForGood) {
  // https:// to a server that answers in plain HTTP: the handshake cannot succeed, and retrying
  // will not help. The server answers as soon as bytes arrive: an HTTP server would wait for a
  // line end that the random bytes of a ClientHello contain only sometimes, and the client
  // would then time out (retry later) instead.
  Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
  std::thread server([&listener] {
    Poco::Net::StreamSocket connection = listener.acceptConnection();
    char buffer[1024];
    connection.receiveBytes(buffer, sizeof(buffer));
    std::string answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    connection.sendBytes(answer.data(), static_cast<int>(answer.size()));
    connection.shutdown();
  });
  NotifyOutcome o = Send("https://127.0.0.1:" + std::to_string(listener.address().port()) + "/");
  server.join();
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kFailed) << o.message;
  EXPECT_TRUE(Contains(o.message, "TLS error")) << o.message;
}

}  // namespace
}  // namespace nightjar::plugins
