// Small helpers over the telemetry model; see model.h.
#include "otlp/model.h"

namespace nightjar::otlp {

bool operator==(const AnyValue& a, const AnyValue& b) { return a.value_ == b.value_; }

const AnyValue* FindAttribute(const Attributes& attributes, std::string_view key) {
  for (const KeyValue& kv : attributes) {
    if (kv.key == key) return &kv.value;
  }
  return nullptr;
}

size_t CountLogRecords(const LogsData& logs) {
  size_t n = 0;
  for (const ResourceLogs& rl : logs.resource_logs) {
    for (const ScopeLogs& sl : rl.scope_logs) n += sl.log_records.size();
  }
  return n;
}

const char* MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kNone:
      return "none";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kSum:
      return "sum";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kExponentialHistogram:
      return "exponential_histogram";
    case MetricType::kSummary:
      return "summary";
  }
  return "none";
}

size_t CountDataPoints(const Metric& metric) {
  return std::visit(
      [](const auto& data) -> size_t {
        if constexpr (std::is_same_v<std::decay_t<decltype(data)>, std::monostate>) {
          return 0;
        } else {
          return data.data_points.size();
        }
      },
      metric.data);
}

size_t CountDataPoints(const MetricsData& metrics) {
  size_t n = 0;
  for (const ResourceMetrics& rm : metrics.resource_metrics) {
    for (const ScopeMetrics& sm : rm.scope_metrics) {
      for (const Metric& m : sm.metrics) n += CountDataPoints(m);
    }
  }
  return n;
}

const char* SignalName(Signal signal) {
  switch (signal) {
    case Signal::kLogs:
      return "logs";
    case Signal::kMetrics:
      return "metrics";
    case Signal::kTraces:
      return "traces";
  }
  return "?";
}

}  // namespace nightjar::otlp
