// Builders of OTLP requests that use every field and every value kind, shared by the codec
// tests and benchmarks.
#pragma once

#include "otlp/model.h"

namespace nightjar::otlp::testing {

// Returns a logs request with two resources, scopes with attributes, and records that use every
// LogRecord field and every AnyValue kind (nested arrays and maps, bytes, unicode, int64
// extremes, NaN-free doubles).
LogsData FullLogs();

// Returns a metrics request with a gauge (int and double points), a monotonic cumulative sum,
// a delta histogram with exemplars and min/max, an exponential histogram and a summary.
MetricsData FullMetrics();

// Returns a logs request of `records` app-log-like records (~150-byte bodies, ~10 attributes).
LogsData AppLogs(size_t records);

}  // namespace nightjar::otlp::testing
