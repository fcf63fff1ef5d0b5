// Tests of how what the classifier plugins return is written into a stored row: severity,
// labels (a key set again keeps the last value), and attributes spliced into the row's JSON or
// rewritten when a key collides. The plugins themselves run in plugins_test.cpp.
#include <gtest/gtest.h>

#include "pipeline/plugin_classifier.h"
#include "store/value_json.h"

namespace nightjar::collector {
namespace {

LogRow RowOf(const otlp::Attributes& attributes) {
  LogRow row;
  row.severity_number = 9;
  row.severity_text = "INFO";
  row.attributes = AttributesJson(attributes);
  return row;
}

TEST(PluginClassifier, SplicesNewAttributesAndSetsLabelsAndSeverity) {
  otlp::Attributes record = {{"http.status_code", otlp::AnyValue(int64_t{500})}};
  LogRow row = RowOf(record);
  plugins::Classification c;
  c.severity_number = 17;
  c.severity_text = "ERROR";
  c.labels = {{"log.class", "timeout"}};
  c.attributes = {{"log.severity.source", otlp::AnyValue("body")},
                  {"confidence", otlp::AnyValue(0.5)}};
  ApplyClassificationToRow(c, record, &row);
  EXPECT_EQ(row.severity_number, 17);
  EXPECT_EQ(row.severity_text, "ERROR");
  EXPECT_EQ(row.labels, (Labels{{"log.class", "timeout"}}));
  EXPECT_EQ(row.attributes,
            R"({"http.status_code":500,"log.severity.source":"body","confidence":0.5})");
}

TEST(PluginClassifier, WritesAttributesIntoARecordThatHadNone) {
  LogRow row = RowOf({});
  ASSERT_EQ(row.attributes, "{}");
  plugins::Classification c;
  c.attributes = {{"k", otlp::AnyValue(true)}};
  ApplyClassificationToRow(c, {}, &row);
  EXPECT_EQ(row.attributes, R"({"k":true})");
  EXPECT_EQ(row.severity_number, 9);  // untouched without a new severity
  EXPECT_TRUE(row.labels.empty());
}

TEST(PluginClassifier, ReplacesAttributesOfTheSameKeyInsteadOfDuplicatingThem) {
  otlp::Attributes record = {{"a", otlp::AnyValue(int64_t{1})}, {"z", otlp::AnyValue("keep")}};
  LogRow row = RowOf(record);
  plugins::Classification c;
  // "a" replaces the record's; "b" is set twice (two classifiers): the later one wins.
  c.attributes = {
      {"a", otlp::AnyValue("x")}, {"b", otlp::AnyValue(2.5)}, {"b", otlp::AnyValue(false)}};
  ApplyClassificationToRow(c, record, &row);
  EXPECT_EQ(row.attributes, R"({"z":"keep","a":"x","b":false})");
}

TEST(PluginClassifier, ALabelSetAgainKeepsTheLastValue) {
  LogRow row = RowOf({});
  row.labels = {{"log.class", "earlier"}};
  plugins::Classification c;
  c.labels = {{"log.class", "timeout"}, {"team", "payments"}, {"team", "checkout"}};
  ApplyClassificationToRow(c, {}, &row);
  EXPECT_EQ(row.labels, (Labels{{"log.class", "timeout"}, {"team", "checkout"}}));
}

}  // namespace
}  // namespace nightjar::collector
