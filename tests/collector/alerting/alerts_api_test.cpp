// The alerting REST endpoints (collector/alerting/alerts_api.h) on a real HttpServer on a
// loopback port, called with a real HTTP client.
#include "alerting/alerts_api.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "alerting_test_util.h"
#include "http_client.h"

namespace nightjar::collector::alerting {
namespace {

using collector::testing::HttpRequest;
using collector::testing::HttpResult;
using testing::Fixture;
using testing::minutes;
using testing::Rule;
using testing::Sample;

constexpr const char* kToken = "Bearer 0123456789abcdef";

class AlertsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_.Open();
    f_.manager->SetRules({Rule("cpu", minutes(5)), Rule("disk")});
    f_.Eval("cpu", {Sample({{"host", "web-1"}, {"severity", "critical"}}),
                    Sample({{"host", "web-2"}, {"severity", "warning"}})});
    f_.Eval("disk", {Sample({{"host", "db-1"}}, AlertSample::Condition::kActive, 93.5,
                            {{"summary", "disk 93.5% full"}})});
    AlertsApiHooks hooks;
    hooks.authorize = [](std::string_view authorization) { return authorization == kToken; };
    hooks.observe = [this](const std::string& handler, int status, double) {
      std::lock_guard<std::mutex> lock(mutex_);
      observed_.emplace_back(handler, status);
    };
    RegisterAlertRoutes(server_, *f_.manager, hooks);
    ASSERT_TRUE(server_.Start().ok());
  }
  void TearDown() override { server_.Stop(); }

  HttpResult Call(const std::string& method, const std::string& path, const std::string& body = "",
                  bool auth = true) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    if (auth) r.headers["Authorization"] = kToken;
    if (!body.empty()) r.headers["Content-Type"] = "application/json";
    return collector::testing::Send(server_.port(), r);
  }

  static rapidjson::Document Json(const HttpResult& r) {
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    EXPECT_FALSE(d.HasParseError()) << r.body;
    return d;
  }

  static std::vector<std::string> Names(const HttpResult& r, const char* key = "alerts") {
    std::vector<std::string> out;
    rapidjson::Document d = Json(r);
    if (!d.IsObject() || !d.HasMember(key)) return out;
    for (const auto& a : d[key].GetArray()) {
      out.push_back(std::string(a["labels"]["alertname"].GetString()) + "/" +
                    a["labels"]["host"].GetString());
    }
    return out;
  }

  Fixture f_;
  HttpServer server_{HttpServerOptions{}};
  std::mutex mutex_;
  std::vector<std::pair<std::string, int>> observed_;
};

TEST_F(AlertsApiTest, RefusesRequestsWithoutTheToken) {
  HttpResult r = Call("GET", "/api/v1/alerts", "", /*auth=*/false);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers["www-authenticate"], "Bearer");
  EXPECT_NE(r.body.find("bearer token"), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/silences", "{}", false).status, 401);
  std::lock_guard<std::mutex> lock(mutex_);
  ASSERT_FALSE(observed_.empty());
  EXPECT_EQ(observed_.front(), std::make_pair(std::string("api_alerts"), 401));
}

TEST_F(AlertsApiTest, ListsAlertsWithFilters) {
  HttpResult r = Call("GET", "/api/v1/alerts");
  ASSERT_EQ(r.status, 200) << r.body;
  // Firing first, then pending.
  EXPECT_EQ(Names(r), (std::vector<std::string>{"disk/db-1", "cpu/web-1", "cpu/web-2"}));
  rapidjson::Document d = Json(r);
  const auto& disk = d["alerts"][0];
  EXPECT_STREQ(disk["state"].GetString(), "firing");
  EXPECT_STREQ(disk["rule_file"].GetString(), "disk.lua");
  EXPECT_EQ(disk["value"].GetDouble(), 93.5);
  EXPECT_STREQ(disk["annotations"]["summary"].GetString(), "disk 93.5% full");
  EXPECT_STREQ(disk["fired_at"].GetString(), "2023-11-14T22:13:20.000Z");
  EXPECT_TRUE(disk["acknowledged"].IsNull());

  EXPECT_EQ(Names(Call("GET", "/api/v1/alerts?state=pending")),
            (std::vector<std::string>{"cpu/web-1", "cpu/web-2"}));
  EXPECT_EQ(Names(Call("GET", "/api/v1/alerts?state=firing,pending&rule=cpu&label.host=web-2")),
            (std::vector<std::string>{"cpu/web-2"}));
  EXPECT_EQ(Names(Call("GET", "/api/v1/alerts?match=severity%3D~crit.*")),
            (std::vector<std::string>{"cpu/web-1"}));
  EXPECT_EQ(Names(Call("GET", "/api/v1/alerts?match=host!~web-.*")),
            (std::vector<std::string>{"disk/db-1"}));
  EXPECT_TRUE(Names(Call("GET", "/api/v1/alerts?acknowledged=true")).empty());

  r = Call("GET", "/api/v1/alerts?state=burning");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("state: expected pending, firing or resolved"), std::string::npos);
  r = Call("GET", "/api/v1/alerts?colour=red");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("colour: unknown parameter"), std::string::npos);
  r = Call("GET", "/api/v1/alerts?match=host%3D~(");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("match: "), std::string::npos) << r.body;
}

TEST_F(AlertsApiTest, AcknowledgesResolvesAndShowsHistory) {
  std::string fp = Fixture::Fp("disk", {{"host", "db-1"}});
  HttpResult r =
      Call("POST", "/api/v1/alerts/" + fp + "/ack", R"({"by": "alice", "comment": "looking"})");
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document d = Json(r);
  EXPECT_STREQ(d["alert"]["acknowledged"]["by"].GetString(), "alice");
  EXPECT_STREQ(d["alert"]["acknowledged"]["comment"].GetString(), "looking");
  EXPECT_EQ(Names(Call("GET", "/api/v1/alerts?acknowledged=true")),
            (std::vector<std::string>{"disk/db-1"}));

  r = Call("DELETE", "/api/v1/alerts/" + fp + "/ack");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Json(r)["alert"]["acknowledged"].IsNull());

  r = Call("POST", "/api/v1/alerts/" + fp + "/resolve", R"({"by": "bob", "comment": "freed"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_STREQ(Json(r)["alert"]["state"].GetString(), "resolved");
  r = Call("POST", "/api/v1/alerts/" + fp + "/resolve", R"({"by": "bob"})");
  EXPECT_EQ(r.status, 409) << r.body;
  r = Call("POST", "/api/v1/alerts/" + fp + "/ack", R"({"by": "bob"})");
  EXPECT_EQ(r.status, 409) << r.body;

  r = Call("GET", "/api/v1/alerts/" + fp + "?history_limit=10");
  ASSERT_EQ(r.status, 200) << r.body;
  d = Json(r);
  EXPECT_STREQ(d["alert"]["fingerprint"].GetString(), fp.c_str());
  const auto& history = d["history"];
  ASSERT_EQ(history.Size(), 4u);  // newest first
  EXPECT_STREQ(history[0]["event"].GetString(), "state");
  EXPECT_STREQ(history[0]["to"].GetString(), "resolved");
  EXPECT_STREQ(history[0]["actor"].GetString(), "bob");
  EXPECT_STREQ(history[1]["event"].GetString(), "unacknowledged");
  EXPECT_STREQ(history[2]["event"].GetString(), "acknowledged");
  EXPECT_STREQ(history[3]["to"].GetString(), "firing");
}

TEST_F(AlertsApiTest, MalformedRequestsGetMessagesNamingTheField) {
  std::string fp = Fixture::Fp("disk", {{"host", "db-1"}});
  struct Case {
    std::string method, path, body, expected;
    int status;
  };
  const Case cases[] = {
      {"POST", "/api/v1/alerts/" + fp + "/ack", "", "body: expected a JSON object", 400},
      {"POST", "/api/v1/alerts/" + fp + "/ack", "{\"by\": ", "body: not valid JSON", 400},
      {"POST", "/api/v1/alerts/" + fp + "/ack", "[1]", "body: expected a JSON object", 400},
      {"POST", "/api/v1/alerts/" + fp + "/ack", "{}", "by: required", 400},
      {"POST", "/api/v1/alerts/" + fp + "/ack", "{\"by\": 7}", "by: expected a string", 400},
      {"POST", "/api/v1/alerts/" + fp + "/ack", "{\"by\": \"a\", \"who\": 1}", "who: unknown field",
       400},
      {"POST", "/api/v1/alerts/0000000000000000/ack", "{\"by\": \"a\"}", "no alert", 404},
      {"GET", "/api/v1/alerts/0000000000000000", "", "no alert", 404},
      {"POST", "/api/v1/alerts/" + fp + "/snooze", "{}", "no POST endpoint", 404},
      {"POST", "/api/v1/silences", "{\"created_by\": \"a\", \"duration\": \"1h\"}",
       "matchers: required", 400},
      {"POST", "/api/v1/silences",
       "{\"matchers\": [\"a=b\", {\"name\": \"x\", \"op\": \"~~\"}], \"created_by\": \"a\", "
       "\"duration\": \"1h\"}",
       "matchers[1].op: unknown matcher operator", 400},
      {"POST", "/api/v1/silences", "{\"matchers\": [\"a=b\"], \"created_by\": \"a\"}",
       "ends_at: required", 400},
      {"POST", "/api/v1/silences",
       "{\"matchers\": [\"a=b\"], \"created_by\": \"a\", \"ends_at\": \"tomorrow\"}",
       "ends_at: expected an RFC 3339 time", 400},
      {"POST", "/api/v1/silences",
       "{\"matchers\": [\"a=b\"], \"created_by\": \"a\", \"duration\": \"soon\"}",
       "duration: expected a positive duration", 400},
      {"POST", "/api/v1/silences", "{\"matchers\": [\"a=b\"], \"duration\": \"1h\"}",
       "created_by: required", 400},
      {"POST", "/api/v1/silences",
       "{\"id\": \"nope\", \"matchers\": [\"a=b\"], \"created_by\": \"a\", \"duration\": \"1h\"}",
       "no silence with id nope", 404},
      {"GET", "/api/v1/silences/nope", "", "no silence with id nope", 404},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path + " " + c.body);
    HttpResult r = Call(c.method, c.path, c.body);
    EXPECT_EQ(r.status, c.status) << r.body;
    rapidjson::Document d = Json(r);
    ASSERT_TRUE(d.IsObject() && d.HasMember("error")) << r.body;
    EXPECT_NE(std::string(d["error"].GetString()).find(c.expected), std::string::npos) << r.body;
  }
  // Methods the router does not know for a path: 405 with Allow.
  HttpResult r = Call("PUT", "/api/v1/silences", "{}");
  EXPECT_EQ(r.status, 405);
}

TEST_F(AlertsApiTest, CreatesListsExpiresAndDeletesSilences) {
  HttpResult r = Call("POST", "/api/v1/silences", R"({
      "matchers": ["host=~web-.*", {"name": "severity", "value": "critical"}],
      "duration": "2h", "created_by": "alice", "comment": "maintenance"})");
  ASSERT_EQ(r.status, 201) << r.body;
  rapidjson::Document d = Json(r);
  std::string id = d["silence"]["id"].GetString();
  EXPECT_EQ(id.size(), 32u);
  EXPECT_STREQ(d["silence"]["state"].GetString(), "active");
  EXPECT_STREQ(d["silence"]["matchers"][0]["op"].GetString(), "=~");
  EXPECT_STREQ(d["silence"]["ends_at"].GetString(), "2023-11-15T00:13:20.000Z");

  // The alert it covers shows it.
  d = Json(Call("GET", "/api/v1/alerts?silenced=true"));
  ASSERT_EQ(d["alerts"].Size(), 1u);
  EXPECT_STREQ(d["alerts"][0]["silenced_by"][0].GetString(), id.c_str());

  // A pending silence (starting later) given by start and end times, and an update.
  r = Call("POST", "/api/v1/silences", R"({"matchers": [{"name": "host", "value": "db-1",
      "isRegex": false, "isEqual": false}], "starts_at": "2023-11-15T00:00:00Z",
      "ends_at": "2023-11-15T01:00:00+01:00", "created_by": "bob"})");
  ASSERT_EQ(r.status, 400) << r.body;  // 01:00+01:00 is 00:00Z: not after the start
  EXPECT_NE(r.body.find("ends_at: must be after starts_at"), std::string::npos);
  r = Call("POST", "/api/v1/silences", R"({"matchers": [{"name": "host", "value": "db-1",
      "isRegex": false, "isEqual": false}], "starts_at": "2023-11-15T00:00:00Z",
      "ends_at": "2023-11-15T02:00:00+01:00", "created_by": "bob"})");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string later = Json(r)["silence"]["id"].GetString();
  EXPECT_STREQ(Json(r)["silence"]["state"].GetString(), "pending");
  EXPECT_STREQ(Json(r)["silence"]["matchers"][0]["op"].GetString(), "!=");
  r = Call("POST", "/api/v1/silences",
           R"({"id": ")" + later +
               R"(", "matchers": ["host=db-2"], "duration": "1h", "created_by": "bob"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_STREQ(Json(r)["silence"]["matchers"][0]["value"].GetString(), "db-2");

  d = Json(Call("GET", "/api/v1/silences?state=active"));
  ASSERT_EQ(d["silences"].Size(), 2u);
  r = Call("GET", "/api/v1/silences/" + id);
  ASSERT_EQ(r.status, 200);
  EXPECT_STREQ(Json(r)["silence"]["comment"].GetString(), "maintenance");

  r = Call("DELETE", "/api/v1/silences/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_STREQ(Json(r)["silence"]["state"].GetString(), "expired");
  EXPECT_EQ(Json(Call("GET", "/api/v1/silences?state=expired"))["silences"].Size(), 1u);
  EXPECT_EQ(Json(Call("GET", "/api/v1/alerts?silenced=true"))["alerts"].Size(), 0u);
  r = Call("DELETE", "/api/v1/silences/" + id + "?purge=true");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Call("GET", "/api/v1/silences/" + id).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/silences?state=sleeping").status, 400);
}

}  // namespace
}  // namespace nightjar::collector::alerting

namespace nightjar::collector::alerting {
namespace {

// GET /api/v1/notifications: what the routes queued, with state and attempts, filterable.
TEST(NotificationsApi, ListsQueuedNotificationsAndFiltersThem) {
  testing::Fixture f;
  AlertingConfig config = testing::Ungrouped();
  Route route;
  route.receivers = {"oncall"};
  config.routes.push_back(route);
  // No plugin host: notifications stay queued (pending), which is what is listed.
  f.Open(config);
  f.manager->SetRules({testing::Rule("disk")});
  f.Eval("disk", {testing::Sample({{"host", "db-1"}})});
  HttpServer server{HttpServerOptions{}};
  RegisterAlertRoutes(server, *f.manager, {});
  ASSERT_TRUE(server.Start().ok());

  HttpResult all = collector::testing::Get(server.port(), "/api/v1/notifications");
  ASSERT_EQ(all.status, 200) << all.body;
  rapidjson::Document d;
  d.Parse(all.body.c_str());
  ASSERT_EQ(d["notifications"].Size(), 1u) << all.body;
  const rapidjson::Value& n = d["notifications"][0];
  EXPECT_STREQ(n["receiver"].GetString(), "oncall");
  EXPECT_STREQ(n["status"].GetString(), "firing");
  EXPECT_STREQ(n["state"].GetString(), "pending");
  EXPECT_EQ(n["attempts"].GetUint(), 0u);
  EXPECT_EQ(n["fingerprints"].Size(), 1u);

  HttpResult none = collector::testing::Get(server.port(), "/api/v1/notifications?state=delivered");
  d.Parse(none.body.c_str());
  EXPECT_EQ(d["notifications"].Size(), 0u) << none.body;
  none = collector::testing::Get(server.port(), "/api/v1/notifications?receiver=other");
  d.Parse(none.body.c_str());
  EXPECT_EQ(d["notifications"].Size(), 0u) << none.body;

  HttpResult bad = collector::testing::Get(server.port(), "/api/v1/notifications?state=lost");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("state: expected"), std::string::npos) << bad.body;
  bad = collector::testing::Get(server.port(), "/api/v1/notifications?limit=0");
  EXPECT_EQ(bad.status, 400);
  server.Stop();
}

TEST(AlertsApiInhibition, ListsInhibitedAlertsWithTheirSources) {
  testing::Fixture f;
  AlertingConfig config;
  InhibitRule rule;
  rule.source.push_back(*LabelMatcher::Parse("severity=critical"));
  rule.target.push_back(*LabelMatcher::Parse("severity=warning"));
  config.inhibit_rules.push_back(rule);
  f.Open(config);
  f.manager->SetRules({testing::Rule("cpu")});
  f.Eval("cpu", {testing::Sample({{"host", "web-1"}, {"severity", "critical"}}),
                 testing::Sample({{"host", "web-2"}, {"severity", "warning"}})});
  HttpServer server{HttpServerOptions{}};
  RegisterAlertRoutes(server, *f.manager, {});
  ASSERT_TRUE(server.Start().ok());
  HttpResult r = collector::testing::Get(server.port(), "/api/v1/alerts");
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_EQ(d["alerts"].Size(), 2u) << r.body;
  std::string source = testing::Fixture::Fp("cpu", {{"host", "web-1"}, {"severity", "critical"}});
  for (const auto& a : d["alerts"].GetArray()) {
    ASSERT_TRUE(a.HasMember("inhibited_by")) << r.body;
    if (std::string(a["labels"]["severity"].GetString()) == "warning") {
      ASSERT_EQ(a["inhibited_by"].Size(), 1u) << r.body;
      EXPECT_EQ(a["inhibited_by"][0].GetString(), source);
    } else {
      EXPECT_EQ(a["inhibited_by"].Size(), 0u) << r.body;
    }
  }
  server.Stop();
}

}  // namespace
}  // namespace nightjar::collector::alerting
