// The host's hooks end to end with the C fixtures: what classifiers, detectors and notifiers
// receive and what comes back, plus the stats and JSON of GET /api/v1/plugins.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>

#include "plugin_host/abi_views.h"
#include "plugin_host/plugin_host.h"
#include "plugin_test_support.h"
#include "runtime/metrics.h"

namespace nightjar::plugins {
namespace {

using testing::Attribute;
using testing::FixturePath;
using testing::Label;
using testing::Record;
using testing::Scalars;

std::string StringAttribute(const Classification& c, std::string_view key) {
  const otlp::AnyValue* v = Attribute(c, key);
  return v != nullptr && v->kind() == otlp::ValueKind::kString ? v->string_value() : "(none)";
}

TEST(PluginHooks, ClassifierGetsValidatedOptionsWithDefaults) {
  OptionInputs options = Scalars({{"word", "w"}, {"timeout", "250ms"}, {"secret", "s3"}});
  options.emplace_back("tags", OptionInput::List({"a", "b"}));
  options.emplace_back("extra", OptionInput::Map({{"k", "v"}, {"k2", "v2"}}));
  auto host = PluginHost::Start(testing::OneInstance(FixturePath("good"), "fixture", options));
  Classification c = host->Classify(Record("hello"), {});
  EXPECT_EQ(Label(c, "fixture.word"), "w");
  EXPECT_EQ(StringAttribute(c, "opt.count"), "3");  // default
  EXPECT_EQ(StringAttribute(c, "opt.ratio"), "0.5");
  EXPECT_EQ(StringAttribute(c, "opt.flag"), "1");
  EXPECT_EQ(StringAttribute(c, "opt.timeout"), "250000000");
  EXPECT_EQ(StringAttribute(c, "opt.tags"), "a,b");
  EXPECT_EQ(StringAttribute(c, "opt.extra"), "k=v,k2=v2");
  EXPECT_EQ(StringAttribute(c, "opt.secret"), "s3");  // the plugin sees its secret...
  EXPECT_EQ(StringAttribute(c, "opt.mode"), "fast");
  const otlp::AnyValue* count = Attribute(c, "fixture.count");
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(count->int_value(), 3);
  // ...but stats never show it.
  StringPairs shown = host->Stats().at(0).instances.at(0).options;
  EXPECT_NE(std::find(shown.begin(), shown.end(),
                      std::make_pair(std::string("secret"), std::string("(secret)"))),
            shown.end());
}

TEST(PluginHooks, LaterClassifiersSeeTheSeverityEarlierOnesSet) {
  PluginHostConfig config =
      testing::OneInstance(FixturePath("good"), "fixture", Scalars({{"word", "first"}}), "first");
  InstanceConfig second;
  second.plugin = "fixture";
  second.name = "second";
  second.options = Scalars({{"word", "second"}});
  config.instances.push_back(second);
  auto host = PluginHost::Start(config);
  Classification c = host->Classify(Record("severity"), {});
  std::vector<std::string> seen;
  for (const auto& [k, v] : c.labels) {
    if (k == "fixture.seen_severity") seen.push_back(v);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"0", "17"}));
  ASSERT_TRUE(c.severity_number.has_value());
  EXPECT_EQ(*c.severity_number, 17);
  EXPECT_EQ(c.severity_text, "ERROR");

  otlp::LogRecord record = Record("severity");
  record.attributes.push_back({"fixture.word", otlp::AnyValue("old")});
  ApplyClassification(c, &record);
  EXPECT_EQ(record.severity_number, 17);
  EXPECT_EQ(record.severity_text, "ERROR");
  const otlp::AnyValue* word = otlp::FindAttribute(record.attributes, "fixture.word");
  ASSERT_NE(word, nullptr);
  EXPECT_EQ(word->string_value(), "second");  // replaced, last writer wins
  EXPECT_NE(otlp::FindAttribute(record.attributes, "fixture.count"), nullptr);
}

TEST(PluginHooks, ClassifiesAWholeRequestInPlace) {
  auto host = testing::StartInstance(FixturePath("good"), "fixture", Scalars({{"word", "w"}}));
  otlp::LogsData logs;
  logs.resource_logs.resize(2);
  logs.resource_logs[0].scope_logs.resize(1);
  logs.resource_logs[0].scope_logs[0].log_records = {Record("severity"), Record("fail")};
  logs.resource_logs[1].scope_logs.resize(1);
  logs.resource_logs[1].scope_logs[0].log_records = {Record("x")};
  EXPECT_EQ(host->ClassifyLogs(&logs), 2u);  // the failing record is left as it was
  const otlp::LogRecord& first = logs.resource_logs[0].scope_logs[0].log_records[0];
  EXPECT_EQ(first.severity_number, 17);
  EXPECT_NE(otlp::FindAttribute(first.attributes, "fixture.word"), nullptr);
  EXPECT_TRUE(logs.resource_logs[0].scope_logs[0].log_records[1].attributes.empty());
  EXPECT_NE(otlp::FindAttribute(logs.resource_logs[1].scope_logs[0].log_records[0].attributes,
                                "fixture.count"),
            nullptr);
  auto none = PluginHost::Start(PluginHostConfig{});
  EXPECT_EQ(none->ClassifyLogs(&logs), 0u);
}

TEST(PluginHooks, WhatAFailedCallAddedIsDropped) {
  auto host = PluginHost::Start(
      testing::OneInstance(FixturePath("good"), "fixture", Scalars({{"word", "w"}})));
  // The fixture adds its label before failing; none of it may reach the record.
  Classification c = host->Classify(Record("fail"), {});
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(host->Stats().at(0).instances.at(0).errors, 1u);
}

TEST(PluginHooks, DetectorScoresPointsOfMatchingSeries) {
  PluginHostConfig config = testing::OneInstance(FixturePath("detector"), "fixture_detector",
                                                 Scalars({{"word", "w"}}), "cpu");
  config.instances[0].match = {"system.cpu.*"};
  metrics::Registry registry;
  auto host = PluginHost::Start(config, PluginHostServices{&Clock::System(), &registry});
  otlp::Attributes attributes = {{"host", otlp::AnyValue("a")},
                                 {"cpu", otlp::AnyValue(int64_t{0})}};
  SeriesPoint point;
  point.metric_name = "system.cpu.utilization";
  point.attributes = &attributes;
  point.value = 42;
  std::vector<Detection> out = host->Detect(point);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].instance, "cpu");
  EXPECT_EQ(out[0].plugin, "fixture_detector");
  EXPECT_EQ(out[0].score, 42);
  EXPECT_TRUE(out[0].anomalous);
  uint64_t id = SeriesId(point.metric_name, &attributes, nullptr);
  EXPECT_EQ(out[0].reason, "big (series " + std::to_string(id) + ")");

  point.series_id = 77;  // the caller's id is passed through
  EXPECT_EQ(host->Detect(point).at(0).reason, "big (series 77)");
  point.value = 3;
  out = host->Detect(point);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].anomalous);
  EXPECT_EQ(out[0].reason, "");

  point.metric_name = "system.memory.usage";  // not matched: the detector is not called
  EXPECT_TRUE(host->Detect(point).empty());
  point.metric_name = "system.cpu.time";
  point.value = -1;  // the fixture fails on negative values: no detection, one error
  EXPECT_TRUE(host->Detect(point).empty());
  EXPECT_TRUE(testing::Contains(
      registry.Render(),
      "nightjar_plugin_calls_total{plugin=\"fixture_detector\",instance=\"cpu\"} 4\n"));
  EXPECT_TRUE(testing::Contains(
      registry.Render(),
      "nightjar_plugin_errors_total{plugin=\"fixture_detector\",instance=\"cpu\"} 1\n"));
}

TEST(PluginHooks, SeriesIdsIgnoreAttributeOrderAndTellSeriesApart) {
  otlp::Attributes ab = {{"a", otlp::AnyValue("1")}, {"b", otlp::AnyValue("2")}};
  otlp::Attributes ba = {{"b", otlp::AnyValue("2")}, {"a", otlp::AnyValue("1")}};
  otlp::Attributes swapped = {{"a", otlp::AnyValue("2")}, {"b", otlp::AnyValue("1")}};
  otlp::Attributes typed = {{"a", otlp::AnyValue(int64_t{1})}, {"b", otlp::AnyValue("2")}};
  EXPECT_EQ(SeriesId("m", &ab, nullptr), SeriesId("m", &ba, nullptr));
  EXPECT_NE(SeriesId("m", &ab, nullptr), SeriesId("m", &swapped, nullptr));
  EXPECT_NE(SeriesId("m", &ab, nullptr), SeriesId("m", &typed, nullptr));
  EXPECT_NE(SeriesId("m", &ab, nullptr), SeriesId("n", &ab, nullptr));
  EXPECT_NE(SeriesId("m", &ab, nullptr), SeriesId("m", nullptr, &ab));  // resource differs
  EXPECT_NE(SeriesId("m", nullptr, nullptr), 0u);
}

TEST(PluginHooks, NotifierOutcomesComeBackAsTheyWereGiven) {
  auto host = PluginHost::Start(testing::OneInstance(FixturePath("notifier"), "fixture_notifier",
                                                     Scalars({{"word", "w"}}), "pager"));
  EXPECT_EQ(host->Notifiers(), (std::vector<std::string>{"pager"}));
  Notification n;
  n.alerts.resize(2);
  n.alerts[0].labels = {{"alertname", "HighCPU"}};
  n.alerts[1].firing = false;
  n.group_key = "ok";
  auto delivered = host->Notify("pager", n);
  ASSERT_TRUE(delivered.ok());
  EXPECT_EQ(delivered->kind, NotifyOutcome::Kind::kDelivered);
  EXPECT_EQ(delivered->message, "alerts=2 status=1 receiver=pager first=alertname=HighCPU");
  n.group_key = "retry";
  auto retry = host->Notify("pager", n);
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->kind, NotifyOutcome::Kind::kRetryLater);
  EXPECT_EQ(retry->retry_after, std::chrono::seconds(5));
  n.group_key = "nope";
  n.alerts[0].firing = false;
  auto failed = host->Notify("pager", n);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->kind, NotifyOutcome::Kind::kFailed);
  EXPECT_EQ(failed->message, "alerts=2 status=2 receiver=pager first=alertname=HighCPU");
  auto unknown = host->Notify("slack", n);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(NotifyOutcomeName(NotifyOutcome::Kind::kRetryLater), "retry_later");
}

TEST(PluginHooks, StatsRenderAsJsonForTheApi) {
  PluginHostConfig config = testing::OneInstance(FixturePath("good"), "fixture",
                                                 Scalars({{"word", "w"}, {"secret", "pw"}}), "one");
  config.paths.push_back(FixturePath("abi_minor"));
  auto host = PluginHost::Start(config);
  host->Classify(Record("x"), {});
  host->Classify(Record("fail"), {});
  rapidjson::Document doc;
  std::string json = PluginsJson(host->Stats());
  ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError()) << json;
  const auto& plugins = doc["plugins"];
  ASSERT_EQ(plugins.Size(), 2u);
  const auto& fixture = plugins[0];
  EXPECT_STREQ(fixture["name"].GetString(), "fixture");
  EXPECT_STREQ(fixture["kind"].GetString(), "classifier");
  EXPECT_STREQ(fixture["version"].GetString(), "0.0.1");
  EXPECT_STREQ(fixture["path"].GetString(), FixturePath("good").c_str());
  EXPECT_STREQ(fixture["state"].GetString(), "loaded");
  EXPECT_FALSE(fixture["thread_safe"].GetBool());
  EXPECT_STREQ(fixture["options"][0]["name"].GetString(), "word");
  EXPECT_TRUE(fixture["options"][0]["required"].GetBool());
  EXPECT_STREQ(fixture["options"][1]["default"].GetString(), "3");
  const auto& instance = fixture["instances"][0];
  EXPECT_STREQ(instance["name"].GetString(), "one");
  EXPECT_STREQ(instance["state"].GetString(), "running");
  EXPECT_EQ(instance["calls"].GetUint64(), 2u);
  EXPECT_EQ(instance["errors"].GetUint64(), 1u);
  EXPECT_STREQ(instance["error"].GetString(), "asked to fail");
  EXPECT_GE(instance["time_spent_seconds"].GetDouble(), 0.0);
  EXPECT_TRUE(instance["suspended_until"].IsNull());
  EXPECT_STREQ(instance["options"]["secret"].GetString(), "(secret)");
  EXPECT_TRUE(testing::Contains(instance["options"]["word"].GetString(), "w"));
  const auto& refused = plugins[1];
  EXPECT_STREQ(refused["name"].GetString(), "abi_minor.so");
  EXPECT_STREQ(refused["state"].GetString(), "failed");
  EXPECT_TRUE(testing::Contains(refused["error"].GetString(), "newer than this collector's ABI"));
}

}  // namespace
}  // namespace nightjar::plugins
