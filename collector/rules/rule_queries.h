// The read-only queries `every` rules run (through query_bindings.h), over the store's read
// connections: log counts over a window, and metric values over a window (latest, avg, min,
// max, sum, count, rate, p50, p95, p99), each optionally grouped by attributes.
//
// Windows are exact, [from, to): log counts come from LogVolume (log_queries.h), with the part
// of its first step-aligned bucket that lies before the window taken off again; grouping by
// anything but service or level scans the matching records (at most `max_scan` of them). Number
// metrics (gauge, sum) are read point by point over the window. Histograms and summaries are
// aggregated by QueryMetrics (metric_queries.h) over the last whole window aligned to
// multiples of its length since the epoch, which is how their buckets are kept.
//
// Thread-safety: each function uses the caller's Reader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "alerting/rule_evaluation.h"
#include "base/status.h"
#include "store/log_queries.h"
#include "store/store.h"

namespace nightjar::collector::rules {

// One group of a query's answer: the values of the `by` keys (absent ones left out) and the
// number.
struct GroupValue {
  alerting::Labels labels;
  double value = 0;
};

struct LogCountRequest {
  LogQuery filter;              // from_ms/to_ms: the window
  std::vector<std::string> by;  // "service", "level", or attribute/label/resource keys
  int64_t max_scan = 200'000;   // records at most when grouping needs a scan
};

// Returns the number of records matching the filter per group (no groups: one, possibly 0).
Result<std::vector<GroupValue>> CountLogs(Reader& reader, const LogCountRequest& request);

struct MetricWindowRequest {
  std::string metric;
  Filters filters;              // point or resource attribute equality
  std::vector<std::string> by;  // point attribute keys, then resource attribute keys
  std::string function;         // latest, avg, min, max, sum, count, rate, p50, p95, p99
  int64_t from_unix_nano = 0;
  int64_t to_unix_nano = 0;  // exclusive
  int max_series = 1000;
};

// Returns the metric's aggregated value per group; groups without data are left out.
Result<std::vector<GroupValue>> AggregateMetric(Reader& reader, const MetricWindowRequest& request);

// Returns true for the names AggregateMetric knows.
bool IsMetricFunction(const std::string& name);

}  // namespace nightjar::collector::rules
