// Notifications across a kill -9 of the real nightjar-collector: a periodic Lua rule fires
// three alerts, each its own group (group_by ['...'], group_wait 0s), routed to two instances
// of the webhook plugin that POST to an HTTP server the test runs. Before the kill, receiver
// `hook` accepts its first notification, holds the second open (a delivery in flight) so the
// third waits behind it, and receiver `backup` answers every attempt 503 (pending retries). The
// collector is killed with SIGKILL in that state and restarted on the same data directory, with
// the server now accepting everything. Then: every notification arrives, one recorded as
// delivered before the kill is never sent again, a re-sent one carries the id it had (so
// receivers can dedupe), no new notification is made up, and /metrics counts the deliveries per
// notifier and outcome.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "collector_process.h"
#include "http_client.h"
#include "runtime/http_server.h"
#include "test_util.h"

namespace nightjar {
namespace {

namespace fs = std::filesystem;
using collector::testing::WaitFor;
using std::chrono::seconds;

// One request the receiver got.
struct Delivery {
  std::string path;  // "/hook" or "/backup"
  std::string id;    // X-Nightjar-Notification-Id
  int status = 0;    // what it was answered (0: held, the collector died first)
};

// The receivers' HTTP server. In the first phase /hook answers its first request 200 and holds
// the next one open until Accept(); /backup answers 503 with Retry-After: 1. After Accept()
// every request is answered 200.
class Receivers {
 public:
  Receivers() : server_(Options()) {
    for (const char* path : {"/hook", "/backup"}) {
      server_.Route("POST", path, [this, path](auto& request, auto& response) {
        Handle(path, request, response);
      });
    }
    Status st = server_.Start();
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  ~Receivers() {
    Accept();
    server_.Stop();
  }

  // Ends the first phase: the held request is let go and everything is accepted from now on.
  void Accept() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      accepting_ = true;
    }
    changed_.notify_all();
  }

  std::vector<Delivery> deliveries() {
    std::lock_guard<std::mutex> lock(mutex_);
    return deliveries_;
  }
  int held() {
    std::lock_guard<std::mutex> lock(mutex_);
    return held_;
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }

 private:
  static HttpServerOptions Options() {
    HttpServerOptions o;
    o.threads = 4;
    o.name = "receivers";
    return o;
  }

  void Handle(const std::string& path, HttpServer::Request& request,
              HttpServer::Response& response) {
    HttpServer::ReadBody(request, 1 << 20);
    std::string id = request.get("X-Nightjar-Notification-Id", "");
    int status = 200;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      size_t index = deliveries_.size();
      deliveries_.push_back({path, id, 0});
      if (!accepting_ && path == "/backup") {
        status = 503;
      } else if (!accepting_ && path == "/hook" && ++hook_requests_ == 2) {
        ++held_;
        changed_.wait(lock, [&] { return accepting_; });
        --held_;
        // The collector that sent it is gone; whatever is answered, nobody reads it.
        status = 0;
      }
      deliveries_[index].status = status;
    }
    if (status == 0) return;
    if (status == 503) response.set("Retry-After", "1");
    HttpServer::Send(response, status, "text/plain", status == 200 ? "ok\n" : "busy\n");
  }

  HttpServer server_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Delivery> deliveries_;
  bool accepting_ = false;
  int hook_requests_ = 0;
  int held_ = 0;
};

// A notification as GET /api/v1/notifications lists it.
struct Listed {
  std::string receiver;
  std::string state;
  int attempts = 0;
};

// Returns the notifications the collector lists, by id; empty when the API does not answer.
std::map<std::string, Listed> Notifications(uint16_t api_port) {
  collector::testing::HttpResult r =
      collector::testing::Get(api_port, "/api/v1/notifications?limit=1000");
  std::map<std::string, Listed> out;
  if (r.status != 200) return out;
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  if (d.HasParseError() || !d.HasMember("notifications")) return out;
  for (const auto& n : d["notifications"].GetArray()) {
    out[n["id"].GetString()] = {n["receiver"].GetString(), n["state"].GetString(),
                                n["attempts"].GetInt()};
  }
  return out;
}

size_t CountIn(const std::map<std::string, Listed>& listed, const std::string& receiver,
               const std::string& state) {
  size_t n = 0;
  for (const auto& [id, l] : listed) n += l.receiver == receiver && l.state == state ? 1 : 0;
  return n;
}

// Returns the value of the sample of `family` whose labels include every one of `labels`
// (e.g. receiver="hook"), or -1 when /metrics has none.
double Metric(uint16_t api_port, const std::string& family,
              const std::vector<std::string>& labels) {
  collector::testing::HttpResult r = collector::testing::Get(api_port, "/metrics");
  std::istringstream lines(r.body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(family + "{", 0) != 0 && line.rfind(family + " ", 0) != 0) continue;
    bool all = true;
    for (const std::string& l : labels) all = all && line.find(l) != std::string::npos;
    if (all) return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return -1;
}

class NotifyRestartEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("nj-notify-restart-e2e-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "rules");
    fs::create_directories(dir_ / "collector");
    // Three alerts, active from the first evaluation on and for as long as the collector runs.
    std::ofstream(dir_ / "rules" / "stuck.lua") << R"lua(
rule {
  name = "QueueStuck",
  every = "1s",
  evaluate = function(q)
    return {
      { labels = { queue = "a" }, value = 1, active = true },
      { labels = { queue = "b" }, value = 1, active = true },
      { labels = { queue = "c" }, value = 1, active = true },
    }
  end,
}
)lua";
  }
  void TearDown() override {
    collector_.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }

  std::string Config() const {
    auto instance = [&](const std::string& name, const std::string& path) {
      return "    - plugin: webhook\n      name: " + name + "\n      options: {url: \"" +
             receivers_.Url(path) + "\", timeout: 60s}\n";
    };
    return std::string("plugins:\n  directory: \"\"\n  paths: [") + NJ_WEBHOOK_PLUGIN +
           "]\n  instances:\n" + instance("hook", "/hook") + instance("backup", "/backup") +
           "rules: {dir: \"" + (dir_ / "rules").string() +
           "\", evaluation_interval: 500ms}\n"
           "alerting:\n"
           "  group_by: ['...']\n  group_wait: 0s\n  group_interval: 1s\n"
           "  delivery: {initial_backoff: 1s, max_backoff: 2s}\n"
           "  routes:\n    - receivers: [hook, backup]\n";
  }

  void StartCollector() {
    collector_ =
        std::make_unique<collector::testing::CollectorProcess>((dir_ / "collector").string());
    ASSERT_TRUE(collector_->Start(Config())) << collector_->error();
  }

  fs::path dir_;
  Receivers receivers_;
  std::unique_ptr<collector::testing::CollectorProcess> collector_;
};

TEST_F(NotifyRestartEndToEnd, KillNineDuringDeliveryLosesNothingAndRepeatsNothingDelivered) {
  ASSERT_NO_FATAL_FAILURE(StartCollector());

  // The state to kill in: hook has one delivered, one in flight (held) and one waiting behind
  // it; backup has tried each of its three and keeps being refused.
  std::map<std::string, Listed> before;
  std::set<std::string> backup_tried;
  bool ready = WaitFor(
      [&] {
        backup_tried.clear();
        for (const Delivery& d : receivers_.deliveries()) {
          if (d.path == "/backup") backup_tried.insert(d.id);
        }
        before = Notifications(collector_->api_port());
        return receivers_.held() == 1 && backup_tried.size() == 3 &&
               CountIn(before, "hook", "delivered") == 1;
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(ready) << "held " << receivers_.held() << ", backup tried " << backup_tried.size()
                     << "; collector log:\n"
                     << collector_->log();
  ASSERT_EQ(before.size(), 6u) << "three alerts for two receivers";
  EXPECT_EQ(CountIn(before, "hook", "pending"), 2u);
  EXPECT_EQ(CountIn(before, "backup", "pending"), 3u);
  std::set<std::string> delivered_before;
  for (const auto& [id, l] : before) {
    if (l.state == "delivered") delivered_before.insert(id);
  }
  std::string in_flight;
  for (const Delivery& d : receivers_.deliveries()) {
    if (d.path == "/hook" && !delivered_before.count(d.id)) in_flight = d.id;
  }
  ASSERT_FALSE(in_flight.empty());

  collector_->Kill();
  receivers_.Accept();
  ASSERT_NO_FATAL_FAILURE(StartCollector());

  // Every notification made before the kill is delivered, and the collector says so.
  std::map<std::string, Listed> after;
  bool all_delivered = WaitFor(
      [&] {
        after = Notifications(collector_->api_port());
        return after.size() == before.size() &&
               CountIn(after, "hook", "delivered") + CountIn(after, "backup", "delivered") ==
                   before.size();
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(all_delivered) << "collector log:\n" << collector_->log();
  for (const auto& [id, l] : before) EXPECT_TRUE(after.count(id)) << id << " is gone";

  // Let the rule run twice more in the restarted collector: its alerts are still firing, which
  // must not make new notifications (the groups' state survived the kill too).
  double evaluations = Metric(collector_->api_port(), "nightjar_rule_evaluations_total", {});
  ASSERT_TRUE(WaitFor(
      [&] {
        return Metric(collector_->api_port(), "nightjar_rule_evaluations_total", {}) >=
               evaluations + 2;
      },
      std::chrono::seconds(30)));
  EXPECT_EQ(Notifications(collector_->api_port()).size(), before.size());

  std::map<std::string, int> accepted;  // id -> requests answered 200
  std::map<std::string, int> sent;      // id -> requests received
  for (const Delivery& d : receivers_.deliveries()) {
    EXPECT_TRUE(before.count(d.id)) << "a request carried an id never listed: " << d.id;
    sent[d.id]++;
    if (d.status == 200) accepted[d.id]++;
  }
  for (const auto& [id, l] : before) {
    EXPECT_GE(accepted[id], 1) << l.receiver << " never got " << id;
  }
  for (const std::string& id : delivered_before) {
    EXPECT_EQ(sent[id], 1) << id << " was recorded as delivered and was sent again";
  }
  // The delivery the kill cut short was sent again, with its id.
  EXPECT_EQ(sent[in_flight], 2) << in_flight;
  EXPECT_EQ(accepted[in_flight], 1) << in_flight;

  // /metrics counts the restarted collector's attempts per notifier and outcome.
  uint16_t api = collector_->api_port();
  EXPECT_EQ(Metric(api, "nightjar_alert_notifications_total",
                   {"receiver=\"hook\"", "outcome=\"delivered\""}),
            2);
  EXPECT_EQ(Metric(api, "nightjar_alert_notifications_total",
                   {"receiver=\"backup\"", "outcome=\"delivered\""}),
            3);
  EXPECT_EQ(Metric(api, "nightjar_alert_notifications_pending", {}), 0);
}

}  // namespace
}  // namespace nightjar
