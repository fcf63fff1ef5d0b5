// The webhook notifier's payload against the one it imitates: a real Prometheus Alertmanager
// (Debian's prometheus-alertmanager) is given an alert and posts its own webhook (version 4) to
// a local HTTP server; the webhook plugin posts the same alert there too. Both bodies must
// have the same shape — the same keys at every level, with values of the same JSON types — so
// that a receiver written for Alertmanager reads Nightjar's unchanged.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <mutex>
#include <vector>

#include "alertmanager_process.h"
#include "notifier_test_support.h"
#include "plugin_test_support.h"
#include "runtime/http_server.h"

namespace nightjar::plugins {
namespace {

using testing::Scalars;

// Returns the shape of a JSON value: its type, and for objects the keys and shapes of their
// values. Label and annotation sets are maps whose keys depend on the alert, so only their
// being objects of strings counts.
std::string Shape(const rapidjson::Value& v, bool map_of_strings = false) {
  if (v.IsString()) return "string";
  if (v.IsNumber()) return "number";
  if (v.IsBool()) return "bool";
  if (v.IsNull()) return "null";
  if (v.IsArray()) return "[" + (v.Empty() ? std::string() : Shape(v[0])) + "]";
  if (map_of_strings) {
    for (const auto& m : v.GetObject()) {
      if (!m.value.IsString()) return "map with a non-string value";
    }
    return "map of strings";
  }
  std::map<std::string, std::string> fields;
  for (const auto& m : v.GetObject()) {
    std::string key = m.name.GetString();
    bool is_map = key == "labels" || key == "annotations" || key == "groupLabels" ||
                  key == "commonLabels" || key == "commonAnnotations";
    fields[key] = Shape(m.value, is_map);
  }
  std::string out = "{";
  for (const auto& [key, shape] : fields) out += key + ": " + shape + ", ";
  return out + "}";
}

TEST(WebhookCompatibility, PayloadHasTheShapeOfAlertmanagersOwnWebhook) {
  std::mutex mutex;
  std::map<std::string, std::vector<std::string>> bodies;
  HttpServer receiver(HttpServerOptions{});
  receiver.Route("POST", "/hooks/*", [&](auto& request, auto& response) {
    std::string body = HttpServer::ReadBody(request, 1 << 20).value_or("");
    std::lock_guard<std::mutex> lock(mutex);
    bodies[request.getURI()].push_back(body);
    HttpServer::Send(response, 200, "text/plain", "ok");
  });
  ASSERT_TRUE(receiver.Start().ok());
  std::string hooks = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hooks/";
  auto received = [&](const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex);
    return bodies["/hooks/" + path];
  };

  testing::TempDir dir;
  testing::AlertmanagerProcess alertmanager(
      dir.path(),
      "route:\n  receiver: hook\n  group_by: [alertname]\n  group_wait: 0s\n"
      "receivers:\n  - name: hook\n    webhook_configs:\n      - url: " +
          hooks + "alertmanager\n");
  ASSERT_NE(alertmanager.port(), 0) << alertmanager.problem();

  Notification n = testing::SampleNotification();
  n.alerts.resize(1);  // one firing alert
  auto pusher = testing::StartNotifier("alertmanager", Scalars({{"url", alertmanager.Url()}}));
  NotifyOutcome pushed = testing::Deliver(*pusher, n);
  ASSERT_EQ(pushed.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(pushed);
  ASSERT_TRUE(testing::WaitUntil([&] { return !received("alertmanager").empty(); },
                                 std::chrono::seconds(30)))
      << "Alertmanager sent no webhook";

  auto webhook = testing::StartNotifier("webhook", Scalars({{"url", hooks + "nightjar"}}));
  NotifyOutcome posted = testing::Deliver(*webhook, n);
  ASSERT_EQ(posted.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(posted);

  rapidjson::Document theirs;
  rapidjson::Document ours;
  std::string their_body = received("alertmanager").front();
  std::string our_body = received("nightjar").front();
  ASSERT_FALSE(theirs.Parse(their_body.c_str()).HasParseError()) << their_body;
  ASSERT_FALSE(ours.Parse(our_body.c_str()).HasParseError()) << our_body;
  EXPECT_EQ(Shape(ours), Shape(theirs)) << "ours: " << our_body << "\ntheirs: " << their_body;
  EXPECT_STREQ(ours["version"].GetString(), theirs["version"].GetString());
  EXPECT_STREQ(ours["status"].GetString(), theirs["status"].GetString());
  EXPECT_STREQ(ours["alerts"][0]["status"].GetString(), theirs["alerts"][0]["status"].GetString());
  EXPECT_STREQ(ours["alerts"][0]["labels"]["host"].GetString(),
               theirs["alerts"][0]["labels"]["host"].GetString());
  EXPECT_STREQ(ours["alerts"][0]["endsAt"].GetString(), theirs["alerts"][0]["endsAt"].GetString());
  EXPECT_STREQ(ours["alerts"][0]["generatorURL"].GetString(),
               theirs["alerts"][0]["generatorURL"].GetString());
}

}  // namespace
}  // namespace nightjar::plugins
