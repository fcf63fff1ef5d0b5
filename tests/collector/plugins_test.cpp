// In-process tests of the plugins on the collector's ingest path, with the real severity, zscore
// and webhook plugins (and the host's C fixture classifier, whose hook fails on demand) loaded
// from their build outputs: classification before storing (severity, labels, attributes,
// filterable through the API), detection after committing (anomalies stored, queried and
// observed; points dropped rather than ingestion held up), a plugin file that cannot be loaded,
// the plugins endpoint, /metrics with plugins loaded, and notifiers reached through the
// collector's plugin host.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "collector.h"
#include "http_client.h"
#include "otlp/codec.h"
#include "test_util.h"

namespace nightjar::collector {
namespace {

using testing::Get;
using testing::HttpResult;
using testing::kMinute;
using testing::kT0;
using testing::Post;

constexpr const char* kProto = "application/x-protobuf";

// The instances most tests run: the severity classifier with its defaults, and a zscore
// detector that scores a series from its 10th point.
constexpr const char* kInstances = R"(    - plugin: severity
    - plugin: zscore
      name: spikes
      options: {warmup: 10, window: 30}
)";

rapidjson::Document Json(const HttpResult& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  EXPECT_FALSE(d.HasParseError()) << r.status << " " << r.body;
  return d;
}

// Returns a record with `body`, severity `number`/`text` and attribute n = `n`.
otlp::LogRecord Record(const std::string& body, int32_t number, const std::string& text, int n) {
  otlp::LogRecord r;
  r.time_unix_nano = kT0 + static_cast<uint64_t>(n) * 1'000'000;
  r.body = otlp::AnyValue(body);
  r.severity_number = number;
  r.severity_text = text;
  r.attributes = {{"n", otlp::AnyValue(int64_t{n})}};
  return r;
}

otlp::LogsData Request(std::vector<otlp::LogRecord> records) {
  otlp::LogsData logs = testing::Logs("svc", 0, kT0);
  logs.resource_logs[0].scope_logs[0].log_records = std::move(records);
  return logs;
}

// Values a zscore detector takes for normal: 10, 11, 10, 11, ...
std::vector<double> Calm(size_t n) {
  std::vector<double> v;
  for (size_t i = 0; i < n; ++i) v.push_back(i % 2 == 0 ? 10 : 11);
  return v;
}

// Remembers the anomalies it is told about; optionally holds the detection thread in the first
// call until released.
class AnomalyRecorder : public AnomalyObserver {
 public:
  explicit AnomalyRecorder(bool hold = false) : hold_(hold) {}

  void OnAnomaly(const Anomaly& anomaly) override {
    std::unique_lock<std::mutex> lock(mutex_);
    seen_.push_back(anomaly);
    if (!hold_) return;
    entered_ = true;
    changed_.notify_all();
    // Bounded, so that a failing test cannot hang the run.
    changed_.wait_for(lock, std::chrono::seconds(60), [&] { return released_; });
    hold_ = false;
  }

  bool WaitEntered() {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(20), [&] { return entered_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  std::vector<Anomaly> seen() {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Anomaly> seen_;
  bool hold_;
  bool entered_ = false;
  bool released_ = false;
};

class PluginsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A plugin directory with a file that is no shared library, as an operator might drop in.
    plugin_dir_ = dir_.path() / "plugins";
    std::filesystem::create_directories(plugin_dir_);
    std::ofstream(plugin_dir_ / "bad.so") << "this is not a shared library\n";
  }
  void TearDown() override {
    if (collector_) collector_->Stop();
  }

  // Starts a collector with `instances` (items of plugins.instances) and `extra` YAML;
  // `observer`, when given, observes anomalies.
  void Start(const std::string& instances = kInstances, const std::string& extra = "",
             std::shared_ptr<AnomalyObserver> observer = nullptr) {
    std::string yaml = "plugins:\n  directory: " + plugin_dir_.string() +
                       "\n  paths:\n    - " NJ_SEVERITY_PLUGIN "\n    - " NJ_ZSCORE_PLUGIN
                       "\n    - " NJ_FIXTURE_PLUGIN "\n    - " NJ_WEBHOOK_PLUGIN
                       "\n  instances:\n" +
                       instances + extra;
    auto root = ConfigNode::LoadString(yaml, "collector.yaml");
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    auto config = ParseConfig(std::move(root).value());
    ASSERT_TRUE(config.ok()) << config.status().ToString() << "\n" << yaml;
    config->data_dir = (dir_.path() / "data").string();
    config->receiver.listen = config->api.listen = {"127.0.0.1", 0};
    // The tests' data is from 2023: keep it.
    config->retention.logs = config->retention.metrics = std::chrono::hours(24 * 365 * 100);
    collector_ = std::make_unique<Collector>(std::move(config).value());
    if (observer) collector_->AddAnomalyObserver(observer);
    Status st = collector_->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
    otlp_ = collector_->otlp_port();
    api_ = collector_->api_port();
  }

  void PostLogs(const otlp::LogsData& logs) {
    HttpResult r =
        Post(otlp_, "/v1/logs", kProto, otlp::EncodeLogs(logs, otlp::Encoding::kProtobuf));
    ASSERT_EQ(r.status, 200) << r.body << r.error;
  }
  void PostMetrics(const otlp::MetricsData& metrics) {
    HttpResult r =
        Post(otlp_, "/v1/metrics", kProto, otlp::EncodeMetrics(metrics, otlp::Encoding::kProtobuf));
    ASSERT_EQ(r.status, 200) << r.body << r.error;
  }

  rapidjson::Document Api(const std::string& path) {
    HttpResult r = Get(api_, path);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return Json(r);
  }

  // Returns the /api/v1/plugins entry of the plugin named `name`, or null.
  const rapidjson::Value* Plugin(const rapidjson::Document& d, const std::string& name) {
    for (const auto& p : d["plugins"].GetArray()) {
      if (name == p["name"].GetString()) return &p;
    }
    return nullptr;
  }
  const rapidjson::Value* Instance(const rapidjson::Value& plugin, const std::string& name) {
    for (const auto& i : plugin["instances"].GetArray()) {
      if (name == i["name"].GetString()) return &i;
    }
    return nullptr;
  }

  double Count(metrics::Family<metrics::Counter>& family, std::vector<std::string> labels = {}) {
    return family.With(labels).Value();
  }

  testing::TempDir dir_;
  std::filesystem::path plugin_dir_;
  std::unique_ptr<Collector> collector_;
  uint16_t otlp_ = 0, api_ = 0;
};

TEST_F(PluginsTest, ClassifiesRecordsBeforeStoringThem) {
  Start();
  PostLogs(Request({Record("ERROR upstream: connection refused by 10.0.0.7:5432", 0, "", 1),
                    Record("request served in 3 ms", 9, "INFO", 2),
                    Record("WARN cache: request timed out after 30s", 0, "", 3)}));

  // A record without severity but with ERROR in its body: severity 17 and the category label,
  // found by the label filter and by the severity filter.
  rapidjson::Document d = Api("/api/v1/logs?label.log.class=connection_refused");
  ASSERT_EQ(d["logs"].Size(), 1u);
  const auto& error = d["logs"][0];
  EXPECT_EQ(error["severity_number"].GetInt(), 17);
  EXPECT_STREQ(error["severity_text"].GetString(), "ERROR");
  EXPECT_STREQ(error["labels"]["log.class"].GetString(), "connection_refused");
  // Attributes the classifier added sit beside the record's own.
  EXPECT_EQ(error["attributes"]["n"].GetInt(), 1);
  EXPECT_STREQ(error["attributes"]["log.severity.source"].GetString(), "body");
  d = Api("/api/v1/logs?severity_min=error");
  ASSERT_EQ(d["logs"].Size(), 1u);
  EXPECT_EQ(d["logs"][0]["attributes"]["n"].GetInt(), 1);

  d = Api("/api/v1/logs?label.log.class=timeout");
  ASSERT_EQ(d["logs"].Size(), 1u);
  EXPECT_EQ(d["logs"][0]["severity_number"].GetInt(), 13);
  EXPECT_STREQ(d["logs"][0]["severity_text"].GetString(), "WARN");

  // A record with a consistent severity and nothing to tag is stored as it came.
  d = Api("/api/v1/logs?q=served");
  ASSERT_EQ(d["logs"].Size(), 1u);
  EXPECT_EQ(d["logs"][0]["severity_number"].GetInt(), 9);
  EXPECT_EQ(d["logs"][0]["labels"].MemberCount(), 0u);
  EXPECT_EQ(d["logs"][0]["attributes"].MemberCount(), 1u);

  // The severity volume counts the classified severity.
  d = Api("/api/v1/logs/volume?from=" + std::to_string(kT0) +
          "&to=" + std::to_string(kT0 + kMinute) + "&by=severity");
  std::map<std::string, int64_t> volume;
  for (const auto& s : d["series"].GetArray()) {
    int64_t total = 0;
    for (const auto& c : s["counts"].GetArray()) total += c.GetInt64();
    volume[s["key"].GetString()] = total;
  }
  EXPECT_EQ(volume, (std::map<std::string, int64_t>{{"error", 1}, {"info", 1}, {"warn", 1}}));
  EXPECT_EQ(Count(collector_->metrics().classified_records), 2);
}

TEST_F(PluginsTest, StoresASpikeAsAnAnomalyAndTellsObservers) {
  auto recorder = std::make_shared<AnomalyRecorder>();
  Start(kInstances, "", recorder);
  // Series "a": calm, a spike up, calm again, a spike down. Series "b": calm throughout.
  std::vector<double> a = Calm(20);
  a.push_back(100);
  std::vector<double> more = Calm(10);
  a.insert(a.end(), more.begin(), more.end());
  a.push_back(-80);
  PostMetrics(testing::GaugeSeries("cpu.load", "a", a, kT0));
  PostMetrics(testing::GaugeSeries("cpu.load", "b", Calm(a.size()), kT0));

  // Detection runs after the commit, on its own thread: wait for its result.
  rapidjson::Document d;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        d = Api("/api/v1/anomalies?metric=cpu.load");
        return d.HasMember("anomalies") && d["anomalies"].Size() == 2;
      },
      std::chrono::seconds(20)))
      << "anomalies never appeared";
  const auto& down = d["anomalies"][0];  // newest first
  const auto& up = d["anomalies"][1];
  EXPECT_EQ(down["value"].GetDouble(), -80);
  EXPECT_EQ(up["value"].GetDouble(), 100);
  EXPECT_STREQ(up["metric"].GetString(), "cpu.load");
  EXPECT_STREQ(up["attributes"]["series"].GetString(), "a");
  EXPECT_STREQ(up["service"].GetString(), "metrics-svc");
  EXPECT_STREQ(up["time_unix_nano"].GetString(), std::to_string(kT0 + 20 * kMinute).c_str());
  EXPECT_GT(up["score"].GetDouble(), 3.5);
  EXPECT_STREQ(up["detector"].GetString(), "spikes");
  EXPECT_STREQ(up["plugin"].GetString(), "zscore");
  EXPECT_NE(std::string(up["reason"].GetString()).find("above the median"), std::string::npos)
      << up["reason"].GetString();
  EXPECT_NE(std::string(down["reason"].GetString()).find("below the median"), std::string::npos);
  rapidjson::Document series = Api("/api/v1/metrics/series?metric=cpu.load&attr.series=a");
  ASSERT_EQ(series["series"].Size(), 1u);
  EXPECT_STREQ(up["series_id"].GetString(), series["series"][0]["id"].GetString());

  // Observers got the same anomalies, stored (with their ids), in order.
  ASSERT_TRUE(testing::WaitFor([&] { return recorder->seen().size() == 2; }));
  std::vector<Anomaly> seen = recorder->seen();
  EXPECT_EQ(std::to_string(seen[0].id), up["id"].GetString());
  EXPECT_EQ(std::to_string(seen[1].id), down["id"].GetString());
  EXPECT_EQ(seen[0].metric, "cpu.load");
  EXPECT_EQ(seen[0].detector, "spikes");

  EXPECT_EQ(Count(collector_->metrics().anomalies, {"spikes"}), 2);
  EXPECT_EQ(Count(collector_->metrics().detected_points), static_cast<double>(2 * a.size()));
  EXPECT_EQ(Count(collector_->metrics().detection_dropped), 0);

  // Filters.
  std::string spike_time = std::to_string(kT0 + 20 * kMinute);
  EXPECT_EQ(Api("/api/v1/anomalies")["anomalies"].Size(), 2u);
  EXPECT_EQ(Api("/api/v1/anomalies?detector=spikes")["anomalies"].Size(), 2u);
  EXPECT_EQ(Api("/api/v1/anomalies?detector=other")["anomalies"].Size(), 0u);
  EXPECT_EQ(Api("/api/v1/anomalies?metric=mem.used")["anomalies"].Size(), 0u);
  EXPECT_EQ(Api("/api/v1/anomalies?min_score=1e7")["anomalies"].Size(), 0u);
  EXPECT_EQ(Api("/api/v1/anomalies?min_score=0.5")["anomalies"].Size(), 2u);
  EXPECT_EQ(Api("/api/v1/anomalies?to=" + spike_time)["anomalies"].Size(), 0u);
  EXPECT_EQ(Api("/api/v1/anomalies?from=" + spike_time +
                "&to=" + std::to_string(kT0 + 21 * kMinute))["anomalies"]
                .Size(),
            1u);

  // Pagination by cursor.
  rapidjson::Document page = Api("/api/v1/anomalies?limit=1");
  ASSERT_EQ(page["anomalies"].Size(), 1u);
  EXPECT_STREQ(page["anomalies"][0]["id"].GetString(), down["id"].GetString());
  ASSERT_TRUE(page["next_cursor"].IsString());
  page = Api(std::string("/api/v1/anomalies?limit=1&cursor=") + page["next_cursor"].GetString());
  ASSERT_EQ(page["anomalies"].Size(), 1u);
  EXPECT_STREQ(page["anomalies"][0]["id"].GetString(), up["id"].GetString());
  EXPECT_TRUE(page["next_cursor"].IsNull());

  // A bad parameter is a 400 that names it.
  for (const auto& [query, name] :
       std::vector<std::pair<std::string, std::string>>{{"min_score=high", "min_score:"},
                                                        {"min_score=nan", "min_score:"},
                                                        {"limit=0", "limit:"},
                                                        {"cursor=abc", "cursor:"},
                                                        {"from=yesterday", "from:"},
                                                        {"metrics=cpu.load", "metrics"}}) {
    HttpResult r = Get(api_, "/api/v1/anomalies?" + query);
    EXPECT_EQ(r.status, 400) << query << ": " << r.body;
    EXPECT_NE(r.body.find(name), std::string::npos) << query << ": " << r.body;
  }
}

TEST_F(PluginsTest, ReportsAPluginFileThatFailsToLoadAndRunsTheRest) {
  Start();
  std::shared_ptr<plugins::PluginHost> host = collector_->plugin_host();
  ASSERT_NE(host, nullptr);
  ASSERT_EQ(host->problems().size(), 1u);
  std::string bad = (plugin_dir_ / "bad.so").string();
  EXPECT_EQ(host->problems()[0].rfind(bad + ":", 0), 0u) << host->problems()[0];

  rapidjson::Document d = Api("/api/v1/plugins");
  const rapidjson::Value* refused = Plugin(d, "bad.so");
  ASSERT_NE(refused, nullptr);
  EXPECT_STREQ((*refused)["state"].GetString(), "failed");
  EXPECT_STREQ((*refused)["path"].GetString(), bad.c_str());
  EXPECT_NE(std::string((*refused)["error"].GetString()).find(bad), std::string::npos);
  for (const char* name : {"severity", "zscore", "fixture", "webhook"}) {
    const rapidjson::Value* p = Plugin(d, name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_STREQ((*p)["state"].GetString(), "loaded") << name;
  }
  EXPECT_STREQ((*Instance(*Plugin(d, "severity"), "severity"))["state"].GetString(), "running");
  EXPECT_STREQ((*Instance(*Plugin(d, "zscore"), "spikes"))["state"].GetString(), "running");

  // The rest works: records are classified, the collector is ready.
  PostLogs(Request({Record("FATAL: out of memory", 0, "", 1)}));
  d = Api("/api/v1/logs?label.log.class=out_of_memory");
  ASSERT_EQ(d["logs"].Size(), 1u);
  EXPECT_EQ(d["logs"][0]["severity_number"].GetInt(), 21);
  EXPECT_EQ(Get(api_, "/readyz").status, 200);
}

TEST_F(PluginsTest, ListsCallsErrorsAndRefusedInstances) {
  Start(std::string(kInstances) + R"(    - plugin: fixture
      options: {word: hello}
    - plugin: zscore
      name: misspelt
      options: {treshold: 4}
)");
  PostLogs(Request({Record("fail", 9, "INFO", 1), Record("all good", 9, "INFO", 2),
                    Record("ERROR boom", 0, "", 3)}));

  rapidjson::Document d = Api("/api/v1/plugins");
  const rapidjson::Value* severity = Instance(*Plugin(d, "severity"), "severity");
  ASSERT_NE(severity, nullptr);
  EXPECT_EQ((*severity)["calls"].GetUint64(), 3u);
  EXPECT_EQ((*severity)["errors"].GetUint64(), 0u);
  // The fixture's hook fails on the body "fail": counted, with its message.
  const rapidjson::Value* fixture = Instance(*Plugin(d, "fixture"), "fixture");
  ASSERT_NE(fixture, nullptr);
  EXPECT_EQ((*fixture)["calls"].GetUint64(), 3u);
  EXPECT_EQ((*fixture)["errors"].GetUint64(), 1u);
  EXPECT_STREQ((*fixture)["state"].GetString(), "running");
  EXPECT_NE(std::string((*fixture)["error"].GetString()).find("asked to fail"), std::string::npos);
  EXPECT_GT((*fixture)["time_spent_seconds"].GetDouble(), 0.0);
  // A refused instance is listed with the option and the place it was written.
  const rapidjson::Value* misspelt = Instance(*Plugin(d, "zscore"), "misspelt");
  ASSERT_NE(misspelt, nullptr);
  EXPECT_STREQ((*misspelt)["state"].GetString(), "failed");
  std::string why = (*misspelt)["error"].GetString();
  EXPECT_NE(why.find("plugins.instances[3].options.treshold: unknown option (did you mean "
                     "\"threshold\"?)"),
            std::string::npos)
      << why;

  // Both classifiers' labels are on the records whose calls succeeded; the failed call's are
  // dropped.
  d = Api("/api/v1/logs?label.fixture.word=hello");
  ASSERT_EQ(d["logs"].Size(), 2u);
  EXPECT_STREQ(d["logs"][0]["body"].GetString(), "ERROR boom");
  EXPECT_EQ(d["logs"][0]["severity_number"].GetInt(), 17);
  // The fixture saw the severity the severity classifier, configured before it, had set.
  EXPECT_STREQ(d["logs"][0]["labels"]["fixture.seen_severity"].GetString(), "17");
  EXPECT_EQ(d["logs"][0]["attributes"]["fixture.count"].GetInt(), 3);
}

TEST_F(PluginsTest, ServesValidPrometheusMetricsWithPluginsLoaded) {
  Start();
  PostLogs(Request({Record("ERROR disk full", 0, "", 1)}));
  PostMetrics(testing::GaugeSeries("cpu.load", "a", Calm(12), kT0));
  ASSERT_TRUE(testing::WaitFor([&] { return Count(collector_->metrics().detected_points) == 12; }));
  HttpResult m = Get(api_, "/metrics");
  ASSERT_EQ(m.status, 200);
  for (const char* line :
       {"nightjar_plugin_calls_total{plugin=\"severity\",instance=\"severity\"} 1",
        "nightjar_plugin_calls_total{plugin=\"zscore\",instance=\"spikes\"} 12",
        "nightjar_plugin_errors_total{plugin=\"severity\",instance=\"severity\"} 0",
        "nightjar_plugins_loaded 4", "nightjar_plugin_instances{state=\"running\"} 2",
        "nightjar_collector_classified_records_total 1",
        "nightjar_collector_detected_points_total 12",
        "nightjar_collector_detection_queue_points 0"}) {
    EXPECT_NE(m.body.find(line), std::string::npos) << line << "\n" << m.body;
  }
  std::string output;
  EXPECT_EQ(testing::RunPromtool(NJ_PROMTOOL, m.body, &output), 0)
      << "promtool (" << NJ_PROMTOOL << "): " << output;
}

TEST_F(PluginsTest, ReachesNotifiersThroughThePluginHost) {
  // Alerting will call notifiers through Collector::plugin_host(); here a webhook instance
  // whose receiver refuses connections answers "retry later", as the webhook plugin does.
  Start(std::string(kInstances) + R"(    - plugin: webhook
      name: oncall
      options: {url: "http://127.0.0.1:1/hook", timeout: 2s}
)");
  std::shared_ptr<plugins::PluginHost> host = collector_->plugin_host();
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->Notifiers(), std::vector<std::string>{"oncall"});
  plugins::Notification n;
  n.id = "n-1";
  n.group_key = "g";
  n.alerts.push_back(plugins::Alert{});
  n.alerts[0].labels = {{"alertname", "HighCpu"}};
  auto outcome = host->Notify("oncall", n);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->kind, plugins::NotifyOutcome::Kind::kRetryLater) << outcome->message;
  EXPECT_EQ(host->Notify("nobody", n).status().code(), StatusCode::kNotFound);
}

TEST_F(PluginsTest, DropsPointsForDetectionRatherThanHoldUpIngestion) {
  // The smallest detection queue, and an observer that holds the detection thread.
  auto holder = std::make_shared<AnomalyRecorder>(/*hold=*/true);
  Start(kInstances, "pipeline:\n  detection_queue_max_bytes: 64KiB\n", holder);
  std::vector<double> spike = Calm(20);
  spike.push_back(100);
  PostMetrics(testing::GaugeSeries("cpu.load", "a", spike, kT0));
  ASSERT_TRUE(holder->WaitEntered()) << "the spike was never reported";

  // While detection is stuck, a large request is still stored and acknowledged at once...
  constexpr size_t kFlood = 5000;
  PostMetrics(testing::GaugeSeries("flood", "f", Calm(kFlood), kT0));
  EXPECT_EQ(Count(collector_->metrics().stored, {"metrics"}), static_cast<double>(21 + kFlood));
  // ...and what does not fit the detection queue is dropped and counted, not waited for (the
  // writer queues points for detection right after answering).
  ASSERT_TRUE(testing::WaitFor([&] { return Count(collector_->metrics().detection_dropped) > 0; }));
  double dropped = Count(collector_->metrics().detection_dropped);
  size_t queued = collector_->detection()->queued_points();
  EXPECT_EQ(static_cast<double>(queued) + dropped, static_cast<double>(kFlood));
  EXPECT_LE(queued * 24, size_t{64 << 10});
  // The held spike's points went through the detectors; none of the flood has yet.
  EXPECT_EQ(Count(collector_->metrics().detected_points), 21);

  holder->Release();
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        return collector_->detection()->queued_points() == 0 &&
               Count(collector_->metrics().detected_points) + dropped == 21 + kFlood;
      },
      std::chrono::seconds(30)))
      << "detected " << Count(collector_->metrics().detected_points) << ", dropped " << dropped;
}

}  // namespace
}  // namespace nightjar::collector
