// Helpers for the host metrics tests: finding a metric and a point by its attributes in what a
// scrape or a collection produced.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "otlp/model.h"

namespace nightjar::agent::testing {

using AttributeMap = std::map<std::string, std::string>;

// Returns the metric named `name`, or nullptr.
const otlp::Metric* FindMetric(const std::vector<otlp::Metric>& metrics, const std::string& name);

// Returns every metric of `data`, across resources and scopes.
std::vector<otlp::Metric> AllMetrics(const otlp::MetricsData& data);

// Returns the points of a gauge or sum (empty for other kinds).
const std::vector<otlp::NumberDataPoint>& PointsOf(const otlp::Metric& metric);

// Returns a point's string attributes as a map.
AttributeMap AttributesOf(const otlp::NumberDataPoint& point);

// Returns the value of the point of metric `name` whose attributes are exactly `attributes`, as
// a double (integers converted), or nullopt when there is no such point.
std::optional<double> Value(const std::vector<otlp::Metric>& metrics, const std::string& name,
                            const AttributeMap& attributes = {});

// Returns the point of metric `name` with exactly `attributes`, or nullptr.
const otlp::NumberDataPoint* FindPoint(const std::vector<otlp::Metric>& metrics,
                                       const std::string& name, const AttributeMap& attributes);

}  // namespace nightjar::agent::testing
