// Tests of Collector::Reload in-process, with the real first-party plugins loaded from their
// build outputs: plugin instances replaced live (classifiers and detectors start and stop), a
// refused instance refusing the whole reload with its place in the file, unchanged instances
// carried over with their state, and the settings only a restart can change kept as they run.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>

#include "collector.h"
#include "config/restart_only.h"
#include "http_client.h"
#include "otlp/codec.h"
#include "test_util.h"

namespace nightjar::collector {
namespace {

using testing::Get;
using testing::HttpResult;
using testing::kT0;
using testing::Post;

constexpr const char* kProto = "application/x-protobuf";

constexpr const char* kSeverity = "    - plugin: severity\n";
constexpr const char* kZscore = "    - plugin: zscore\n      name: spikes\n";

class ReloadTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (collector_) collector_->Stop();
  }

  // Returns a configuration with the first-party plugins' files and `instances`.
  CollectorConfig Config(const std::string& instances, const std::string& extra = "") {
    std::string yaml = "plugins:\n  paths:\n    - " NJ_SEVERITY_PLUGIN "\n    - " NJ_ZSCORE_PLUGIN
                       "\n  instances:\n" +
                       (instances.empty() ? "    []\n" : instances) + extra;
    yaml_ = yaml;
    auto root = ConfigNode::LoadString(yaml, "collector.yaml");
    EXPECT_TRUE(root.ok()) << root.status().ToString();
    auto config = ParseConfig(std::move(root).value());
    EXPECT_TRUE(config.ok()) << config.status().ToString() << "\n" << yaml;
    config->data_dir = (dir_.path() / "data").string();
    config->receiver.listen = config->api.listen = {"127.0.0.1", 0};
    config->retention.logs = config->retention.metrics = std::chrono::hours(24 * 365 * 100);
    return *config;
  }

  void Start(CollectorConfig config) {
    collector_ = std::make_unique<Collector>(std::move(config));
    Status st = collector_->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  Status Reload(CollectorConfig config) {
    return collector_->Reload(std::move(config), ConfigLocator::ForText(yaml_, "collector.yaml"));
  }

  // Posts one record without severity whose body says ERROR; returns the stored severity.
  int StoredSeverity(int n) {
    otlp::LogsData logs = testing::Logs("svc", 1, kT0 + static_cast<uint64_t>(n));
    otlp::LogRecord& r = logs.resource_logs[0].scope_logs[0].log_records[0];
    r.body = otlp::AnyValue("ERROR upstream: connection refused " + std::to_string(n));
    r.severity_number = 0;
    r.severity_text.clear();
    uint16_t otlp = collector_->otlp_port();
    HttpResult posted =
        Post(otlp, "/v1/logs", kProto, otlp::EncodeLogs(logs, otlp::Encoding::kProtobuf));
    EXPECT_EQ(posted.status, 200) << posted.body;
    HttpResult got =
        Get(collector_->api_port(), "/api/v1/logs?q=%22refused%20" + std::to_string(n) + "%22");
    rapidjson::Document d;
    d.Parse(got.body.c_str());
    if (d.HasParseError() || !d.HasMember("logs") || d["logs"].Size() != 1) {
      ADD_FAILURE() << got.body;
      return -1;
    }
    return d["logs"][0]["severity_number"].GetInt();
  }

  testing::TempDir dir_;
  std::string yaml_;
  std::unique_ptr<Collector> collector_;
};

TEST_F(ReloadTest, StartsAndStopsPluginInstancesLive) {
  Start(Config(""));
  EXPECT_EQ(StoredSeverity(1), 0);  // no classifier: the record keeps its (missing) severity
  EXPECT_EQ(collector_->detection(), nullptr);

  Status st = Reload(Config(std::string(kSeverity) + kZscore));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(StoredSeverity(2), 17);  // classified by the new instance
  EXPECT_NE(collector_->detection(), nullptr);
  ASSERT_NE(collector_->plugin_host(), nullptr);
  EXPECT_EQ(collector_->plugin_host()->Notifiers().size(), 0u);

  st = Reload(Config(""));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(StoredSeverity(3), 0);
  EXPECT_EQ(collector_->detection(), nullptr);
}

// Returns the statistics of instance `name` of `host` (an empty name when it does not run).
plugins::InstanceStats Instance(const plugins::PluginHost& host, const std::string& name) {
  for (const plugins::PluginStats& plugin : host.Stats()) {
    for (const plugins::InstanceStats& instance : plugin.instances) {
      if (instance.name == name) return instance;
    }
  }
  return {};
}

TEST_F(ReloadTest, KeepsUnchangedInstancesAndReplacesChangedOnes) {
  Start(Config(std::string(kSeverity) + kZscore));
  EXPECT_EQ(StoredSeverity(1), 17);
  std::shared_ptr<plugins::PluginHost> first = collector_->plugin_host();
  plugins::InstanceStats severity = Instance(*first, "severity");
  plugins::InstanceStats spikes = Instance(*first, "spikes");
  ASSERT_GT(severity.created_unix_nano, 0);
  ASSERT_GT(spikes.created_unix_nano, 0);

  // Another setting changes; the instances do not: the new host runs the same ones, so a
  // detector keeps what it learned.
  Status st = Reload(Config(std::string(kSeverity) + kZscore, "api:\n  max_limit: 500\n"));
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_NE(collector_->plugin_host(), first);
  first.reset();
  EXPECT_EQ(Instance(*collector_->plugin_host(), "severity").created_unix_nano,
            severity.created_unix_nano);
  EXPECT_EQ(Instance(*collector_->plugin_host(), "spikes").created_unix_nano,
            spikes.created_unix_nano);
  EXPECT_EQ(StoredSeverity(2), 17);

  // The classifier's options change: a new instance starts; the detector stays.
  st = Reload(
      Config("    - plugin: severity\n      options: {scan_bytes: 300}\n" + std::string(kZscore)));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_GT(Instance(*collector_->plugin_host(), "severity").created_unix_nano,
            severity.created_unix_nano);
  EXPECT_EQ(Instance(*collector_->plugin_host(), "spikes").created_unix_nano,
            spikes.created_unix_nano);
  EXPECT_EQ(StoredSeverity(3), 17);
}

TEST_F(ReloadTest, ReplacesTokensForTheNextRequest) {
  Start(Config(""));
  std::string body = otlp::EncodeLogs(testing::Logs("svc", 1, kT0), otlp::Encoding::kProtobuf);
  EXPECT_EQ(Post(collector_->otlp_port(), "/v1/logs", kProto, body).status, 200);
  Status st = Reload(Config("",
                            "auth:\n  ingest_tokens: [ingest-token-0123456789]\n"
                            "  api_tokens: [api-token-0123456789]\n"));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Post(collector_->otlp_port(), "/v1/logs", kProto, body).status, 401);
  EXPECT_EQ(Post(collector_->otlp_port(), "/v1/logs", kProto, body,
                 {{"Authorization", "Bearer ingest-token-0123456789"}})
                .status,
            200);
  EXPECT_EQ(Get(collector_->api_port(), "/api/v1/logs").status, 401);
  EXPECT_EQ(Get(collector_->api_port(), "/api/v1/logs",
                {{"Authorization", "Bearer api-token-0123456789"}})
                .status,
            200);
}

TEST_F(ReloadTest, RefusesAnInstanceWithABadOptionAndChangesNothing) {
  Start(Config(kSeverity));
  std::shared_ptr<plugins::PluginHost> running = collector_->plugin_host();
  Status st = Reload(Config("    - plugin: severity\n      options: {no_such_option: 1}\n",
                            "auth:\n  ingest_tokens: [a-new-token-0123456789]\n"));
  ASSERT_FALSE(st.ok());
  // Located as --check-config locates it: line 7, column 33 is the unknown option.
  EXPECT_NE(st.message().find("collector.yaml:7:33: plugins.instances[0].options.no_such_option"),
            std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("no_such_option"), std::string::npos) << st.message();
  EXPECT_EQ(collector_->plugin_host(), running);
  EXPECT_EQ(StoredSeverity(1), 17);  // the token was not applied, the classifier still runs
}

TEST_F(ReloadTest, RefusesARouteToAReceiverThatIsNoNotifier) {
  Start(Config(kSeverity));
  Status st = Reload(Config(kSeverity, "alerting:\n  routes:\n    - receivers: [nobody]\n"));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("nobody"), std::string::npos) << st.message();
}

TEST(RestartOnly, KeepsTheRunningValueOfEachAndNamesIt) {
  CollectorConfig running = DefaultConfig();
  running.data_dir = "/var/lib/a";
  CollectorConfig next = running;
  next.data_dir = "/var/lib/b";
  next.store.path = "/srv/n.db";
  next.pipeline.queue_max_bytes = 128 << 20;
  next.retention.logs = std::chrono::hours(1);  // applied live: not listed
  next.auth.api_tokens = {"0123456789abcdef"};  // applied live: not listed
  std::vector<RestartOnlyChange> kept = KeepRestartOnly(running, &next);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].key, "data_dir");
  EXPECT_EQ(kept[0].running, "/var/lib/a");
  EXPECT_EQ(kept[0].wanted, "/var/lib/b");
  EXPECT_EQ(kept[1].key, "store.path");
  EXPECT_EQ(kept[1].running, "/var/lib/a/nightjar.db");  // the default path, spelled out
  EXPECT_EQ(kept[1].wanted, "/srv/n.db");
  EXPECT_EQ(kept[2].key, "pipeline.queue_max_bytes");
  EXPECT_EQ(next.data_dir, "/var/lib/a");
  EXPECT_EQ(next.store.path, "");
  EXPECT_EQ(next.pipeline.queue_max_bytes, running.pipeline.queue_max_bytes);
  EXPECT_EQ(next.retention.logs, std::chrono::hours(1));
}

TEST(RestartOnly, KeepsBothAddressesWhenTheApiWouldMoveOntoTheOtlpListener) {
  CollectorConfig running = DefaultConfig();  // 4318 and 4380: separate listeners
  CollectorConfig next = running;
  next.api.listen = next.receiver.listen;
  std::vector<RestartOnlyChange> kept = KeepRestartOnly(running, &next);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].key, "api.listen");
  EXPECT_FALSE(SharesListener(next));

  next = running;
  next.api.listen.port = 4390;  // still separate: applied live
  EXPECT_TRUE(KeepRestartOnly(running, &next).empty());
}

}  // namespace
}  // namespace nightjar::collector
