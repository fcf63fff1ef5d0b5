// Notification delivery end to end: the AlertManager hands notifications to the real webhook
// plugin (plugins/webhook, loaded from its .so by a real PluginHost), which POSTs them to a
// real HTTP server on a loopback port. Retries follow the plugin's Retry-After on a FakeClock;
// records in the alerts database keep delivered notifications from being sent again after a
// restart, and pending ones from being lost.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <mutex>

#include "alerting/alert_manager.h"
#include "alerting_test_util.h"
#include "plugin_host/plugin_host.h"
#include "runtime/http_server.h"

namespace nightjar::collector::alerting {
namespace {

using collector::testing::WaitFor;
using testing::Fixture;
using testing::Rule;
using testing::Sample;
using testing::seconds;

struct Received {
  std::string id;
  std::string body;
};

// A real HTTP server that answers the first `failures` POSTs with `failure_status` (503 with
// Retry-After: 7 by default), and records every request.
class Receiver {
 public:
  Receiver() : server_(HttpServerOptions{}) {
    server_.Route("POST", "/hook", [this](auto& request, auto& response) {
      Received r;
      r.id = request.get("X-Nightjar-Notification-Id", "");
      r.body = HttpServer::ReadBody(request, 1 << 20).value_or("");
      int status = 200;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        received_.push_back(r);
        if (failures_ > 0) {
          --failures_;
          status = failure_status_;
        }
      }
      if (status == 503) response.set("Retry-After", "7");
      HttpServer::Send(response, status, "text/plain", status == 200 ? "ok" : "nope");
    });
    EXPECT_TRUE(server_.Start().ok());
  }
  ~Receiver() { server_.Stop(); }

  void Fail(int times, int status = 503) {
    std::lock_guard<std::mutex> lock(mutex_);
    failures_ = times;
    failure_status_ = status;
  }
  std::vector<Received> received() {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
  }
  size_t count() { return received().size(); }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server_.port()) + "/hook"; }

 private:
  HttpServer server_;
  std::mutex mutex_;
  std::vector<Received> received_;
  int failures_ = 0;
  int failure_status_ = 503;
};

std::shared_ptr<plugins::PluginHost> WebhookHost(const std::string& url) {
  plugins::PluginHostConfig config;
  config.paths.push_back(NJ_WEBHOOK_PLUGIN);
  plugins::InstanceConfig instance;
  instance.plugin = "webhook";
  instance.name = "oncall";
  instance.options.emplace_back("url", plugins::OptionInput::Scalar(url));
  instance.options.emplace_back("timeout", plugins::OptionInput::Scalar("5s"));
  config.instances.push_back(instance);
  std::shared_ptr<plugins::PluginHost> host = plugins::PluginHost::Start(config);
  EXPECT_TRUE(host->problems().empty()) << host->problems().front();
  return host;
}

AlertingConfig Config() {
  AlertingConfig c = testing::Ungrouped();
  Route r;
  r.receivers = {"oncall"};
  c.routes.push_back(r);
  c.external_url = "http://nightjar.test:4380";
  c.delivery.initial_backoff = seconds(30);
  return c;
}

class NotifyTest : public ::testing::Test {
 protected:
  void Open() {
    auto host = host_;
    f_.Open(
        Config(), [host] { return host; }, /*start=*/true);
    f_.manager->SetRules({Rule("cpu")});
  }
  // Waits until the dispatcher has nothing due at the fake clock's now.
  void Settle() { ASSERT_TRUE(f_.manager->WaitForDeliveries(std::chrono::seconds(20))); }

  Receiver receiver_;
  std::shared_ptr<plugins::PluginHost> host_ = WebhookHost(receiver_.Url());
  Fixture f_;
};

TEST_F(NotifyTest, DeliversAlertmanagerPayloadThroughTheWebhookPlugin) {
  Open();
  f_.Eval("cpu", {Sample({{"host", "web-1"}}, AlertSample::Condition::kActive, 97,
                         {{"summary", "CPU at 97%"}})});
  ASSERT_TRUE(WaitFor([&] { return receiver_.count() == 1; }));
  Settle();
  Received r = receiver_.received().at(0);
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_FALSE(d.HasParseError()) << r.body;
  EXPECT_STREQ(d["status"].GetString(), "firing");
  EXPECT_STREQ(d["receiver"].GetString(), "oncall");
  EXPECT_STREQ(d["externalURL"].GetString(), "http://nightjar.test:4380");
  EXPECT_STREQ(d["commonLabels"]["host"].GetString(), "web-1");
  EXPECT_STREQ(d["commonAnnotations"]["summary"].GetString(), "CPU at 97%");
  std::string fp = Fixture::Fp("cpu", {{"host", "web-1"}});
  EXPECT_STREQ(d["alerts"][0]["fingerprint"].GetString(), fp.c_str());
  EXPECT_STREQ(d["alerts"][0]["startsAt"].GetString(), "2023-11-14T22:13:20.000Z");
  EXPECT_STREQ(d["alerts"][0]["generatorURL"].GetString(),
               ("http://nightjar.test:4380/api/v1/alerts/" + fp).c_str());
  EXPECT_NE(std::string(d["groupKey"].GetString()).find("host=\"web-1\""), std::string::npos);
  auto records = f_.Notifications();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].state, NotificationRecord::State::kDelivered);
  EXPECT_EQ(records[0].id, r.id);
  EXPECT_EQ(f_.manager->metrics().notifications.With({"oncall", "delivered"}).Value(), 1);

  f_.Eval("cpu", {});
  ASSERT_TRUE(WaitFor([&] { return receiver_.count() == 2; }));
  d.Parse(receiver_.received().at(1).body.c_str());
  EXPECT_STREQ(d["status"].GetString(), "resolved");
  EXPECT_STREQ(d["alerts"][0]["endsAt"].GetString(), "2023-11-14T22:13:20.000Z");
}

TEST_F(NotifyTest, RetriesAfterTheDelayThePluginGaveWithTheSameId) {
  receiver_.Fail(1);  // 503 with Retry-After: 7
  Open();
  f_.Eval("cpu", {Sample({{"host", "web-1"}})});
  ASSERT_TRUE(WaitFor([&] { return receiver_.count() == 1; }));
  Settle();
  auto records = f_.Notifications();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].state, NotificationRecord::State::kPending);
  EXPECT_EQ(records[0].attempts, 1u);
  EXPECT_NE(records[0].last_error.find("503"), std::string::npos) << records[0].last_error;
  EXPECT_EQ(records[0].next_attempt_at, f_.clock.NowUnixNanos() + 7'000'000'000);

  f_.clock.Advance(seconds(6));
  Settle();
  EXPECT_EQ(receiver_.count(), 1u);  // not due yet
  f_.clock.Advance(seconds(1));
  f_.manager->WaitForDeliveries(std::chrono::seconds(20));
  ASSERT_TRUE(WaitFor([&] { return receiver_.count() == 2; }));
  Settle();
  std::vector<Received> got = receiver_.received();
  EXPECT_EQ(got[0].id, got[1].id);
  records = f_.Notifications();
  EXPECT_EQ(records[0].state, NotificationRecord::State::kDelivered);
  EXPECT_EQ(records[0].attempts, 2u);
  EXPECT_EQ(f_.manager->metrics().notifications.With({"oncall", "retry_later"}).Value(), 1);
}

TEST_F(NotifyTest, RecordsPermanentFailuresWithTheMessage) {
  receiver_.Fail(1, 400);
  Open();
  f_.Eval("cpu", {Sample({{"host", "web-1"}})});
  ASSERT_TRUE(WaitFor([&] { return receiver_.count() == 1; }));
  Settle();
  auto records = f_.Notifications();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].state, NotificationRecord::State::kFailed);
  EXPECT_NE(records[0].last_error.find("400"), std::string::npos) << records[0].last_error;
  f_.clock.Advance(std::chrono::hours(1));
  Settle();
  EXPECT_EQ(receiver_.count(), 1u);  // never retried
}

TEST_F(NotifyTest, DeliveredNotificationsAreNotSentAgainAfterARestart) {
  Open();
  f_.Eval("cpu", {Sample({{"host", "web-1"}})});
  ASSERT_TRUE(WaitFor([&] { return receiver_.count() == 1; }));
  Settle();
  f_.Close();

  Open();
  f_.manager->Tick();
  f_.Eval("cpu", {Sample({{"host", "web-1"}})});  // still firing: nothing new to say
  Settle();
  EXPECT_EQ(receiver_.count(), 1u);
  EXPECT_EQ(f_.Notifications().size(), 1u);
  f_.Eval("cpu", {});
  ASSERT_TRUE(WaitFor([&] { return receiver_.count() == 2; }));
}

TEST_F(NotifyTest, PendingNotificationsAreDeliveredOnceAfterARestart) {
  receiver_.Fail(1);
  Open();
  f_.Eval("cpu", {Sample({{"host", "web-1"}})});
  ASSERT_TRUE(WaitFor([&] { return receiver_.count() == 1; }));
  Settle();
  f_.Close();  // stops with the retry pending

  f_.clock.Advance(seconds(7));
  Open();
  ASSERT_TRUE(WaitFor([&] { return receiver_.count() == 2; }));
  Settle();
  std::vector<Received> got = receiver_.received();
  EXPECT_EQ(got[0].id, got[1].id);
  auto records = f_.Notifications();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].state, NotificationRecord::State::kDelivered);
  f_.clock.Advance(seconds(60));
  Settle();
  EXPECT_EQ(receiver_.count(), 2u);
}

TEST_F(NotifyTest, AnUnknownReceiverIsAPermanentFailureNamingIt) {
  AlertingConfig config = Config();
  config.routes[0].receivers = {"missing"};
  auto host = host_;
  f_.Open(
      config, [host] { return host; }, true);
  f_.manager->SetRules({Rule("cpu")});
  f_.Eval("cpu", {Sample({{"host", "web-1"}})});
  Settle();
  ASSERT_TRUE(WaitFor([&] {
    auto r = f_.Notifications();
    return !r.empty() && r[0].state == NotificationRecord::State::kFailed;
  }));
  EXPECT_NE(f_.Notifications()[0].last_error.find("\"missing\""), std::string::npos);
}

}  // namespace
}  // namespace nightjar::collector::alerting
