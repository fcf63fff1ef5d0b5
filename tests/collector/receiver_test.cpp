// Tests of the collector's HTTP surface in-process: the OTLP receiver's answers for every kind
// of request (well-formed in each encoding, malformed, oversized, unsupported, unauthorized,
// refused under backpressure), the query API's answers, and the operational endpoints.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <cstdio>
#include <set>
#include <span>
#include <thread>

#include "alerting/alerts_api.h"
#include "api/openapi.h"
#include "collector.h"
#include "http_client.h"
#include "otlp/codec.h"
#include "otlp/gzip.h"
#include "test_util.h"

namespace nightjar::collector {
namespace {

using testing::Get;
using testing::HttpResult;
using testing::kT0;
using testing::Post;

constexpr const char* kProto = "application/x-protobuf";
constexpr const char* kJson = "application/json";
constexpr const char* kToken = "ingest-token-0123456789";

class ReceiverTest : public ::testing::Test {
 protected:
  void Start(CollectorConfig config) {
    config.data_dir = dir_.path().string();
    config.receiver.listen = {"127.0.0.1", 0};
    config.api.listen = {"127.0.0.1", 0};
    // The tests' records are from 2023: keep them.
    config.retention.logs = config.retention.metrics = std::chrono::hours(24 * 365 * 100);
    collector_ = std::make_unique<Collector>(config);
    Status st = collector_->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
    otlp_ = collector_->otlp_port();
    api_ = collector_->api_port();
  }
  void SetUp() override {
    CollectorConfig c = DefaultConfig();
    c.receiver.max_body_size = 256 << 10;
    Start(c);
  }
  void TearDown() override { collector_->Stop(); }

  double Counter(metrics::Family<metrics::Counter>& family, std::vector<std::string> labels) {
    return family.With(labels).Value();
  }

  rapidjson::Document Json(const HttpResult& r) {
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    EXPECT_FALSE(d.HasParseError()) << r.body;
    return d;
  }

  testing::TempDir dir_;
  std::unique_ptr<Collector> collector_;
  uint16_t otlp_ = 0, api_ = 0;
};

TEST_F(ReceiverTest, StoresLogsInEachEncodingAndAnswersInIt) {
  otlp::LogsData logs = testing::Logs("svc", 3, kT0, "encoded");
  for (auto encoding : {otlp::Encoding::kProtobuf, otlp::Encoding::kJson}) {
    for (bool gzip : {false, true}) {
      std::string body = otlp::EncodeLogs(logs, encoding);
      std::map<std::string, std::string> headers;
      if (gzip) {
        body = otlp::GzipCompress(body);
        headers["Content-Encoding"] = "gzip";
      }
      HttpResult r = Post(otlp_, "/v1/logs", otlp::ContentType(encoding), body, headers);
      ASSERT_EQ(r.status, 200) << r.body << r.error;
      EXPECT_EQ(r.headers["content-type"], otlp::ContentType(encoding));
      auto response = otlp::DecodeResponse(otlp::Signal::kLogs, r.body, encoding);
      ASSERT_TRUE(response.ok()) << response.status().ToString();
      EXPECT_FALSE(response->partial_success.has_value());
    }
  }
  HttpResult page = Get(api_, "/api/v1/logs?q=encoded&limit=100");
  ASSERT_EQ(page.status, 200) << page.body;
  rapidjson::Document d = Json(page);
  ASSERT_EQ(d["logs"].Size(), 12u);
  const auto& first = d["logs"][0];
  EXPECT_STREQ(first["body"].GetString(), "message 2 encoded");
  EXPECT_STREQ(first["service"].GetString(), "svc");
  EXPECT_EQ(first["attributes"]["n"].GetInt(), 2);
  EXPECT_STREQ(first["scope"]["version"].GetString(), "1.0");
  EXPECT_STREQ(first["time_unix_nano"].GetString(), std::to_string(kT0 + 2'000'000).c_str());
  EXPECT_EQ(Counter(collector_->metrics().stored, {"logs"}), 12);
}

TEST_F(ReceiverTest, AcceptsChunkedBodiesWithoutContentLength) {
  testing::HttpRequest req;
  req.method = "POST";
  req.path = "/v1/logs";
  req.headers["Content-Type"] = kProto;
  req.body = otlp::EncodeLogs(testing::Logs("svc", 2, kT0), otlp::Encoding::kProtobuf);
  req.chunked = true;
  HttpResult r = testing::Send(otlp_, req);
  EXPECT_EQ(r.status, 200) << r.body << r.error;
  EXPECT_EQ(Counter(collector_->metrics().stored, {"logs"}), 2);
}

TEST_F(ReceiverTest, ReportsRejectedPointsAsPartialSuccess) {
  otlp::MetricsData data = testing::Gauge("g", 1, 3, kT0);
  std::get<otlp::Gauge>(data.resource_metrics[0].scope_metrics[0].metrics[0].data)
      .data_points[1]
      .value = std::monostate();
  for (auto encoding : {otlp::Encoding::kProtobuf, otlp::Encoding::kJson}) {
    HttpResult r = Post(otlp_, "/v1/metrics", otlp::ContentType(encoding),
                        otlp::EncodeMetrics(data, encoding));
    ASSERT_EQ(r.status, 200) << r.body;
    auto response = otlp::DecodeResponse(otlp::Signal::kMetrics, r.body, encoding);
    ASSERT_TRUE(response.ok());
    ASSERT_TRUE(response->partial_success.has_value());
    EXPECT_EQ(response->partial_success->rejected, 1);
    EXPECT_NE(
        response->partial_success->error_message.find("data_points[1]: the point has no value"),
        std::string::npos);
  }
  EXPECT_EQ(Counter(collector_->metrics().stored, {"metrics"}), 2);  // the retry stored nothing
  EXPECT_EQ(Counter(collector_->metrics().rejected, {"metrics"}), 2);
  HttpResult q = Get(api_, "/api/v1/metrics/query?metric=g&from=" + std::to_string(kT0) +
                               "&to=" + std::to_string(kT0 + 3 * testing::kMinute) + "&agg=sum");
  ASSERT_EQ(q.status, 200) << q.body;
  rapidjson::Document d = Json(q);
  ASSERT_EQ(d["series"].Size(), 1u);
  EXPECT_TRUE(d["series"][0]["values"].IsArray());
}

TEST_F(ReceiverTest, CountsTracesWithoutStoringThem) {
  // An empty ExportTraceServiceRequest is valid protobuf (zero bytes) and valid JSON ({}).
  EXPECT_EQ(Post(otlp_, "/v1/traces", kProto, "").status, 200);
  EXPECT_EQ(
      Post(otlp_, "/v1/traces", kJson,
           R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":)"
           R"("5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"a"}]}]}]})")
          .status,
      200);
  EXPECT_EQ(Counter(collector_->metrics().received, {"traces"}), 1);
  EXPECT_EQ(Post(otlp_, "/v1/traces", kJson, "{\"resourceSpans\": 5}").status, 400);
}

TEST_F(ReceiverTest, RefusesMalformedBodiesWithTheCodecsMessage) {
  struct Case {
    const char* content_type;
    std::string body;
    std::map<std::string, std::string> headers;
    int status;
    const char* message;
  };
  std::string long_varint(12, '\xff');
  const Case kCases[] = {
      {kProto, std::string("\x0a\x05\x0a\x03", 4), {}, 400, "resource_logs"},
      {kProto, "\x0a" + long_varint, {}, 400, ""},
      {kJson, "{\"resourceLogs\": [", {}, 400, ""},
      {kJson,
       "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"abc\"}]}]}]}",
       {},
       400,
       "traceId"},
      {kJson, "[]", {}, 400, ""},
      {kProto, "not gzip at all", {{"Content-Encoding", "gzip"}}, 400, "gzip"},
      {"text/plain", "hello", {}, 415, "Content-Type"},
      {kJson, "{}", {{"Content-Encoding", "br"}}, 415, "Content-Encoding"},
  };
  for (const Case& c : kCases) {
    HttpResult r = Post(otlp_, "/v1/logs", c.content_type, c.body, c.headers);
    EXPECT_EQ(r.status, c.status) << c.body;
    otlp::Encoding reply =
        std::string(c.content_type) == kProto ? otlp::Encoding::kProtobuf : otlp::Encoding::kJson;
    auto status = otlp::DecodeRpcStatus(r.body, reply);
    ASSERT_TRUE(status.ok()) << r.body;
    EXPECT_FALSE(status->message.empty());
    EXPECT_NE(status->message.find(c.message), std::string::npos) << status->message;
  }
  // Still serving.
  EXPECT_EQ(Post(otlp_, "/v1/logs", kProto, "").status, 200);
  EXPECT_GE(Counter(collector_->metrics().refused_requests, {"logs", "malformed"}), 5);
}

TEST_F(ReceiverTest, RefusesOversizedBodiesAlsoAfterDecompression) {
  std::string big(300 << 10, 'x');  // over the 256 KiB limit
  HttpResult r = Post(otlp_, "/v1/logs", kProto, big);
  EXPECT_EQ(r.status, 413);
  testing::HttpRequest chunked;
  chunked.method = "POST";
  chunked.path = "/v1/logs";
  chunked.headers["Content-Type"] = kProto;
  chunked.body = big;
  chunked.chunked = true;
  EXPECT_EQ(testing::Send(otlp_, chunked).status, 413);
  // 2 MiB of zeros compress to a few KiB: under the limit on the wire, over it inflated.
  std::string bomb = otlp::GzipCompress(std::string(2 << 20, '\0'), 9);
  ASSERT_LT(bomb.size(), 256u << 10);
  r = Post(otlp_, "/v1/logs", kProto, bomb, {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(r.status, 413);
  auto status = otlp::DecodeRpcStatus(r.body, otlp::Encoding::kProtobuf);
  ASSERT_TRUE(status.ok());
  EXPECT_NE(status->message.find("decompressed"), std::string::npos);
  EXPECT_EQ(Counter(collector_->metrics().refused_requests, {"logs", "too_large"}), 3);
}

TEST_F(ReceiverTest, AnswersWrongPathsAndMethods) {
  EXPECT_EQ(Post(otlp_, "/v1/profiles", kProto, "").status, 404);
  HttpResult r = Get(otlp_, "/v1/logs");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "POST");
  EXPECT_EQ(Post(api_, "/api/v1/logs", kJson, "{}").status, 405);
}

TEST_F(ReceiverTest, AnswersQueueFullWithRetryAfterAndRecovers) {
  TearDown();
  CollectorConfig c = DefaultConfig();
  c.pipeline.queue_max_bytes = 1 << 20;
  c.receiver.threads = 16;
  Start(c);
  // Hold the write lock from another connection: the writer waits, requests pile up.
  auto blocker = sqlite::Database::Open(dir_.File("nightjar.db"));
  ASSERT_TRUE(blocker.ok());
  ASSERT_TRUE(blocker->Exec("BEGIN IMMEDIATE").ok());
  std::string body = otlp::EncodeLogs(testing::Logs("svc", 400, kT0), otlp::Encoding::kProtobuf);
  std::vector<std::thread> senders;
  std::atomic<int> ok{0}, refused{0}, other{0};
  std::atomic<bool> retry_after{true};
  for (int i = 0; i < 12; ++i) {
    senders.emplace_back([&] {
      HttpResult r = Post(otlp_, "/v1/logs", kProto, body);
      if (r.status == 200) {
        ++ok;
      } else if (r.status == 503) {
        ++refused;
        if (r.headers["retry-after"] != "1") retry_after = false;
      } else {
        ++other;
      }
    });
  }
  ASSERT_TRUE(testing::WaitFor([&] { return refused.load() > 0; }));
  EXPECT_EQ(Get(otlp_, "/healthz").status, 200);  // still responsive
  ASSERT_TRUE(blocker->Exec("COMMIT").ok());
  for (auto& t : senders) t.join();
  EXPECT_GT(ok.load(), 0);
  EXPECT_GT(refused.load(), 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_TRUE(retry_after.load());
  EXPECT_EQ(Counter(collector_->metrics().refused_requests, {"logs", "queue_full"}),
            refused.load());
  EXPECT_EQ(Counter(collector_->metrics().stored, {"logs"}), ok.load() * 400);
  EXPECT_EQ(collector_->pipeline().queue().bytes(), 0u);
}

TEST_F(ReceiverTest, RequiresTokensWhenConfigured) {
  TearDown();
  CollectorConfig c = DefaultConfig();
  c.auth.ingest_tokens = {kToken};
  c.auth.api_tokens = {"api-token-0123456789"};
  Start(c);
  std::string body = otlp::EncodeLogs(testing::Logs("svc", 1, kT0), otlp::Encoding::kProtobuf);
  HttpResult r = Post(otlp_, "/v1/logs", kProto, body);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers["www-authenticate"], "Bearer");
  EXPECT_EQ(Post(otlp_, "/v1/logs", kProto, body, {{"Authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(
      Post(otlp_, "/v1/logs", kProto, body, {{"Authorization", std::string("Bearer ") + kToken}})
          .status,
      200);
  EXPECT_EQ(Get(api_, "/api/v1/logs").status, 401);
  EXPECT_EQ(Get(api_, "/api/v1/logs", {{"Authorization", std::string("Bearer ") + kToken}}).status,
            401);  // an ingest token is not an API token
  EXPECT_EQ(Get(api_, "/api/v1/logs", {{"Authorization", "Bearer api-token-0123456789"}}).status,
            200);
  EXPECT_EQ(Get(api_, "/healthz").status, 200);  // operational endpoints stay open
  EXPECT_EQ(Counter(collector_->metrics().unauthorized, {"ingest"}), 2);
  EXPECT_EQ(Counter(collector_->metrics().unauthorized, {"api"}), 2);
}

TEST_F(ReceiverTest, ApiNamesTheBadParameter) {
  const std::pair<const char*, const char*> kCases[] = {
      {"/api/v1/logs?limit=0", "limit: must be between 1 and 1000"},
      {"/api/v1/logs?from=yesterday", "from: expected"},
      {"/api/v1/logs?severity_min=loud", "severity_min: expected"},
      {"/api/v1/logs?cursor=abc", "cursor: expected an integer"},
      {"/api/v1/logs?colour=red", "colour: unknown parameter"},
      {"/api/v1/logs?fts=AND%20(", "fts: "},
      {"/api/v1/logs?q=%zz", "q: malformed percent-encoding"},
      {"/api/v1/logs/context", "id: required"},
      {"/api/v1/logs/context?id=1&by=host", "by: expected stream or file"},
      {"/api/v1/logs/volume?step=1s&from=now-30d", "step: "},
      {"/api/v1/metrics/query", "metric: required"},
      {"/api/v1/metrics/query?metric=a&agg=median", "agg: expected avg"},
      {"/api/v1/metrics/query?metric=a&from=now&to=now-1h", "to: must be after from"},
      {"/api/v1/metrics/series", "metric: required"},
      {"/api/v1/metrics/histogram?metric=a&bins=0", "bins: must be between 1 and 1000"},
  };
  for (const auto& [path, message] : kCases) {
    HttpResult r = Get(api_, path);
    EXPECT_EQ(r.status, 400) << path << " " << r.body;
    rapidjson::Document d = Json(r);
    ASSERT_TRUE(d.IsObject() && d.HasMember("error")) << r.body;
    EXPECT_NE(std::string(d["error"].GetString()).find(message), std::string::npos)
        << path << ": " << d["error"].GetString();
  }
  EXPECT_EQ(Get(api_, "/api/v1/logs/context?id=42").status, 404);
}

TEST_F(ReceiverTest, ServesLogContextVolumeAndMetricQueries) {
  ASSERT_EQ(Post(otlp_, "/v1/logs", kProto,
                 otlp::EncodeLogs(testing::Logs("svc", 10, kT0), otlp::Encoding::kProtobuf))
                .status,
            200);
  ASSERT_EQ(Post(otlp_, "/v1/metrics", kProto,
                 otlp::EncodeMetrics(testing::Gauge("cpu", 2, 5, kT0), otlp::Encoding::kProtobuf))
                .status,
            200);
  rapidjson::Document page = Json(Get(api_, "/api/v1/logs?limit=4&severity_min=warn"));
  ASSERT_EQ(page["logs"].Size(), 4u);
  ASSERT_TRUE(page["next_cursor"].IsString());
  rapidjson::Document next =
      Json(Get(api_, std::string("/api/v1/logs?limit=4&severity_min=warn&cursor=") +
                         page["next_cursor"].GetString()));
  ASSERT_EQ(next["logs"].Size(), 2u);
  EXPECT_TRUE(next["next_cursor"].IsNull());
  std::string id = page["logs"][1]["id"].GetString();
  rapidjson::Document ctx = Json(Get(api_, "/api/v1/logs/context?before=2&after=2&id=" + id));
  EXPECT_EQ(ctx["before"].Size(), 2u);
  EXPECT_STREQ(ctx["record"]["id"].GetString(), id.c_str());
  rapidjson::Document volume =
      Json(Get(api_, "/api/v1/logs/volume?by=severity&step=1m&from=" + std::to_string(kT0) +
                         "&to=" + std::to_string(kT0 + testing::kMinute)));
  ASSERT_EQ(volume["series"].Size(), 3u);
  EXPECT_EQ(volume["buckets"].GetInt(), 2);  // kT0 is 20 s into its minute
  rapidjson::Document metrics = Json(Get(api_, "/api/v1/metrics"));
  ASSERT_EQ(metrics["metrics"].Size(), 1u);
  EXPECT_EQ(metrics["metrics"][0]["series"].GetInt(), 2);
  rapidjson::Document series = Json(Get(api_, "/api/v1/metrics/series?metric=cpu&attr.series=1"));
  ASSERT_EQ(series["series"].Size(), 1u);
  EXPECT_STREQ(series["series"][0]["attributes"]["series"].GetString(), "1");
  std::string range = "&from=" + std::to_string(kT0 - kT0 % testing::kMinute) +
                      "&to=" + std::to_string(kT0 - kT0 % testing::kMinute + 5 * testing::kMinute);
  rapidjson::Document q =
      Json(Get(api_, "/api/v1/metrics/query?metric=cpu&agg=max&step=10m&group_by=series" + range));
  ASSERT_EQ(q["series"].Size(), 2u);
  EXPECT_STREQ(q["series"][1]["group"]["series"].GetString(), "1");
  EXPECT_EQ(q["series"][1]["values"][0].GetDouble(), 104);
  rapidjson::Document h = Json(Get(api_, "/api/v1/metrics/histogram?metric=cpu&bins=2" + range));
  EXPECT_EQ(h["total"].GetInt(), 10);
  EXPECT_EQ(h["bins"].Size(), 2u);
}

TEST_F(ReceiverTest, ServesHealthReadinessAndValidPrometheusMetrics) {
  EXPECT_EQ(Get(otlp_, "/healthz").body, "ok\n");
  EXPECT_EQ(Get(api_, "/readyz").status, 200);
  ASSERT_EQ(Post(otlp_, "/v1/logs", kProto,
                 otlp::EncodeLogs(testing::Logs("svc", 2, kT0), otlp::Encoding::kProtobuf))
                .status,
            200);
  HttpResult m = Get(api_, "/metrics");
  ASSERT_EQ(m.status, 200);
  for (const char* name :
       {"nightjar_collector_received_items_total{signal=\"logs\"} 2",
        "nightjar_collector_stored_items_total{signal=\"logs\"} 2",
        "nightjar_collector_queue_bytes", "nightjar_collector_commit_duration_seconds_bucket",
        "nightjar_http_requests_total{handler=\"otlp_logs\",code=\"200\"} 1",
        "nightjar_collector_database_bytes"}) {
    EXPECT_NE(m.body.find(name), std::string::npos) << name;
  }
  // The same check with plugins loaded is in plugins_test.cpp.
  std::string output;
  EXPECT_EQ(testing::RunPromtool(NJ_PROMTOOL, m.body, &output), 0)
      << "promtool (" << NJ_PROMTOOL << "): " << output;
}

// The hooks the plugin host uses: an enricher labels records before they are stored, an
// observer sees committed points.
class TemplateLabeler : public LogEnricher {
 public:
  void Enrich(LogBatch& batch, const otlp::LogsData*) override {
    for (LogRow& r : batch.logs) r.labels.emplace_back("template", "message <*>");
  }
};

class PointCounter : public CommitObserver {
 public:
  void OnPointsCommitted(std::span<const CommittedPoint> points) override { seen += points.size(); }
  std::atomic<size_t> seen{0};
};

TEST_F(ReceiverTest, RunsEnrichersBeforeStoringAndObserversAfterCommitting) {
  TearDown();
  testing::TempDir dir;
  CollectorConfig c = DefaultConfig();
  c.data_dir = dir.path().string();
  c.receiver.listen = c.api.listen = {"127.0.0.1", 0};
  c.retention.logs = c.retention.metrics = std::chrono::hours(24 * 365 * 100);
  collector_ = std::make_unique<Collector>(c);
  auto counter = std::make_shared<PointCounter>();
  collector_->AddLogEnricher(std::make_shared<TemplateLabeler>());
  collector_->AddCommitObserver(counter);
  ASSERT_TRUE(collector_->Start().ok());
  uint16_t otlp = collector_->otlp_port(), api = collector_->api_port();
  ASSERT_EQ(Post(otlp, "/v1/logs", kProto,
                 otlp::EncodeLogs(testing::Logs("svc", 3, kT0), otlp::Encoding::kProtobuf))
                .status,
            200);
  ASSERT_EQ(Post(otlp, "/v1/metrics", kProto,
                 otlp::EncodeMetrics(testing::Gauge("g", 2, 2, kT0), otlp::Encoding::kProtobuf))
                .status,
            200);
  // Observers run right after the commit, on the writer thread; the 200 may come first.
  EXPECT_TRUE(testing::WaitFor([&] { return counter->seen.load() == 4u; }));
  rapidjson::Document d = Json(Get(api, "/api/v1/logs?label.template=message%20%3C*%3E"));
  ASSERT_EQ(d["logs"].Size(), 3u);
  EXPECT_STREQ(d["logs"][0]["labels"]["template"].GetString(), "message <*>");
}

TEST(OpenApi, DocumentsEveryRoute) {
  rapidjson::Document d;
  std::string_view doc = OpenApiDocument();
  d.Parse(doc.data(), doc.size());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["openapi"].GetString(), "3.0.3");
  std::vector<std::pair<std::string, std::string>> routes = QueryApi::Routes();
  for (const auto& route : alerting::AlertRoutes()) routes.push_back(route);
  // Collector::RegisterRulesRoutes.
  routes.emplace_back("GET", "/api/v1/rules");
  routes.emplace_back("POST", "/api/v1/rules/reload");
  std::set<std::string> paths;
  for (const auto& [method, path] : routes) {
    paths.insert(path);
    ASSERT_TRUE(d["paths"].HasMember(path.c_str())) << path;
    std::string lower = method;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(d["paths"][path.c_str()].HasMember(lower.c_str())) << method << " " << path;
  }
  EXPECT_EQ(d["paths"].MemberCount(), paths.size());
}

}  // namespace
}  // namespace nightjar::collector
