// Building a scrape's metrics; see scraper.h.
#include "inputs/host_metrics/scraper.h"

namespace nightjar::agent::host_metrics {

otlp::NumberDataPoint& MetricsBuilder::NewPoint(const MetricSpec& spec,
                                                otlp::Attributes attributes) {
  otlp::Metric* metric = nullptr;
  for (otlp::Metric& m : metrics_) {
    if (m.name == spec.name) {
      metric = &m;
      break;
    }
  }
  if (metric == nullptr) {
    otlp::Metric& m = metrics_.emplace_back();
    m.name = spec.name;
    m.unit = spec.unit;
    m.description = spec.description;
    if (spec.instrument == Instrument::kGauge) {
      m.data = otlp::Gauge{};
    } else {
      otlp::Sum sum;
      sum.aggregation_temporality = otlp::AggregationTemporality::kCumulative;
      sum.is_monotonic = spec.instrument == Instrument::kCounter;
      m.data = std::move(sum);
    }
    metric = &m;
  }
  std::vector<otlp::NumberDataPoint>& points = spec.instrument == Instrument::kGauge
                                                   ? std::get<otlp::Gauge>(metric->data).data_points
                                                   : std::get<otlp::Sum>(metric->data).data_points;
  otlp::NumberDataPoint& point = points.emplace_back();
  point.attributes = std::move(attributes);
  point.time_unix_nano = context_.now_unix_nanos;
  // Sums count from boot; a gauge is a sample with no start.
  if (spec.instrument != Instrument::kGauge) point.start_time_unix_nano = context_.boot_unix_nanos;
  return point;
}

void MetricsBuilder::Add(const MetricSpec& spec, otlp::Attributes attributes, int64_t value) {
  otlp::NumberDataPoint& point = NewPoint(spec, std::move(attributes));
  if (spec.value_type == ValueType::kDouble) {
    point.value = static_cast<double>(value);
  } else {
    point.value = value;
  }
}

void MetricsBuilder::AddDouble(const MetricSpec& spec, otlp::Attributes attributes, double value) {
  otlp::NumberDataPoint& point = NewPoint(spec, std::move(attributes));
  if (spec.value_type == ValueType::kInt) {
    point.value = static_cast<int64_t>(value);
  } else {
    point.value = value;
  }
}

void MetricsBuilder::Finish(std::vector<otlp::Metric>* out) {
  for (otlp::Metric& m : metrics_) out->push_back(std::move(m));
  metrics_.clear();
}

}  // namespace nightjar::agent::host_metrics
