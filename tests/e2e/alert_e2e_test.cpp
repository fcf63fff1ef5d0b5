// The whole path, with every part real: nightjar-agent tails a log file and ships to
// nightjar-collector; a Lua rule in the collector's rules directory matches a line; the alert
// fires, and the webhook notifier plugin delivers Alertmanager's webhook JSON to an HTTP server
// in the test. When the match leaves the rule's window, the resolved notification follows.
// A route added by a configuration reload (SIGHUP) reaches alerts that were already firing.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent_process.h"
#include "collector_process.h"
#include "http_client.h"
#include "runtime/http_server.h"

namespace nightjar {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Collects the bodies POSTed to /hook.
class HookReceiver {
 public:
  HookReceiver() : server_(Options()) {
    server_.Route("POST", "/hook", [this](HttpServer::Request& req, HttpServer::Response& res) {
      std::optional<std::string> body = HttpServer::ReadBody(req, 1 << 20);
      {
        std::lock_guard lock(mutex_);
        if (body) bodies_.push_back(*body);
      }
      changed_.notify_all();
      HttpServer::Send(res, 200, "text/plain", "ok\n");
    });
    Status st = server_.Start();
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  ~HookReceiver() { server_.Stop(); }

  uint16_t port() const { return server_.port(); }

  // Waits until at least `n` bodies arrived; returns them (fewer on timeout).
  std::vector<std::string> WaitFor(size_t n, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return bodies_.size() >= n; });
    return bodies_;
  }

 private:
  static HttpServerOptions Options() {
    HttpServerOptions o;
    o.threads = 2;
    o.name = "hook";
    return o;
  }

  HttpServer server_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> bodies_;
};

rapidjson::Document Json(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  return d;
}

std::string Label(const rapidjson::Value& alert, const char* section, const char* key) {
  if (!alert.HasMember(section) || !alert[section].HasMember(key)) return "<missing>";
  return alert[section][key].GetString();
}

class AlertEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("nj-alert-e2e-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "rules");
    fs::create_directories(dir_ / "logs");
    fs::create_directories(dir_ / "collector");
  }
  void TearDown() override {
    agent_.reset();
    collector_.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }

  void WriteRule(const std::string& text) {
    std::ofstream(dir_ / "rules" / "payments.lua") << text;
  }

  // A rule that fires while an error line about a failed payment is in its 3 s window.
  void WritePaymentRule() {
    WriteRule(R"lua(
rule {
  name = "PaymentFailed",
  labels = { severity = "page" },
  annotations = { summary = "{{ $labels.service }}: {{ $value }} failed payments" },
  window = "3s",
  on_log = function(rec)
    if rec.severity >= nightjar.severity.ERROR and nightjar.contains(rec.body, "payment failed") then
      return { service = rec.service }
    end
  end,
}
)lua");
  }

  // Returns the collector's configuration: the webhook notifier `hook` on `hook_port`, the rules
  // directory, and `routes` (YAML items under alerting.routes).
  std::string CollectorConfig(uint16_t hook_port, const std::string& routes) {
    return std::string("plugins:\n  directory: \"\"\n  paths: [") + NJ_WEBHOOK_PLUGIN +
           "]\n  instances:\n    - plugin: webhook\n      name: hook\n"
           "      options: {url: \"http://127.0.0.1:" +
           std::to_string(hook_port) +
           "/hook\", timeout: 5s}\n"
           "rules: {dir: \"" +
           (dir_ / "rules").string() +
           "\", evaluation_interval: 500ms}\n"
           // No batching wait: the tests measure how soon a line becomes a notification.
           "alerting:\n  group_wait: 0s\n  group_interval: 1s\n"
           "  routes:\n" +
           routes;
  }

  void StartCollector(uint16_t hook_port, const std::string& routes = "    - receivers: [hook]\n") {
    collector_ =
        std::make_unique<collector::testing::CollectorProcess>((dir_ / "collector").string());
    ASSERT_TRUE(collector_->Start(CollectorConfig(hook_port, routes))) << collector_->error();
  }

  void StartAgent() {
    std::ofstream(dir_ / "agent.yaml")
        << "state_dir: " << (dir_ / "agent").string() << "\n"
        << "inputs:\n  - name: shop\n    include: [\"" << (dir_ / "logs").string()
        << "/*.log\"]\n    parser: {type: regex, pattern: '^(?<level>[A-Z]+) (?<message>.*)$'}\n"
        << "batch: {timeout: 50ms}\n"
        << "tail: {poll_interval: 100ms}\n"
        << "exporter: {endpoint: \"http://127.0.0.1:" << collector_->otlp_port()
        << "\", retry: {initial_interval: 50ms, max_interval: 500ms}}\n"
        << "metrics: {listen: \"127.0.0.1:0\"}\n";
    agent_ = std::make_unique<agent::testing::AgentProcess>((dir_ / "agent.yaml").string(),
                                                            (dir_ / "agent.log").string());
    ASSERT_TRUE(agent_->Start()) << "the agent did not start; see " << (dir_ / "agent.log");
  }

  void AppendLines(const std::vector<std::string>& lines) {
    std::ofstream out(dir_ / "logs" / "app.log", std::ios::app);
    for (const std::string& line : lines) out << line << "\n";
  }

  fs::path dir_;
  std::unique_ptr<collector::testing::CollectorProcess> collector_;
  std::unique_ptr<agent::testing::AgentProcess> agent_;
};

TEST_F(AlertEndToEnd, ALoggedLineFiresARuleAndTheWebhookHearsFiringThenResolved) {
  WritePaymentRule();
  HookReceiver hook;
  StartCollector(hook.port());
  StartAgent();

  // Lines that must not fire: not an error, or an error about something else.
  AppendLines(
      {"INFO payment failed retry scheduled", "ERROR disk almost full", "INFO checkout ok"});
  AppendLines({"ERROR payment failed for order 42"});

  std::vector<std::string> bodies = hook.WaitFor(1, std::chrono::seconds(30));
  ASSERT_GE(bodies.size(), 1u) << "no notification; collector log:\n" << collector_->log();
  rapidjson::Document firing = Json(bodies[0]);
  ASSERT_FALSE(firing.HasParseError()) << bodies[0];
  EXPECT_STREQ(firing["status"].GetString(), "firing") << bodies[0];
  EXPECT_STREQ(firing["version"].GetString(), "4");
  ASSERT_EQ(firing["alerts"].Size(), 1u) << bodies[0];
  const rapidjson::Value& alert = firing["alerts"][0];
  EXPECT_EQ(Label(alert, "labels", "alertname"), "PaymentFailed");
  EXPECT_EQ(Label(alert, "labels", "service"), "shop");
  EXPECT_EQ(Label(alert, "labels", "severity"), "page");
  EXPECT_EQ(Label(alert, "annotations", "summary"), "shop: 1 failed payments");

  // The API shows it firing.
  collector::testing::HttpResult alerts =
      collector::testing::Get(collector_->api_port(), "/api/v1/alerts?state=firing");
  ASSERT_EQ(alerts.status, 200) << alerts.body;
  rapidjson::Document listed = Json(alerts.body);
  ASSERT_EQ(listed["alerts"].Size(), 1u) << alerts.body;
  EXPECT_EQ(Label(listed["alerts"][0], "labels", "service"), "shop");

  // Once the match has left the 3 s window, the alert resolves and the receiver is told.
  bodies = hook.WaitFor(2, std::chrono::seconds(30));
  ASSERT_GE(bodies.size(), 2u) << "no resolved notification; collector log:\n" << collector_->log();
  rapidjson::Document resolved = Json(bodies[1]);
  EXPECT_STREQ(resolved["status"].GetString(), "resolved") << bodies[1];
  EXPECT_EQ(Label(resolved["alerts"][0], "labels", "service"), "shop");
  // Exactly the two notifications: the non-matching lines fired nothing.
  EXPECT_EQ(hook.WaitFor(3, std::chrono::seconds(2)).size(), 2u);
}

TEST_F(AlertEndToEnd, ARouteAddedByAReloadDeliversTheAlertsAlreadyFiring) {
  WritePaymentRule();
  HookReceiver hook;
  // At first no route reaches the alert: it fires, and nobody hears of it.
  StartCollector(hook.port(), "    - matchers: ['team=\"nobody\"']\n      receivers: [hook]\n");
  StartAgent();
  // A line every 500 ms keeps the alert firing for as long as the test needs.
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    while (writing) {
      AppendLines({"ERROR payment failed for order 7"});
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });
  bool fired = false;
  for (auto deadline = Clock::now() + std::chrono::seconds(30); !fired && Clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(100))) {
    collector::testing::HttpResult alerts =
        collector::testing::Get(collector_->api_port(), "/api/v1/alerts?state=firing");
    fired = alerts.status == 200 && Json(alerts.body)["alerts"].Size() == 1;
  }
  ASSERT_TRUE(fired) << "the alert did not fire; collector log:\n" << collector_->log();
  EXPECT_TRUE(hook.WaitFor(1, std::chrono::seconds(2)).empty());

  // The new configuration routes every alert to the hook; SIGHUP applies it.
  std::ofstream(dir_ / "collector" / "collector.yaml")
      << "data_dir: " << (dir_ / "collector" / "data").string() << "\n"
      << CollectorConfig(hook.port(), "    - receivers: [hook]\n");
  ::kill(collector_->pid(), SIGHUP);
  std::vector<std::string> bodies = hook.WaitFor(1, std::chrono::seconds(30));
  writing = false;
  writer.join();
  ASSERT_GE(bodies.size(), 1u) << "no notification after the reload; collector log:\n"
                               << collector_->log();
  rapidjson::Document firing = Json(bodies[0]);
  EXPECT_STREQ(firing["status"].GetString(), "firing") << bodies[0];
  EXPECT_EQ(Label(firing["alerts"][0], "labels", "alertname"), "PaymentFailed");
  EXPECT_NE(collector_->log().find("configuration reloaded"), std::string::npos);
}

}  // namespace
}  // namespace nightjar
