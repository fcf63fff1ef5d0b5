// OpenTelemetry's JavaScript SDK exporters against the real nightjar-collector binary: every
// record and metric sent, in protobuf and JSON, gzip on and off, comes back through the query
// API with the same fields. The SDK is the one pinned by tests/interop (its `npm ci` fixture).
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "collector_process.h"
#include "http_client.h"
#include "test_util.h"

namespace nightjar::collector {
namespace {

constexpr int kRecords = 20;  // as in js/send_to_collector.mjs

std::string SourceDir() {
  const char* dir = std::getenv("NJ_SOURCE_DIR");
  return dir != nullptr ? dir : NJ_SOURCE_DIR_DEFAULT;
}

// Runs a command with a shell, returning its exit status and output.
int RunShell(const std::string& command, std::string* output) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof(buf), p)) output->append(buf, n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text.substr(0, 500);
  return d;
}

TEST(CollectorJsSdk, EveryRecordAndMetricComesBackWithItsFields) {
  testing::TempDir dir;
  testing::CollectorProcess p(dir.path().string());
  ASSERT_TRUE(p.Start("retention:\n  logs: 36500d\n  metrics: 36500d\n")) << p.error();
  const std::vector<std::string> variants = {"proto:none", "proto:gzip", "json:none", "json:gzip"};
  std::string command = std::string(NJ_NODE_EXECUTABLE) + " " + SourceDir() +
                        "/tests/collector/js/send_to_collector.mjs " + SourceDir() +
                        "/tests/interop http://127.0.0.1:" + std::to_string(p.otlp_port());
  for (const std::string& v : variants) command += " " + v;
  std::string output;
  ASSERT_EQ(RunShell("env -i PATH=/usr/bin:/bin HOME=/tmp " + command, &output), 0) << output;
  EXPECT_NE(output.find("\"exports\""), std::string::npos) << output;

  for (const std::string& variant : variants) {
    SCOPED_TRACE(variant);
    auto r = testing::Get(p.api_port(), "/api/v1/logs?limit=100&attr.variant=" + variant);
    ASSERT_EQ(r.status, 200) << r.body;
    rapidjson::Document d = Json(r.body);
    const auto& logs = d["logs"];
    ASSERT_EQ(logs.Size(), static_cast<rapidjson::SizeType>(kRecords));
    for (rapidjson::SizeType k = 0; k < logs.Size(); ++k) {
      const auto& e = logs[k];
      int i = kRecords - 1 - static_cast<int>(k);  // newest first
      EXPECT_EQ(std::string(e["body"].GetString()),
                "js " + variant + " record " + std::to_string(i));
      EXPECT_EQ(std::string(e["time_unix_nano"].GetString()),
                std::to_string(1700000000ULL + static_cast<uint64_t>(i)) + "000000123");
      EXPECT_EQ(std::string(e["observed_time_unix_nano"].GetString()),
                std::to_string(1700000000ULL + static_cast<uint64_t>(i)) + "000000456");
      EXPECT_EQ(e["severity_number"].GetInt(), 9 + (i % 3) * 4);
      EXPECT_STREQ(e["severity_text"].GetString(), i % 3 == 0   ? "INFO"
                                                   : i % 3 == 1 ? "WARN"
                                                                : "ERROR");
      const auto& a = e["attributes"];
      EXPECT_EQ(a["i"].GetInt(), i);
      EXPECT_TRUE(a["ratio"].IsDouble());
      EXPECT_DOUBLE_EQ(a["ratio"].GetDouble(), i + 0.5);
      EXPECT_EQ(a["even"].GetBool(), i % 2 == 0);
      ASSERT_TRUE(a["tags"].IsArray());
      EXPECT_STREQ(a["tags"][1].GetString(), "b");
      EXPECT_STREQ(a["variant"].GetString(), variant.c_str());
      if (i % 2 == 0) {
        EXPECT_STREQ(e["trace_id"].GetString(), "5b8efff798038103d269b633813fc60c");
        EXPECT_STREQ(e["span_id"].GetString(), "eee19b7ec3c1b174");
        EXPECT_EQ(e["flags"].GetInt(), 1);
      } else {
        EXPECT_STREQ(e["trace_id"].GetString(), "");
      }
      EXPECT_STREQ(e["service"].GetString(), "js-e2e");
      EXPECT_STREQ(e["resource"]["attributes"]["variant"].GetString(), variant.c_str());
      EXPECT_STREQ(e["scope"]["name"].GetString(), "e2e-scope");
      EXPECT_STREQ(e["scope"]["version"].GetString(), "1.2.3");
    }
  }

  rapidjson::Document metrics = Json(testing::Get(p.api_port(), "/api/v1/metrics").body);
  std::map<std::string, std::string> types;
  std::map<std::string, int64_t> series;
  for (const auto& m : metrics["metrics"].GetArray()) {
    types[m["name"].GetString()] = m["type"].GetString();
    series[m["name"].GetString()] = m["series"].GetInt64();
  }
  EXPECT_EQ(types["js.requests"], "sum");
  EXPECT_EQ(types["js.latency"], "histogram");
  EXPECT_EQ(series["js.requests"], 2 * static_cast<int64_t>(variants.size()));
  EXPECT_EQ(series["js.latency"], static_cast<int64_t>(variants.size()));
  for (const std::string& variant : variants) {
    SCOPED_TRACE(variant);
    std::string filter = "&from=now-1h&to=now%2B1h&step=2h&attr.variant=" + variant;
    auto sum_reply = testing::Get(
        p.api_port(), "/api/v1/metrics/query?metric=js.requests&agg=max&group_by=route" + filter);
    ASSERT_EQ(sum_reply.status, 200) << sum_reply.body;
    rapidjson::Document sum = Json(sum_reply.body);
    ASSERT_EQ(sum["series"].Size(), 2u) << variant;
    double a = 0, b = 0;
    for (const auto& s : sum["series"].GetArray()) {
      double v = 0;
      for (const auto& x : s["values"].GetArray()) {
        if (x.IsNumber()) v = x.GetDouble();
      }
      (std::string(s["group"]["route"].GetString()) == "/a" ? a : b) = v;
    }
    EXPECT_EQ(a, 5);
    EXPECT_EQ(b, 7);
    auto hist_reply =
        testing::Get(p.api_port(), "/api/v1/metrics/query?metric=js.latency&agg=avg" + filter);
    ASSERT_EQ(hist_reply.status, 200) << hist_reply.body;
    rapidjson::Document hist = Json(hist_reply.body);
    ASSERT_EQ(hist["series"].Size(), 1u);
    double avg = 0;
    for (const auto& x : hist["series"][0]["values"].GetArray()) {
      if (x.IsNumber()) avg = x.GetDouble();
    }
    EXPECT_DOUBLE_EQ(avg, 111);  // (3 + 30 + 300) / 3
  }
  EXPECT_EQ(p.Stop(), 0);
}

}  // namespace
}  // namespace nightjar::collector
