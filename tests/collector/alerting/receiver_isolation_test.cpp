// Per-receiver delivery (delivery_lane.h): two instances of the real webhook plugin, each
// POSTing to a real HTTP server of its own. One server holds its requests open until the test
// lets them go, as a receiver that hangs would; the other receiver must still get its
// notifications, and its retries, meanwhile. Retry times run on a FakeClock; every wait is on a
// condition with a deadline.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

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

// A webhook receiver on a loopback port. While holding, each request waits in the handler until
// Release(); Fail(n) answers the next n requests 503 with Retry-After: 7.
class HookServer {
 public:
  HookServer() : server_(Options()) {
    server_.Route("POST", "/hook", [this](auto& request, auto& response) {
      HttpServer::ReadBody(request, 1 << 20);
      int status = 200;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ++arrived_;
        if (failures_ > 0) {
          --failures_;
          status = 503;
        }
        ++waiting_;
        released_.wait(lock, [&] { return !holding_; });
        --waiting_;
        if (status == 200) ++answered_ok_;
      }
      if (status == 503) response.set("Retry-After", "7");
      HttpServer::Send(response, status, "text/plain", status == 200 ? "ok" : "busy");
    });
    EXPECT_TRUE(server_.Start().ok());
  }
  ~HookServer() {
    Release();
    server_.Stop();
  }

  void Hold() {
    std::lock_guard<std::mutex> lock(mutex_);
    holding_ = true;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      holding_ = false;
    }
    released_.notify_all();
  }
  void Fail(int times) {
    std::lock_guard<std::mutex> lock(mutex_);
    failures_ = times;
  }
  // Requests received so far, those held open right now, and those answered 200.
  int arrived() {
    std::lock_guard<std::mutex> lock(mutex_);
    return arrived_;
  }
  int waiting() {
    std::lock_guard<std::mutex> lock(mutex_);
    return waiting_;
  }
  int answered_ok() {
    std::lock_guard<std::mutex> lock(mutex_);
    return answered_ok_;
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server_.port()) + "/hook"; }

 private:
  static HttpServerOptions Options() {
    HttpServerOptions o;
    o.threads = 4;
    o.name = "hook";
    return o;
  }

  HttpServer server_;
  std::mutex mutex_;
  std::condition_variable released_;
  bool holding_ = false;
  int failures_ = 0;
  int arrived_ = 0;
  int waiting_ = 0;
  int answered_ok_ = 0;
};

plugins::InstanceConfig Webhook(const std::string& name, const std::string& url) {
  plugins::InstanceConfig instance;
  instance.plugin = "webhook";
  instance.name = name;
  instance.options.emplace_back("url", plugins::OptionInput::Scalar(url));
  // Far longer than any wait below: the held receiver is released by the test, not by this.
  instance.options.emplace_back("timeout", plugins::OptionInput::Scalar("60s"));
  return instance;
}

Route RouteTo(const std::string& host, const std::string& receiver) {
  Route r;
  Result<LabelMatcher> m = LabelMatcher::Parse("host=" + host);
  EXPECT_TRUE(m.ok());
  r.matchers.push_back(m.value());
  r.receivers = {receiver};
  return r;
}

class ReceiverIsolationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    plugins::PluginHostConfig config;
    config.paths.push_back(NJ_WEBHOOK_PLUGIN);
    config.instances.push_back(Webhook("slow", slow_.Url()));
    config.instances.push_back(Webhook("fast", fast_.Url()));
    host_ = plugins::PluginHost::Start(config);
    ASSERT_TRUE(host_->problems().empty()) << host_->problems().front();

    AlertingConfig alerting = testing::Ungrouped();
    alerting.routes = {RouteTo("a", "slow"), RouteTo("b", "fast")};
    auto host = host_;
    f_.Open(
        alerting, [host] { return host; }, /*start=*/true);
    f_.manager->SetRules({Rule("cpu")});
  }
  void TearDown() override {
    slow_.Release();
    fast_.Release();
  }

  NotificationRecord RecordOf(const std::string& receiver) {
    for (const NotificationRecord& r : f_.Notifications()) {
      if (r.receiver == receiver) return r;
    }
    ADD_FAILURE() << "no notification for " << receiver;
    return {};
  }
  bool Delivered(const std::string& receiver) {
    for (const NotificationRecord& r : f_.Notifications()) {
      if (r.receiver == receiver && r.state == NotificationRecord::State::kDelivered) return true;
    }
    return false;
  }

  // Declared first so that it is destroyed last: the servers release held requests first, and
  // stopping the manager then never waits on them.
  Fixture f_;
  HookServer slow_;
  HookServer fast_;
  std::shared_ptr<plugins::PluginHost> host_;
};

TEST_F(ReceiverIsolationTest, AHangingReceiverDoesNotHoldBackAnother) {
  slow_.Hold();
  f_.Eval("cpu", {Sample({{"host", "a"}})});
  ASSERT_TRUE(WaitFor([&] { return slow_.waiting() == 1; }));

  // The slow receiver's delivery is in progress and stays so until released.
  f_.Eval("cpu", {Sample({{"host", "a"}}), Sample({{"host", "b"}})});
  ASSERT_TRUE(WaitFor([&] { return Delivered("fast"); }))
      << "the fast receiver waited on the hanging one";
  EXPECT_EQ(fast_.answered_ok(), 1);
  EXPECT_EQ(slow_.waiting(), 1);
  EXPECT_EQ(RecordOf("slow").state, NotificationRecord::State::kPending);

  slow_.Release();
  ASSERT_TRUE(WaitFor([&] { return Delivered("slow"); }));
  EXPECT_EQ(slow_.arrived(), 1);
  EXPECT_EQ(RecordOf("slow").attempts, 1u);
}

TEST_F(ReceiverIsolationTest, RetriesOfOneReceiverRunWhileAnotherHangs) {
  slow_.Hold();
  fast_.Fail(1);  // 503, Retry-After: 7
  f_.Eval("cpu", {Sample({{"host", "a"}}), Sample({{"host", "b"}})});
  ASSERT_TRUE(WaitFor([&] { return slow_.waiting() == 1; }));
  ASSERT_TRUE(WaitFor([&] { return RecordOf("fast").attempts == 1; }));
  NotificationRecord first = RecordOf("fast");
  EXPECT_EQ(first.state, NotificationRecord::State::kPending);
  EXPECT_EQ(first.next_attempt_at, f_.clock.NowUnixNanos() + 7'000'000'000);

  f_.clock.Advance(seconds(7));
  ASSERT_TRUE(WaitFor([&] { return Delivered("fast"); }))
      << "the retry waited on the hanging receiver";
  EXPECT_EQ(RecordOf("fast").attempts, 2u);
  EXPECT_EQ(fast_.arrived(), 2);
  EXPECT_EQ(slow_.waiting(), 1);
  EXPECT_EQ(f_.manager->metrics().notifications.With({"fast", "retry_later"}).Value(), 1);
  EXPECT_EQ(f_.manager->metrics().notifications.With({"fast", "delivered"}).Value(), 1);
  EXPECT_EQ(f_.manager->metrics().notifications.With({"slow", "delivered"}).Value(), 0);
  EXPECT_EQ(f_.manager->metrics().notifications_pending.Get().Value(), 1);
}

TEST_F(ReceiverIsolationTest, StopFinishesTheAttemptInProgressAndRecordsIt) {
  slow_.Hold();
  f_.Eval("cpu", {Sample({{"host", "a"}})});
  ASSERT_TRUE(WaitFor([&] { return slow_.waiting() == 1; }));

  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    f_.manager->Stop();
    stopped = true;
  });
  // Stop waits for the attempt: it cannot return while the receiver holds the request.
  EXPECT_FALSE(WaitFor([&] { return stopped.load(); }, std::chrono::milliseconds(300)));
  slow_.Release();
  stopper.join();
  EXPECT_TRUE(stopped);
  // The outcome was written before Stop returned: delivered, so never sent again.
  EXPECT_EQ(RecordOf("slow").state, NotificationRecord::State::kDelivered);
  EXPECT_EQ(f_.manager->metrics().notifications_pending.Get().Value(), 0);
}

}  // namespace
}  // namespace nightjar::collector::alerting
