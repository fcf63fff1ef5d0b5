// End-to-end tests of host metrics and of the queue shared by logs and metrics, with the real
// nightjar-agent binary: host metrics arrive at the real nightjar-collector (read back through
// its query API) with the semantic conventions' names, units and instruments; logs and metrics
// wait together in the queue through a collector outage and all arrive after it; and logs that
// an older agent left queued (schema version 1) are shipped after the upgrade.
//
// Every wait is for a condition with a deadline.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "agent_process.h"
#include "collector_process.h"
#include "host_metrics_testing.h"
#include "log_writer.h"
#include "pipeline/batch_builder.h"
#include "queue_schema_v1.h"
#include "runtime/sqlite.h"
#include "sequence_check.h"
#include "temp_dir.h"
#include "test_receiver.h"

namespace nightjar::agent::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kWait = seconds(60);

// GETs `path` from 127.0.0.1:`port`; returns the body, or "" on any failure.
std::string HttpGet(uint16_t port, const std::string& path) {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::stringstream body;
    body << in.rdbuf();
    return response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK ? body.str() : "";
  } catch (const std::exception&) {
    return "";
  }
}

struct StoredMetric {
  std::string type;
  std::string unit;
  int temporality = 0;
  bool monotonic = false;
};

// Reads GET /api/v1/metrics?prefix=system. into name -> what the collector stored.
std::map<std::string, StoredMetric> CollectorMetrics(uint16_t api_port) {
  std::map<std::string, StoredMetric> out;
  std::string body = HttpGet(api_port, "/api/v1/metrics?prefix=system.&limit=1000");
  rapidjson::Document doc;
  if (body.empty() || doc.Parse(body.c_str()).HasParseError() || !doc.IsObject() ||
      !doc.HasMember("metrics") || !doc["metrics"].IsArray()) {
    return out;
  }
  for (const auto& m : doc["metrics"].GetArray()) {
    StoredMetric s;
    if (m.HasMember("type") && m["type"].IsString()) s.type = m["type"].GetString();
    if (m.HasMember("unit") && m["unit"].IsString()) s.unit = m["unit"].GetString();
    if (m.HasMember("temporality") && m["temporality"].IsInt()) {
      s.temporality = m["temporality"].GetInt();
    }
    if (m.HasMember("monotonic") && m["monotonic"].IsBool()) s.monotonic = m["monotonic"].GetBool();
    out[m["name"].GetString()] = s;
  }
  return out;
}

template <typename Pred>
bool WaitFor(Pred done, milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return true;
}

class HostMetricsEndToEnd : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure() && agent_) {
      std::fprintf(stderr, "---- agent log ----\n%s\n", agent_->Log().c_str());
    }
    agent_.reset();
  }

  void WriteConfig(const std::string& endpoint, const std::string& inputs = "") {
    std::ofstream out(dir_ / "agent.yaml");
    out << "state_dir: " << dir_.path() << "/state\n"
        << inputs << "host_metrics:\n"
        << "  collection_interval: 200ms\n"
        << "tail: {poll_interval: 100ms}\n"
        << "batch: {max_records: 500, timeout: 20ms}\n"
        << "exporter:\n"
        << "  endpoint: " << endpoint << "\n"
        << "  timeout: 5s\n"
        << "  retry: {initial_interval: 50ms, max_interval: 400ms}\n"
        << "metrics: {listen: \"127.0.0.1:0\"}\n";
  }

  AgentProcess& StartAgent() {
    agent_ = std::make_unique<AgentProcess>(dir_ / "agent.yaml", dir_ / "agent.log");
    EXPECT_TRUE(agent_->Start()) << agent_->Log();
    return *agent_;
  }

  TempDir dir_;
  std::unique_ptr<AgentProcess> agent_;
};

TEST_F(HostMetricsEndToEnd, ArriveAtTheRealCollectorWithTheirConventions) {
  TempDir collector_dir;
  collector::testing::CollectorProcess collector(collector_dir.path());
  ASSERT_TRUE(collector.Start("")) << collector.error();
  WriteConfig("http://127.0.0.1:" + std::to_string(collector.otlp_port()));
  StartAgent();

  const std::vector<std::string> expected = {
      "system.cpu.time",         "system.cpu.utilization",    "system.cpu.load_average.1m",
      "system.memory.usage",     "system.memory.utilization", "system.disk.io",
      "system.filesystem.usage", "system.network.io",         "system.paging.faults",
      "system.processes.count",  "system.processes.created"};
  std::map<std::string, StoredMetric> stored;
  bool all = WaitFor(
      [&] {
        stored = CollectorMetrics(collector.api_port());
        for (const std::string& name : expected) {
          if (!stored.contains(name)) return false;
        }
        return true;
      },
      kWait);
  ASSERT_TRUE(all) << "the collector has " << stored.size() << " system.* metrics\n"
                   << collector.log();
  EXPECT_EQ(stored["system.cpu.time"].type, "sum");
  EXPECT_EQ(stored["system.cpu.time"].unit, "s");
  EXPECT_EQ(stored["system.cpu.time"].temporality, 2);
  EXPECT_TRUE(stored["system.cpu.time"].monotonic);
  EXPECT_EQ(stored["system.cpu.utilization"].type, "gauge");
  EXPECT_EQ(stored["system.cpu.utilization"].unit, "1");
  EXPECT_EQ(stored["system.memory.usage"].type, "sum");
  EXPECT_EQ(stored["system.memory.usage"].unit, "By");
  EXPECT_FALSE(stored["system.memory.usage"].monotonic);
  EXPECT_EQ(stored["system.cpu.load_average.1m"].type, "gauge");
  EXPECT_EQ(stored["system.cpu.load_average.1m"].unit, "{thread}");
  EXPECT_EQ(stored["system.processes.count"].unit, "{processes}");

  // A series keeps its attributes and the host's resource.
  std::string series = HttpGet(collector.api_port(),
                               "/api/v1/metrics/series?metric=system.cpu."
                               "time&attr.state=idle&attr.cpu=cpu0");
  EXPECT_THAT(series, ::testing::HasSubstr("\"cpu0\""));
  EXPECT_THAT(series, ::testing::HasSubstr("host.name"));

  // The agent's own figures say the points were acknowledged, and nothing was dropped.
  EXPECT_TRUE(agent_->WaitForMetric(
      "nightjar_agent_metric_points_acked_total", [](double v) { return v > 100; }, kWait));
  EXPECT_EQ(agent_->Metric("nightjar_agent_host_metrics_points_dropped_total"), 0.0);
  EXPECT_EQ(agent_->Metric("nightjar_agent_metric_points_failed_total"), 0.0);
  EXPECT_EQ(agent_->Terminate(), 0);
}

TEST_F(HostMetricsEndToEnd, LogsAndMetricsWaitTogetherThroughAnOutage) {
  TestReceiver receiver;
  ASSERT_TRUE(receiver.Start().ok());
  std::string endpoint = receiver.endpoint();
  receiver.Stop();  // the collector is down when the agent starts
  std::filesystem::create_directories(dir_ / "logs");
  WriteConfig(endpoint,
              "inputs:\n  - name: app\n    include: [\"" + (dir_ / "logs") + "/*.log\"]\n");
  LogWriter app(dir_ / "logs/app.log");
  app.WriteLines("app", 0, 500);
  StartAgent();
  // Both kinds of batch pile up in the queue while nothing can be sent.
  ASSERT_TRUE(agent_->WaitForMetric(
      "nightjar_agent_host_metrics_collections_total", [](double v) { return v >= 3; }, kWait));
  ASSERT_TRUE(agent_->WaitForMetric(
      "nightjar_agent_lines_read_total{input=\"app\"}", [](double v) { return v == 500; }, kWait));
  // Points are counted once stored; none left the queue, so it holds them all with the lines.
  double queued_points = *agent_->Metric("nightjar_agent_host_metrics_points_total");
  EXPECT_GT(queued_points, 0);
  EXPECT_TRUE(agent_->WaitForMetric(
      "nightjar_agent_queue_records", [&](double v) { return v >= 500 + queued_points; }, kWait));
  EXPECT_GT(*agent_->Metric("nightjar_agent_metric_points_retried_total") +
                *agent_->Metric("nightjar_agent_records_retried_total"),
            0);
  app.WriteLines("app", 500, 1000);
  ASSERT_TRUE(receiver.Start().ok());
  ASSERT_TRUE(receiver.WaitForRecords(1000, kWait));
  ASSERT_TRUE(receiver.WaitUntil(
      [&] { return static_cast<double>(receiver.point_count()) >= queued_points; }, kWait));
  EXPECT_TRUE(agent_->WaitForMetric(
      "nightjar_agent_queue_batches", [](double v) { return v == 0; }, kWait));
  EXPECT_TRUE(ExactlyOnceInOrder(receiver.Records(), "app", 1000));
  // Every metrics request went to /v1/metrics and every logs request to /v1/logs.
  size_t metrics_requests = 0;
  for (const auto& r : receiver.Requests()) {
    if (r.status != 200) continue;
    if (r.path == "/v1/metrics") ++metrics_requests;
  }
  EXPECT_GE(metrics_requests, 3u);
  auto metrics = receiver.Metrics();
  ASSERT_FALSE(metrics.empty());
  auto all = AllMetrics(metrics.back());
  EXPECT_NE(FindMetric(all, "system.cpu.time"), nullptr);
  EXPECT_EQ(agent_->Terminate(), 0);
}

TEST_F(HostMetricsEndToEnd, LogsQueuedByAnOlderAgentAreShippedAfterTheUpgrade) {
  // The state an agent of schema version 1 left when stopped during an outage: 300 records in
  // three batches.
  std::filesystem::create_directories(dir_ / "state");
  {
    auto db = sqlite::Database::Open(dir_ / "state/queue.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec(kQueueSchemaVersion1).ok());
    auto insert = db->Prepare(
        "INSERT INTO batches(created_unix_ns, records, bytes, content_encoding, body) "
        "VALUES(1, 100, ?, 'identity', ?)");
    ASSERT_TRUE(insert.ok());
    for (int b = 0; b < 3; ++b) {
      BatchBuilder builder(BatchLimits{});
      int resource = 0;
      std::vector<std::string> bodies;
      for (int i = 0; i < 100; ++i) bodies.push_back(NumberedLine("old", b * 100 + i));
      for (const std::string& body : bodies) {
        otlp::LogRecordView r;
        r.body = otlp::AnyValueView::String(body);
        r.observed_time_unix_nano = 1;
        builder.Add(&resource, {}, r, 0);
      }
      std::string encoded = builder.Finish();
      insert->Bind(1, static_cast<int64_t>(encoded.size())).BindBlob(2, encoded);
      ASSERT_TRUE(insert->Run().ok());
    }
  }
  TestReceiver receiver;
  ASSERT_TRUE(receiver.Start().ok());
  std::filesystem::create_directories(dir_ / "logs");
  WriteConfig(receiver.endpoint(),
              "inputs:\n  - name: app\n    include: [\"" + (dir_ / "logs") + "/*.log\"]\n");
  LogWriter app(dir_ / "logs/app.log");
  app.WriteLines("app", 0, 200);
  StartAgent();
  ASSERT_TRUE(receiver.WaitForRecords(500, kWait));
  EXPECT_TRUE(agent_->WaitForMetric(
      "nightjar_agent_queue_batches", [](double v) { return v == 0; }, kWait));
  std::vector<ReceivedRecord> old_records, new_records;
  for (const ReceivedRecord& r : receiver.Records()) {
    (r.body.rfind("old", 0) == 0 ? old_records : new_records).push_back(r);
  }
  EXPECT_TRUE(ExactlyOnceInOrder(old_records, "old", 300));
  EXPECT_TRUE(ExactlyOnceInOrder(new_records, "app", 200));
  // The queued logs went first: they are older than anything the new agent read or collected.
  auto requests = receiver.Requests();
  ASSERT_GE(requests.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(requests[i].path, "/v1/logs");
    EXPECT_EQ(requests[i].records, 100u);
  }
  EXPECT_TRUE(agent_->WaitForLog("queue migrated", kWait));
  EXPECT_EQ(agent_->Terminate(), 0);
}

}  // namespace
}  // namespace nightjar::agent::testing
