// The webhook notifier plugin over HTTPS: a real TLS server with a certificate made for the
// test, trusted through ca_file; verification on by default; and the same outcomes as over
// plain HTTP (5xx and timeouts retried, 4xx not).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "notifier_test_support.h"
#include "plugin_test_support.h"
#include "tls_test_server.h"

namespace nightjar::plugins {
namespace {

using testing::Contains;
using testing::Scalars;

class WebhookHttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certificates_ = testing::MakeTestCertificates(dir_.path());
    ASSERT_EQ(certificates_.error, "");
    server_ = std::make_unique<testing::HttpsTestServer>(certificates_,
                                                         [](const testing::SeenRequest& r) {
                                                           testing::Answer a;
                                                           if (r.path == "/down") {
                                                             a.status = 502;
                                                             a.body = "bad gateway";
                                                           } else if (r.path == "/invalid") {
                                                             a.status = 422;
                                                             a.body = "unprocessable";
                                                           } else if (r.path == "/slow") {
                                                             a.hold = true;
                                                           }
                                                           return a;
                                                         });
  }

  NotifyOutcome Send(const std::string& path, const std::string& timeout = "5s") {
    auto host = testing::StartNotifier("webhook", Scalars({{"url", server_->Url(path)},
                                                           {"ca_file", certificates_.ca_file},
                                                           {"timeout", timeout}}));
    EXPECT_TRUE(host->problems().empty()) << host->problems()[0];
    return testing::Deliver(*host, testing::SampleNotification());
  }

  testing::TempDir dir_;
  testing::TestCertificates certificates_;
  std::unique_ptr<testing::HttpsTestServer> server_;
};

TEST_F(WebhookHttpsTest, DeliversOverTlsToAServerSignedByTheConfiguredCa) {
  NotifyOutcome o = Send("/hook?team=db");
  ASSERT_EQ(o.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(o);
  std::vector<testing::SeenRequest> got = server_->requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].path, "/hook?team=db");
  EXPECT_EQ(got[0].headers["X-Nightjar-Notification-Id"], "n-42");
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(got[0].body.c_str()).HasParseError()) << got[0].body;
  EXPECT_STREQ(doc["version"].GetString(), "4");
  EXPECT_STREQ(doc["receiver"].GetString(), "notify");
  ASSERT_EQ(doc["alerts"].Size(), 2u);
  EXPECT_STREQ(doc["alerts"][1]["fingerprint"].GetString(), "d4e5f6");
}

TEST_F(WebhookHttpsTest, RefusesAServerItCannotVerify) {
  auto host = testing::StartNotifier("webhook", Scalars({{"url", server_->Url("/hook")}}));
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  NotifyOutcome o = testing::Deliver(*host, testing::SampleNotification());
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kFailed) << testing::Describe(o);
  EXPECT_TRUE(Contains(o.message, "TLS error")) << o.message;
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(WebhookHttpsTest, RetriesServerErrorsAndTimeoutsButNotClientErrors) {
  NotifyOutcome down = Send("/down");
  EXPECT_EQ(down.kind, NotifyOutcome::Kind::kRetryLater) << testing::Describe(down);
  EXPECT_TRUE(Contains(down.message, "answered 502 Bad Gateway: bad gateway")) << down.message;
  NotifyOutcome invalid = Send("/invalid");
  EXPECT_EQ(invalid.kind, NotifyOutcome::Kind::kFailed) << testing::Describe(invalid);
  EXPECT_TRUE(Contains(invalid.message, "answered 422")) << invalid.message;
  NotifyOutcome slow = Send("/slow", "300ms");
  server_->Release();
  EXPECT_EQ(slow.kind, NotifyOutcome::Kind::kRetryLater) << testing::Describe(slow);
  EXPECT_TRUE(Contains(slow.message, "no answer within 300ms")) << slow.message;
}

}  // namespace
}  // namespace nightjar::plugins
