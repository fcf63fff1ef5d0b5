// Host metrics test helpers; see host_metrics_testing.h.
#include "host_metrics_testing.h"

namespace nightjar::agent::testing {

const otlp::Metric* FindMetric(const std::vector<otlp::Metric>& metrics, const std::string& name) {
  for (const otlp::Metric& m : metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::vector<otlp::Metric> AllMetrics(const otlp::MetricsData& data) {
  std::vector<otlp::Metric> out;
  for (const otlp::ResourceMetrics& rm : data.resource_metrics) {
    for (const otlp::ScopeMetrics& sm : rm.scope_metrics) {
      out.insert(out.end(), sm.metrics.begin(), sm.metrics.end());
    }
  }
  return out;
}

const std::vector<otlp::NumberDataPoint>& PointsOf(const otlp::Metric& metric) {
  static const std::vector<otlp::NumberDataPoint> kNone;
  if (const auto* gauge = std::get_if<otlp::Gauge>(&metric.data)) return gauge->data_points;
  if (const auto* sum = std::get_if<otlp::Sum>(&metric.data)) return sum->data_points;
  return kNone;
}

AttributeMap AttributesOf(const otlp::NumberDataPoint& point) {
  AttributeMap out;
  for (const otlp::KeyValue& kv : point.attributes) {
    out[kv.key] = kv.value.kind() == otlp::ValueKind::kString ? kv.value.string_value() : "?";
  }
  return out;
}

const otlp::NumberDataPoint* FindPoint(const std::vector<otlp::Metric>& metrics,
                                       const std::string& name, const AttributeMap& attributes) {
  const otlp::Metric* metric = FindMetric(metrics, name);
  if (metric == nullptr) return nullptr;
  for (const otlp::NumberDataPoint& p : PointsOf(*metric)) {
    if (AttributesOf(p) == attributes) return &p;
  }
  return nullptr;
}

std::optional<double> Value(const std::vector<otlp::Metric>& metrics, const std::string& name,
                            const AttributeMap& attributes) {
  const otlp::NumberDataPoint* p = FindPoint(metrics, name, attributes);
  if (p == nullptr) return std::nullopt;
  if (const auto* d = std::get_if<double>(&p->value)) return *d;
  if (const auto* i = std::get_if<int64_t>(&p->value)) return static_cast<double>(*i);
  return std::nullopt;
}

}  // namespace nightjar::agent::testing
