// Shared GoogleTest checks for the interop tests; see interop_expect.h.
#include "interop_expect.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "base/hex.h"
#include "model_print.h"

namespace nightjar::interop {
namespace {

template <size_t N>
std::string Hex(const std::array<uint8_t, N>& id) {
  return HexEncode(id.data(), N);
}

void ExpectResourceEqual(const otlp::Resource& expected, const otlp::Resource& actual) {
  SCOPED_TRACE("resource");
  ExpectAttributesEqual(expected.attributes, actual.attributes);
  EXPECT_EQ(actual.dropped_attributes_count, expected.dropped_attributes_count);
}

void ExpectScopeEqual(const otlp::InstrumentationScope& expected,
                      const otlp::InstrumentationScope& actual) {
  SCOPED_TRACE("scope");
  EXPECT_EQ(actual.name, expected.name);
  EXPECT_EQ(actual.version, expected.version);
  ExpectAttributesEqual(expected.attributes, actual.attributes);
  EXPECT_EQ(actual.dropped_attributes_count, expected.dropped_attributes_count);
}

void ExpectLogRecordEqual(const otlp::LogRecord& expected, const otlp::LogRecord& actual) {
  EXPECT_EQ(actual.time_unix_nano, expected.time_unix_nano);
  EXPECT_EQ(actual.observed_time_unix_nano, expected.observed_time_unix_nano);
  EXPECT_EQ(actual.severity_number, expected.severity_number);
  EXPECT_EQ(actual.severity_text, expected.severity_text);
  EXPECT_EQ(actual.body, expected.body);
  {
    SCOPED_TRACE("attributes");
    ExpectAttributesEqual(expected.attributes, actual.attributes);
  }
  EXPECT_EQ(actual.dropped_attributes_count, expected.dropped_attributes_count);
  EXPECT_EQ(actual.flags, expected.flags);
  EXPECT_EQ(Hex(actual.trace_id), Hex(expected.trace_id));
  EXPECT_EQ(Hex(actual.span_id), Hex(expected.span_id));
  EXPECT_EQ(actual.event_name, expected.event_name);
}

template <typename Point>
Point WithoutTimes(Point point) {
  point.start_time_unix_nano = 0;
  point.time_unix_nano = 0;
  return point;
}

template <typename Point>
void ExpectPointsEqual(const std::vector<Point>& expected, const std::vector<Point>& actual) {
  EXPECT_EQ(actual.size(), expected.size()) << "number of data points";
  for (const Point& want : expected) {
    auto it = std::find_if(actual.begin(), actual.end(),
                           [&](const Point& p) { return p.attributes == want.attributes; });
    if (it == actual.end()) {
      ADD_FAILURE() << "no data point with attributes "
                    << ::testing::PrintToString(want.attributes);
      continue;
    }
    EXPECT_EQ(WithoutTimes(*it), WithoutTimes(want));
  }
}

void ExpectMetricEqual(const otlp::Metric& expected, const otlp::Metric& actual) {
  SCOPED_TRACE("metric " + expected.name);
  EXPECT_EQ(actual.description, expected.description);
  EXPECT_EQ(actual.unit, expected.unit);
  ExpectAttributesEqual(expected.metadata, actual.metadata);
  ASSERT_EQ(otlp::MetricTypeName(actual.type()), otlp::MetricTypeName(expected.type()));
  auto temporality = [](const auto& data) {
    return static_cast<int>(data.aggregation_temporality);
  };
  switch (expected.type()) {
    case otlp::MetricType::kGauge:
      ExpectPointsEqual(std::get<otlp::Gauge>(expected.data).data_points,
                        std::get<otlp::Gauge>(actual.data).data_points);
      break;
    case otlp::MetricType::kSum: {
      const auto& want = std::get<otlp::Sum>(expected.data);
      const auto& got = std::get<otlp::Sum>(actual.data);
      EXPECT_EQ(temporality(got), temporality(want)) << "aggregation_temporality";
      EXPECT_EQ(got.is_monotonic, want.is_monotonic) << "is_monotonic";
      ExpectPointsEqual(want.data_points, got.data_points);
      break;
    }
    case otlp::MetricType::kHistogram: {
      const auto& want = std::get<otlp::Histogram>(expected.data);
      const auto& got = std::get<otlp::Histogram>(actual.data);
      EXPECT_EQ(temporality(got), temporality(want)) << "aggregation_temporality";
      ExpectPointsEqual(want.data_points, got.data_points);
      break;
    }
    case otlp::MetricType::kExponentialHistogram: {
      const auto& want = std::get<otlp::ExponentialHistogram>(expected.data);
      const auto& got = std::get<otlp::ExponentialHistogram>(actual.data);
      EXPECT_EQ(temporality(got), temporality(want)) << "aggregation_temporality";
      ExpectPointsEqual(want.data_points, got.data_points);
      break;
    }
    case otlp::MetricType::kSummary:
    case otlp::MetricType::kNone:
      ADD_FAILURE() << "the JavaScript SDK does not produce "
                    << otlp::MetricTypeName(expected.type());
      break;
  }
}

}  // namespace

void ExpectCleanExport(const ExportRun& run, size_t expected_requests, bool allow_diagnostics) {
  ASSERT_TRUE(run.process.Succeeded()) << "export script " << run.process.Describe();
  Result<ExportSummary> summary = ParseExportSummary(run.process.stdout_text);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_FALSE(summary->exports.empty());
  for (const ExportSummary::Export& e : summary->exports) {
    EXPECT_EQ(e.code, 0) << "export " << e.name << " failed: " << e.error;
  }
  if (!allow_diagnostics) {
    for (const ExportSummary::Diagnostic& d : summary->diagnostics) {
      ADD_FAILURE() << "the SDK logged " << d.level << ": " << d.text;
    }
  }
  ASSERT_EQ(run.requests.size(), expected_requests) << "requests received by the capture server";
}

ExportSummary SummaryOf(const ExportRun& run) {
  Result<ExportSummary> summary = ParseExportSummary(run.process.stdout_text);
  return summary.ok() ? *summary : ExportSummary{};
}

const CapturedRequest* RequestTo(const std::vector<CapturedRequest>& requests,
                                 std::string_view path) {
  const CapturedRequest* found = nullptr;
  for (const CapturedRequest& r : requests) {
    if (r.path != path) continue;
    if (found != nullptr) {
      ADD_FAILURE() << "more than one request to " << path;
      return nullptr;
    }
    found = &r;
  }
  if (found == nullptr) ADD_FAILURE() << "no request to " << path;
  return found;
}

void ExpectExporterRequest(const CapturedRequest& request, std::string_view path,
                           std::string_view protocol, std::string_view compression) {
  SCOPED_TRACE(std::string(path));
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, path);
  EXPECT_EQ(request.Header("Content-Type"),
            protocol == "proto" ? "application/x-protobuf" : "application/json");
  if (compression == "gzip") {
    EXPECT_EQ(request.Header("Content-Encoding"), "gzip");
    // The gzip magic number: the body really is compressed, not merely labelled so.
    ASSERT_GE(request.body.size(), 2u);
    EXPECT_EQ(static_cast<uint8_t>(request.body[0]), 0x1f);
    EXPECT_EQ(static_cast<uint8_t>(request.body[1]), 0x8b);
  } else {
    EXPECT_FALSE(request.Header("Content-Encoding").has_value())
        << "Content-Encoding: " << request.Header("Content-Encoding").value_or("");
  }
  // Node streams request bodies: a receiver that insists on Content-Length loses every export.
  EXPECT_TRUE(request.chunked) << "Transfer-Encoding: chunked";
  EXPECT_FALSE(request.content_length.has_value())
      << "Content-Length: " << request.content_length.value_or(-1);
}

void ExpectAttributesEqual(const otlp::Attributes& expected, const otlp::Attributes& actual) {
  EXPECT_EQ(actual.size(), expected.size()) << "number of attributes";
  for (size_t i = 0; i < std::min(expected.size(), actual.size()); ++i) {
    EXPECT_EQ(actual[i].key, expected[i].key) << "attribute " << i;
    EXPECT_EQ(actual[i].value, expected[i].value) << "attribute " << expected[i].key;
  }
}

void ExpectLogsEqual(const otlp::LogsData& expected, const otlp::LogsData& actual) {
  ASSERT_EQ(actual.resource_logs.size(), expected.resource_logs.size());
  for (size_t r = 0; r < expected.resource_logs.size(); ++r) {
    SCOPED_TRACE("resource_logs[" + std::to_string(r) + "]");
    const otlp::ResourceLogs& want = expected.resource_logs[r];
    const otlp::ResourceLogs& got = actual.resource_logs[r];
    ExpectResourceEqual(want.resource, got.resource);
    EXPECT_EQ(got.schema_url, want.schema_url);
    ASSERT_EQ(got.scope_logs.size(), want.scope_logs.size());
    for (size_t s = 0; s < want.scope_logs.size(); ++s) {
      SCOPED_TRACE("scope_logs[" + std::to_string(s) + "]");
      ExpectScopeEqual(want.scope_logs[s].scope, got.scope_logs[s].scope);
      EXPECT_EQ(got.scope_logs[s].schema_url, want.scope_logs[s].schema_url);
      const auto& want_records = want.scope_logs[s].log_records;
      const auto& got_records = got.scope_logs[s].log_records;
      ASSERT_EQ(got_records.size(), want_records.size());
      for (size_t i = 0; i < want_records.size(); ++i) {
        SCOPED_TRACE("log_records[" + std::to_string(i) + "]");
        ExpectLogRecordEqual(want_records[i], got_records[i]);
      }
    }
  }
}

void ExpectMetricsEqualExceptTimes(const otlp::MetricsData& expected,
                                   const otlp::MetricsData& actual) {
  ASSERT_EQ(actual.resource_metrics.size(), expected.resource_metrics.size());
  for (size_t r = 0; r < expected.resource_metrics.size(); ++r) {
    SCOPED_TRACE("resource_metrics[" + std::to_string(r) + "]");
    const otlp::ResourceMetrics& want = expected.resource_metrics[r];
    const otlp::ResourceMetrics& got = actual.resource_metrics[r];
    ExpectResourceEqual(want.resource, got.resource);
    EXPECT_EQ(got.schema_url, want.schema_url);
    ASSERT_EQ(got.scope_metrics.size(), want.scope_metrics.size());
    for (size_t s = 0; s < want.scope_metrics.size(); ++s) {
      SCOPED_TRACE("scope_metrics[" + std::to_string(s) + "]");
      ExpectScopeEqual(want.scope_metrics[s].scope, got.scope_metrics[s].scope);
      EXPECT_EQ(got.scope_metrics[s].schema_url, want.scope_metrics[s].schema_url);
      std::vector<std::string> want_names;
      std::vector<std::string> got_names;
      for (const otlp::Metric& m : want.scope_metrics[s].metrics) want_names.push_back(m.name);
      for (const otlp::Metric& m : got.scope_metrics[s].metrics) got_names.push_back(m.name);
      std::sort(want_names.begin(), want_names.end());
      std::sort(got_names.begin(), got_names.end());
      EXPECT_EQ(got_names, want_names) << "metric names";
      for (const otlp::Metric& m : want.scope_metrics[s].metrics) {
        const auto& got_metrics = got.scope_metrics[s].metrics;
        auto it = std::find_if(got_metrics.begin(), got_metrics.end(),
                               [&](const otlp::Metric& g) { return g.name == m.name; });
        if (it != got_metrics.end()) ExpectMetricEqual(m, *it);
      }
    }
  }
}

}  // namespace nightjar::interop
