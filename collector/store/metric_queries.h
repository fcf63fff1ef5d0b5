// Queries over stored metrics: names, series, bucketed aggregation, histogram quantiles and
// value histograms.
//
// Aggregations over number points (gauge, sum) use the per-minute rollups when the step is a
// whole number of minutes and the aggregation can be computed from them (avg, sum, min, max,
// count, rate); percentiles and sub-minute steps read the raw points. Histogram metrics answer
// percentiles from their buckets (merged across series and points, cumulative points turned
// into increments), summaries from their reported quantiles.
//
// Buckets are aligned to multiples of the step since the epoch; the first bucket is the one
// containing `from`.
//
// Thread-safety: each function uses the caller's Reader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/log_queries.h"
#include "store/store.h"

namespace nightjar::collector {

struct MetricInfo {
  std::string name, type, unit, description;
  int32_t temporality = 0;
  bool monotonic = false;
  int64_t series = 0;
};

// Returns the stored metrics (name order), optionally only names starting with `prefix`.
Result<std::vector<MetricInfo>> ListMetrics(Reader& reader, const std::string& prefix, int limit);

struct SeriesInfo {
  int64_t id = 0;
  std::string metric, type, unit;
  std::string attributes;           // JSON object: point attributes
  std::string resource_attributes;  // JSON object
  std::string service;
  std::string scope_name;
};

// Returns the series of `metric` whose point or resource attributes match every filter.
Result<std::vector<SeriesInfo>> ListSeries(Reader& reader, const std::string& metric,
                                           const Filters& filters, int limit);

enum class Aggregation { kAvg, kSum, kMin, kMax, kCount, kRate, kP50, kP95, kP99 };

// Parses "avg", "sum", ..., "p99".
std::optional<Aggregation> ParseAggregation(std::string_view text);

struct MetricQuery {
  std::vector<std::string> metrics;  // several names overlay their series
  uint64_t from_unix_nano = 0;
  uint64_t to_unix_nano = 0;  // exclusive
  int64_t step_nanos = 60'000'000'000;
  Aggregation aggregation = Aggregation::kAvg;
  std::string group_by;  // attribute key (point attributes first, then resource); "" = one group
  Filters filters;
  int max_series = 100;  // series read per metric at most
  int max_buckets = 11000;
};

struct QuerySeries {
  std::string metric;
  std::string type;
  std::string group;  // the group_by attribute's value as text; "" when absent or not grouped
  std::vector<std::optional<double>> values;  // one per bucket; nullopt = no data
};

struct MetricQueryResult {
  uint64_t start_unix_nano = 0;
  int64_t step_nanos = 0;
  size_t buckets = 0;
  std::vector<QuerySeries> series;
  bool truncated = false;  // some metric had more than max_series series
  bool from_rollup = false;
};

// Aggregates `query.metrics` into buckets.
Result<MetricQueryResult> QueryMetrics(Reader& reader, const MetricQuery& query);

struct ValueHistogram {
  double min = 0;
  double max = 0;
  int64_t total = 0;
  std::vector<int64_t> counts;  // `bins` equal-width bins from min to max
};

// Returns how the values of number metric `metric` (or the per-point means of a distribution)
// spread over `bins` equal-width bins in [from, to).
Result<ValueHistogram> MetricValueHistogram(Reader& reader, const std::string& metric,
                                            const Filters& filters, uint64_t from_unix_nano,
                                            uint64_t to_unix_nano, int bins);

// Returns the q-quantile (0..1) of a histogram with `bounds` (upper bounds) and `counts`
// (bounds.size() + 1 entries), interpolating linearly within the bucket, as Prometheus's
// histogram_quantile does. nullopt when the histogram is empty.
std::optional<double> HistogramQuantile(double q, const std::vector<double>& bounds,
                                        const std::vector<double>& counts);

}  // namespace nightjar::collector
