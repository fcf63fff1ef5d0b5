// The slack notifier plugin (plugins/slack), loaded from its .so through the host and posting
// to a real HTTPS server with a certificate made for the test: its options, the Block Kit
// message it sends, and the outcome of every kind of answer.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>

#include "notifier_test_support.h"
#include "plugin_host/plugin_host.h"
#include "plugin_test_support.h"
#include "tls_test_server.h"

namespace nightjar::plugins {
namespace {

using testing::Contains;
using testing::Scalars;

// One HTTPS server per test with Slack's kinds of answers, chosen by path.
class SlackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certificates_ = testing::MakeTestCertificates(dir_.path());
    ASSERT_EQ(certificates_.error, "");
    server_ = std::make_unique<testing::HttpsTestServer>(
        certificates_, [](const testing::SeenRequest& r) {
          testing::Answer a;
          if (r.path == "/services/unavailable") {
            a.status = 503;
            a.body = "service unavailable";
          } else if (r.path == "/services/limited") {
            a.status = 429;
            a.body = "rate_limited";
            a.headers = {{"Retry-After", "30"}};
          } else if (r.path == "/services/gone") {
            a.status = 404;
            a.body = "channel_not_found";
          } else if (r.path == "/services/slow") {
            a.hold = true;
          }
          return a;
        });
  }

  OptionInputs Options(const std::string& path, OptionInputs more = {}) {
    OptionInputs o = Scalars({{"url", server_->Url(path)}, {"ca_file", certificates_.ca_file}});
    for (auto& m : more) o.push_back(std::move(m));
    return o;
  }

  NotifyOutcome Send(const std::string& path, OptionInputs more = {},
                     const Notification& n = testing::SampleNotification()) {
    auto host = testing::StartNotifier("slack", Options(path, std::move(more)));
    EXPECT_TRUE(host->problems().empty()) << host->problems()[0];
    return testing::Deliver(*host, n);
  }

  // Returns the JSON of the only message received.
  rapidjson::Document OnlyMessage() {
    rapidjson::Document doc;
    std::vector<testing::SeenRequest> got = server_->requests();
    EXPECT_EQ(got.size(), 1u);
    if (got.empty()) return doc;
    EXPECT_EQ(got[0].headers["Content-Type"], "application/json");
    doc.Parse(got[0].body.c_str());
    EXPECT_FALSE(doc.HasParseError()) << got[0].body;
    return doc;
  }

  testing::TempDir dir_;
  testing::TestCertificates certificates_;
  std::unique_ptr<testing::HttpsTestServer> server_;
};

TEST(SlackOptions, RefusesInvalidValuesAndUnknownKeys) {
  EXPECT_TRUE(Contains(testing::NotifierRefusal("slack", {}), "option \"url\": is required"));
  // The URL is Slack's token: a refusal names the option, never the value.
  std::string bad_scheme =
      testing::NotifierRefusal("slack", Scalars({{"url", "ftp://hooks/T0/B0/s3cr3t"}}));
  EXPECT_TRUE(Contains(bad_scheme, "create failed: url must start with http:// or https://"))
      << bad_scheme;
  EXPECT_FALSE(Contains(bad_scheme, "s3cr3t")) << bad_scheme;
  EXPECT_TRUE(Contains(
      testing::NotifierRefusal("slack", Scalars({{"url", "https://h/"}, {"title", "{{ .Foo }}"}})),
      "create failed: title: unknown field \".Foo\""));
  EXPECT_TRUE(Contains(
      testing::NotifierRefusal("slack", Scalars({{"url", "https://h/"}, {"title", "{{ .Status"}})),
      "title: \"{{\" is not closed"));
  EXPECT_TRUE(Contains(testing::NotifierRefusal("slack", Scalars({{"url", "https://h/"},
                                                                  {"title", "{{ .Status | x }}"}})),
                       "unknown filter \"x\""));
  EXPECT_TRUE(Contains(
      testing::NotifierRefusal("slack", Scalars({{"url", "https://h/"}, {"max_alerts", "0"}})),
      "option \"max_alerts\": must be between"));
  EXPECT_TRUE(Contains(
      testing::NotifierRefusal("slack", Scalars({{"url", "https://h/"}, {"chanel", "#ops"}})),
      "option \"chanel\": unknown option (did you mean \"channel\"?)"));
  EXPECT_TRUE(Contains(
      testing::NotifierRefusal("slack", Scalars({{"url", "https://h/"}, {"ca_file", "/nope.pem"}})),
      "ca_file \"/nope.pem\" cannot be read"));
}

TEST(SlackOptions, AcceptsValidOptionsAndHidesTheUrl) {
  auto host = testing::StartNotifier(
      "slack", Scalars({{"url", "https://hooks.slack.com/services/T0/B0/s3cr3t"},
                        {"channel", "#ops"},
                        {"username", "nightjar"},
                        {"icon_emoji", ":owl:"},
                        {"title", "{{ .Status | upper }}: {{ .CommonLabels.alertname }}"},
                        {"max_alerts", "5"},
                        {"timeout", "3s"}}));
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  StringPairs shown = host->Stats().at(0).instances.at(0).options;
  EXPECT_NE(std::find(shown.begin(), shown.end(),
                      std::make_pair(std::string("url"), std::string("(secret)"))),
            shown.end());
}

TEST_F(SlackTest, PostsBlocksColouredBySeverityWithFieldsAndAButton) {
  NotifyOutcome o = Send("/services/T0/B0/ok", Scalars({{"channel", "#oncall"},
                                                        {"username", "nightjar"},
                                                        {"dashboard_url", "https://nj.example/"}}));
  ASSERT_EQ(o.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(o);
  rapidjson::Document doc = OnlyMessage();
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["channel"].GetString(), "#oncall");
  EXPECT_STREQ(doc["username"].GetString(), "nightjar");
  EXPECT_STREQ(doc["text"].GetString(), "[FIRING:1] HighCPU");

  const auto& blocks = doc["blocks"];
  ASSERT_EQ(blocks.Size(), 3u);
  EXPECT_STREQ(blocks[0]["type"].GetString(), "header");
  EXPECT_STREQ(blocks[0]["text"]["type"].GetString(), "plain_text");
  EXPECT_STREQ(blocks[0]["text"]["text"].GetString(), "[FIRING:1] HighCPU");
  EXPECT_STREQ(blocks[1]["text"]["text"].GetString(), "CPU is hot");
  EXPECT_STREQ(blocks[2]["type"].GetString(), "actions");
  EXPECT_STREQ(blocks[2]["elements"][0]["type"].GetString(), "button");
  EXPECT_STREQ(blocks[2]["elements"][0]["url"].GetString(), "https://nj.example/");

  const auto& attachments = doc["attachments"];
  ASSERT_EQ(attachments.Size(), 2u);
  // Firing with severity=page is red; the resolved one is green whatever its severity.
  EXPECT_STREQ(attachments[0]["color"].GetString(), "#E01E5A");
  EXPECT_STREQ(attachments[1]["color"].GetString(), "#2EB67D");
  const auto& section = attachments[0]["blocks"][0];
  EXPECT_STREQ(section["type"].GetString(), "section");
  std::string text = section["text"]["text"].GetString();
  EXPECT_TRUE(Contains(text, "*FIRING*")) << text;
  EXPECT_TRUE(Contains(text, "*HighCPU*")) << text;
  EXPECT_TRUE(Contains(text, "CPU at 97%")) << text;
  const auto& fields = section["fields"];
  ASSERT_EQ(fields.Size(), 2u);  // host and severity; alertname is in the text
  EXPECT_STREQ(fields[0]["text"].GetString(), "*host*\nweb-1");
  EXPECT_STREQ(fields[1]["text"].GetString(), "*severity*\npage");
  std::string context = attachments[0]["blocks"][1]["elements"][0]["text"].GetString();
  EXPECT_TRUE(Contains(context, "Started 2023-11-14 22:13:20 UTC")) << context;
  EXPECT_TRUE(Contains(context, "<http://collector:8080/rules/cpu|Source>")) << context;
  std::string resolved = attachments[1]["blocks"][0]["text"]["text"].GetString();
  EXPECT_TRUE(Contains(resolved, "*RESOLVED*")) << resolved;
  std::string ended = attachments[1]["blocks"][1]["elements"][0]["text"].GetString();
  EXPECT_TRUE(Contains(ended, "Ended 2023-11-14 22:14:20 UTC")) << ended;
}

TEST_F(SlackTest, MarksResolvedGroupsUsesTheTitleTemplateAndEscapesMrkdwn) {
  Notification n = testing::SampleNotification();
  n.alerts.erase(n.alerts.begin());
  n.alerts[0].labels.emplace_back("note", "<!channel> & <http://evil|click>");
  NotifyOutcome o = Send("/services/ok",
                         Scalars({{"title",
                                   "{{ .Status | upper }} {{ .CommonLabels.alertname }} "
                                   "({{ .ResolvedCount }} of {{ .AlertCount }})"}}),
                         n);
  ASSERT_EQ(o.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(o);
  rapidjson::Document doc = OnlyMessage();
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["text"].GetString(), "RESOLVED HighCPU (1 of 1)");
  EXPECT_FALSE(doc.HasMember("channel"));
  // Without dashboard_url the button goes to the collector's URL.
  EXPECT_STREQ(doc["blocks"][2]["elements"][0]["url"].GetString(), "http://collector:8080");
  ASSERT_EQ(doc["attachments"].Size(), 1u);
  EXPECT_STREQ(doc["attachments"][0]["color"].GetString(), "#2EB67D");
  const auto& fields = doc["attachments"][0]["blocks"][0]["fields"];
  std::string note = fields[fields.Size() - 1]["text"].GetString();
  EXPECT_EQ(note, "*note*\n&lt;!channel&gt; &amp; &lt;http://evil|click&gt;");
}

TEST_F(SlackTest, CountsAlertsBeyondMaxAlertsInsteadOfSendingThem) {
  Notification n = testing::SampleNotification();
  n.alerts.resize(2);
  for (int i = 0; i < 5; ++i) n.alerts.push_back(n.alerts[0]);
  n.truncated_alerts = 3;
  NotifyOutcome o = Send("/services/ok", Scalars({{"max_alerts", "4"}}), n);
  ASSERT_EQ(o.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(o);
  rapidjson::Document doc = OnlyMessage();
  ASSERT_TRUE(doc.IsObject());
  const auto& attachments = doc["attachments"];
  ASSERT_EQ(attachments.Size(), 5u);
  EXPECT_STREQ(attachments[4]["blocks"][0]["text"]["text"].GetString(), "_and 6 more alerts_");
}

TEST_F(SlackTest, ServerErrorsAndRateLimitsAskToRetry) {
  NotifyOutcome unavailable = Send("/services/unavailable");
  EXPECT_EQ(unavailable.kind, NotifyOutcome::Kind::kRetryLater) << testing::Describe(unavailable);
  EXPECT_TRUE(Contains(unavailable.message, "answered 503 Service Unavailable"))
      << unavailable.message;
  NotifyOutcome limited = Send("/services/limited");
  EXPECT_EQ(limited.kind, NotifyOutcome::Kind::kRetryLater) << testing::Describe(limited);
  EXPECT_EQ(limited.retry_after, std::chrono::seconds(30));
}

TEST_F(SlackTest, ClientErrorsFailForGoodWithoutShowingTheUrl) {
  NotifyOutcome o = Send("/services/gone");
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kFailed) << testing::Describe(o);
  EXPECT_TRUE(Contains(o.message, "answered 404 Not Found: channel_not_found")) << o.message;
  EXPECT_FALSE(Contains(o.message, "/services/gone")) << o.message;
}

TEST_F(SlackTest, ATimeoutAsksToRetry) {
  auto start = std::chrono::steady_clock::now();
  NotifyOutcome o = Send("/services/slow", Scalars({{"timeout", "300ms"}}));
  auto took = std::chrono::steady_clock::now() - start;
  server_->Release();
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kRetryLater) << testing::Describe(o);
  EXPECT_TRUE(Contains(o.message, "no answer within 300ms")) << o.message;
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST_F(SlackTest, VerifiesTheServerCertificateByDefault) {
  // Without ca_file only the system's CAs are trusted, and the test CA is not one of them.
  auto host = testing::StartNotifier("slack", Scalars({{"url", server_->Url("/services/ok")}}));
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  NotifyOutcome o = testing::Deliver(*host, testing::SampleNotification());
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kFailed) << testing::Describe(o);
  EXPECT_TRUE(Contains(o.message, "TLS error")) << o.message;
  EXPECT_TRUE(server_->requests().empty());

  auto skipping = testing::StartNotifier(
      "slack", Scalars({{"url", server_->Url("/services/ok")}, {"insecure_skip_verify", "true"}}));
  NotifyOutcome skipped = testing::Deliver(*skipping, testing::SampleNotification());
  EXPECT_EQ(skipped.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(skipped);
}

}  // namespace
}  // namespace nightjar::plugins
