// The alertmanager notifier plugin (plugins/alertmanager), loaded from its .so through the host
// and pushing to a real Prometheus Alertmanager (Debian's prometheus-alertmanager) started by
// the test on a loopback port: pushed alerts appear in its GET /api/v2/alerts with their labels,
// resolved ones leave the active list, refused ones fail. Basic auth, headers and TLS are
// checked against an HTTPS test server, which sees the request itself.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "alertmanager_process.h"
#include "notifier_test_support.h"
#include "peer_process.h"
#include "plugin_test_support.h"
#include "tls_test_server.h"

namespace nightjar::plugins {
namespace {

using testing::Contains;
using testing::Scalars;

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A real Alertmanager for the whole suite, with one receiver that sends nothing.
class AlertmanagerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    alertmanager_ = new testing::AlertmanagerProcess(
        dir_->path(), "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n");
  }

  static void TearDownTestSuite() {
    delete alertmanager_;
    alertmanager_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }

  // Fails (never skips) when Alertmanager is missing or did not start.
  void SetUp() override { ASSERT_NE(alertmanager_->port(), 0) << alertmanager_->problem(); }

  static std::string Url() { return alertmanager_->Url(); }

  // Returns Alertmanager's active alerts whose alertname is `name`.
  static std::vector<std::map<std::string, std::string>> ActiveAlerts(const std::string& name) {
    std::vector<std::map<std::string, std::string>> out;
    auto [status, body] = testing::HttpGet(alertmanager_->port(),
                                           "/api/v2/alerts?filter=alertname%3D%22" + name + "%22");
    rapidjson::Document doc;
    if (status != 200 || doc.Parse(body.c_str()).HasParseError() || !doc.IsArray()) return out;
    for (const auto& a : doc.GetArray()) {
      std::map<std::string, std::string> fields;
      for (const auto& l : a["labels"].GetObject()) {
        fields["label:" + std::string(l.name.GetString())] = l.value.GetString();
      }
      for (const auto& l : a["annotations"].GetObject()) {
        fields["annotation:" + std::string(l.name.GetString())] = l.value.GetString();
      }
      fields["state"] = a["status"]["state"].GetString();
      fields["generatorURL"] = a.HasMember("generatorURL") ? a["generatorURL"].GetString() : "";
      out.push_back(std::move(fields));
    }
    return out;
  }

  static Notification DiskFull(int64_t now) {
    Notification n = testing::SampleNotification();
    n.group_labels = {{"alertname", "DiskFull"}};
    n.common_labels = {{"alertname", "DiskFull"}};
    n.alerts.clear();
    for (const char* host : {"db-1", "db-2"}) {
      Alert a;
      a.labels = {{"alertname", "DiskFull"}, {"host", host}, {"log.class", "disk_full"}};
      a.annotations = {{"summary", std::string("disk full on ") + host}};
      a.starts_at_unix_nano = now - 60'000'000'000;
      a.generator_url = std::string("http://collector:8080/rules/disk?host=") + host;
      n.alerts.push_back(a);
    }
    return n;
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::AlertmanagerProcess* alertmanager_ = nullptr;
};

TEST(AlertmanagerOptions, RefusesInvalidValuesAndUnknownKeys) {
  EXPECT_TRUE(
      Contains(testing::NotifierRefusal("alertmanager", {}), "option \"url\": is required"));
  EXPECT_TRUE(Contains(testing::NotifierRefusal("alertmanager", Scalars({{"url", "ftp://am"}})),
                       "must start with http:// or https://"));
  EXPECT_TRUE(Contains(
      testing::NotifierRefusal("alertmanager", Scalars({{"url", "http://am"}, {"password", "pw"}})),
      "create failed: password is set but username is not"));
  EXPECT_TRUE(Contains(
      testing::NotifierRefusal("alertmanager", Scalars({{"url", "http://am"}, {"timeout", "1"}})),
      "option \"timeout\""));
  EXPECT_TRUE(Contains(testing::NotifierRefusal("alertmanager", Scalars({{"urls", "http://am"}})),
                       "option \"urls\": unknown option (did you mean \"url\"?)"));
}

TEST(AlertmanagerOptions, AcceptsSeveralUrlsAndHidesThePassword) {
  OptionInputs options = Scalars({{"username", "nj"}, {"password", "pw"}, {"timeout", "2s"}});
  options.emplace_back("url", OptionInput::List({"http://am-1:9093", "https://am-2:9093/am/"}));
  options.emplace_back("headers", OptionInput::Map({{"X-Scope-OrgID", "ops"}}));
  auto host = testing::StartNotifier("alertmanager", options);
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  StringPairs shown = host->Stats().at(0).instances.at(0).options;
  EXPECT_NE(std::find(shown.begin(), shown.end(),
                      std::make_pair(std::string("password"), std::string("(secret)"))),
            shown.end());
}

TEST_F(AlertmanagerTest, PushedAlertsAppearWithTheirLabelsAndResolvedOnesLeave) {
  auto host = testing::StartNotifier("alertmanager", Scalars({{"url", Url()}}));
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  int64_t now = NowNanos();
  Notification n = DiskFull(now);
  NotifyOutcome o = testing::Deliver(*host, n);
  ASSERT_EQ(o.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(o);

  // Alertmanager lists a new alert as "unprocessed" until its dispatcher has seen it.
  ASSERT_TRUE(testing::WaitUntil(
      [] {
        auto alerts = ActiveAlerts("DiskFull");
        return alerts.size() == 2 && alerts[0]["state"] == "active" &&
               alerts[1]["state"] == "active";
      },
      std::chrono::seconds(20)))
      << ActiveAlerts("DiskFull").size() << " alerts";
  auto alerts = ActiveAlerts("DiskFull");
  std::sort(alerts.begin(), alerts.end(),
            [](auto& a, auto& b) { return a["label:host"] < b["label:host"]; });
  EXPECT_EQ(alerts[0]["label:host"], "db-1");
  EXPECT_EQ(alerts[1]["label:host"], "db-2");
  // "log.class" is not a label name Alertmanager accepts; it arrives as log_class.
  EXPECT_EQ(alerts[0]["label:log_class"], "disk_full");
  EXPECT_EQ(alerts[0]["annotation:summary"], "disk full on db-1");
  EXPECT_EQ(alerts[0]["generatorURL"], "http://collector:8080/rules/disk?host=db-1");

  Notification resolved = n;
  resolved.alerts.resize(1);
  resolved.alerts[0].firing = false;
  resolved.alerts[0].ends_at_unix_nano = NowNanos();
  o = testing::Deliver(*host, resolved);
  ASSERT_EQ(o.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(o);
  ASSERT_TRUE(testing::WaitUntil(
      [] {
        auto left = ActiveAlerts("DiskFull");
        return left.size() == 1 && left[0]["label:host"] == "db-2";
      },
      std::chrono::seconds(20)))
      << ActiveAlerts("DiskFull").size() << " alerts";
}

TEST_F(AlertmanagerTest, DeliversWhenOneOfSeveralAlertmanagersTakesTheAlerts) {
  OptionInputs options;
  options.emplace_back(
      "url", OptionInput::List(
                 {"http://127.0.0.1:" + std::to_string(testing::UnusedLoopbackPort()), Url()}));
  auto host = testing::StartNotifier("alertmanager", options);
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  Notification n = DiskFull(NowNanos());
  for (auto& a : n.alerts) a.labels[0].second = "DiskFullHa";
  NotifyOutcome o = testing::Deliver(*host, n);
  ASSERT_EQ(o.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(o);
  EXPECT_TRUE(testing::WaitUntil([] { return ActiveAlerts("DiskFullHa").size() == 2; },
                                 std::chrono::seconds(20)));
}

TEST_F(AlertmanagerTest, AlertsAlertmanagerRefusesFailForGoodWithItsReason) {
  auto host = testing::StartNotifier("alertmanager", Scalars({{"url", Url()}}));
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  Notification n = DiskFull(NowNanos());
  n.alerts.resize(1);
  n.alerts[0].firing = false;
  n.alerts[0].ends_at_unix_nano = n.alerts[0].starts_at_unix_nano - 1'000'000'000;
  NotifyOutcome o = testing::Deliver(*host, n);
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kFailed) << testing::Describe(o);
  EXPECT_TRUE(Contains(o.message, "answered 400 Bad Request")) << o.message;
  EXPECT_TRUE(Contains(o.message, "start time must be before end time")) << o.message;
}

TEST(AlertmanagerOutcomes, NoAlertmanagerReachableAsksToRetryNamingEach) {
  std::string a = "http://127.0.0.1:" + std::to_string(testing::UnusedLoopbackPort());
  std::string b = "http://127.0.0.1:" + std::to_string(testing::UnusedLoopbackPort());
  OptionInputs options;
  options.emplace_back("url", OptionInput::List({a, b}));
  auto host = testing::StartNotifier("alertmanager", options);
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  NotifyOutcome o = testing::Deliver(*host, testing::SampleNotification());
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kRetryLater) << testing::Describe(o);
  EXPECT_TRUE(Contains(o.message, a.substr(7))) << o.message;
  EXPECT_TRUE(Contains(o.message, b.substr(7))) << o.message;
}

TEST(AlertmanagerHttps, PostsTheAlertsArrayWithBasicAuthAndHeadersOverTls) {
  testing::TempDir dir;
  testing::TestCertificates certificates = testing::MakeTestCertificates(dir.path());
  ASSERT_EQ(certificates.error, "");
  testing::HttpsTestServer server(certificates,
                                  [](const testing::SeenRequest&) { return testing::Answer{}; });
  OptionInputs options = Scalars({{"username", "nj"},
                                  {"password", "s3cret"},
                                  {"ca_file", certificates.ca_file},
                                  {"external_url", "https://nightjar.example"}});
  options.emplace_back("url", OptionInput::List({server.Url("/am/")}));
  options.emplace_back("headers", OptionInput::Map({{"X-Scope-OrgID", "ops"}}));
  auto host = testing::StartNotifier("alertmanager", options);
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  Notification n = testing::SampleNotification();
  n.alerts[0].generator_url.clear();
  NotifyOutcome o = testing::Deliver(*host, n);
  ASSERT_EQ(o.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(o);

  std::vector<testing::SeenRequest> got = server.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].path, "/am/api/v2/alerts");
  EXPECT_EQ(got[0].headers["Authorization"], "Basic bmo6czNjcmV0");  // nj:s3cret
  EXPECT_EQ(got[0].headers["X-Scope-OrgID"], "ops");
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(got[0].body.c_str()).HasParseError()) << got[0].body;
  ASSERT_TRUE(doc.IsArray());
  ASSERT_EQ(doc.Size(), 2u);
  EXPECT_STREQ(doc[0]["labels"]["host"].GetString(), "web-1");
  EXPECT_STREQ(doc[0]["annotations"]["summary"].GetString(), "CPU at 97%");
  EXPECT_STREQ(doc[0]["startsAt"].GetString(), "2023-11-14T22:13:20.250Z");
  EXPECT_FALSE(doc[0].HasMember("endsAt"));  // firing: Alertmanager's resolve_timeout applies
  EXPECT_STREQ(doc[0]["generatorURL"].GetString(), "https://nightjar.example");
  EXPECT_STREQ(doc[1]["endsAt"].GetString(), "2023-11-14T22:14:20.000Z");
  EXPECT_STREQ(doc[1]["generatorURL"].GetString(), "http://collector:8080/rules/cpu");
}

}  // namespace
}  // namespace nightjar::plugins
