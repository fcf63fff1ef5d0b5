// Metric queries; see metric_queries.h.
#include "store/metric_queries.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "store/sql_builder.h"

namespace nightjar::collector {
namespace {

constexpr int64_t kNanosPerMinute = 60'000'000'000;

bool IsPercentile(Aggregation a) {
  return a == Aggregation::kP50 || a == Aggregation::kP95 || a == Aggregation::kP99;
}

double PercentileOf(Aggregation a) {
  return a == Aggregation::kP50 ? 0.5 : (a == Aggregation::kP95 ? 0.95 : 0.99);
}

// What one bucket of one group accumulates.
struct Acc {
  int64_t count = 0;
  double sum = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double increase = 0;
  bool has_increase = false;
  std::vector<double> values;  // raw values, for percentiles
  std::vector<double> bounds;  // merged histogram
  std::vector<double> counts;

  void Add(double v, int64_t n = 1) {
    count += n;
    sum += v;
    min = std::min(min, v);
    max = std::max(max, v);
  }
};

// Returns the q-quantile of `values` (sorted in place), interpolating between ranks.
double QuantileOfValues(double q, std::vector<double>& values) {
  std::sort(values.begin(), values.end());
  double rank = q * static_cast<double>(values.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(rank));
  size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (values[hi] - values[lo]) * (rank - static_cast<double>(lo));
}

// A distribution point's buckets as explicit upper bounds and counts.
bool ReadBuckets(const rapidjson::Value& data, std::vector<double>* bounds,
                 std::vector<double>* counts) {
  bounds->clear();
  counts->clear();
  if (data.HasMember("bounds") && data.HasMember("counts")) {
    for (const auto& b : data["bounds"].GetArray()) bounds->push_back(b.GetDouble());
    for (const auto& c : data["counts"].GetArray()) counts->push_back(c.GetDouble());
    return counts->size() == bounds->size() + 1;
  }
  if (data.HasMember("scale")) {
    // Exponential buckets: index k covers (base^k, base^(k+1)], base = 2^(2^-scale). Negative
    // values are folded into the zero bucket: quantiles of latency-like data stay exact.
    double base = std::exp2(std::exp2(-data["scale"].GetDouble()));
    double zero = data["zero_count"].GetDouble();
    if (data.HasMember("negative")) {
      for (const auto& c : data["negative"]["counts"].GetArray()) zero += c.GetDouble();
    }
    bounds->push_back(data["zero_threshold"].GetDouble());
    counts->push_back(zero);
    const auto& pos = data["positive"];
    double offset = pos["offset"].GetDouble();
    double i = 0;
    for (const auto& c : pos["counts"].GetArray()) {
      bounds->push_back(std::pow(base, offset + i + 1));
      counts->push_back(c.GetDouble());
      i += 1;
    }
    counts->push_back(0);
    return true;
  }
  return false;
}

// Returns the value of the reported quantile nearest to q in a summary point.
std::optional<double> SummaryQuantile(const rapidjson::Value& data, double q) {
  if (!data.HasMember("quantiles")) return std::nullopt;
  std::optional<double> best;
  double distance = 2;
  for (const auto& pair : data["quantiles"].GetArray()) {
    double d = std::fabs(pair[0].GetDouble() - q);
    if (d < distance) {
      distance = d;
      best = pair[1].GetDouble();
    }
  }
  return best;
}

struct SeriesRow {
  int64_t id;
  std::string type;
  int32_t temporality;
  std::string group;
};

// Completes `b` (which has its SELECT list over m = metrics, se = series, r = resources) with
// the series of `metric` matching `filters`, and prepares it.
Result<sqlite::Statement> PrepareSeriesQuery(Reader& reader, SqlBuilder& b,
                                             const std::string& metric, const Filters& filters,
                                             int limit) {
  b.Sql(
       " FROM metrics m CROSS JOIN series se ON se.metric_id = m.id CROSS JOIN resources r ON "
       "r.id = se.resource_id WHERE m.name = ")
      .Param(metric);
  for (const auto& [k, v] : filters) {
    NJ_RETURN_IF_ERROR(b.AndJsonEqualsEither("se.attributes", "r.attributes", k, v));
  }
  b.Sql(" ORDER BY se.id LIMIT ").Param(int64_t{limit});
  auto st = b.Prepare(reader.db());
  if (!st.ok()) return reader.Check(st.status());
  return st;
}

Result<std::vector<SeriesRow>> FindSeries(Reader& reader, const std::string& metric,
                                          const std::string& group_by, const Filters& filters,
                                          int limit) {
  SqlBuilder b;
  b.Sql("SELECT se.id, m.type, m.temporality, ");
  if (group_by.empty()) {
    b.Sql("''");
  } else {
    NJ_ASSIGN_OR_RETURN(std::string path, JsonPath(group_by));
    b.Sql("coalesce(CAST(coalesce(json_extract(se.attributes, ").Param(path);
    b.Sql("), json_extract(r.attributes, ").Param(path).Sql(")) AS TEXT), '')");
  }
  NJ_ASSIGN_OR_RETURN(sqlite::Statement st, PrepareSeriesQuery(reader, b, metric, filters, limit));
  std::vector<SeriesRow> out;
  NJ_RETURN_IF_ERROR(reader.ForEach(st, [&](const sqlite::Statement& r) {
    out.push_back(SeriesRow{r.Int64(0), std::string(r.Text(1)), static_cast<int32_t>(r.Int64(2)),
                            std::string(r.Text(3))});
  }));
  return out;
}

bool IsNumberType(const std::string& type) { return type == "gauge" || type == "sum"; }

class Aggregator {
 public:
  Aggregator(const MetricQuery& q, uint64_t start, size_t buckets)
      : q_(q), start_(start), buckets_(buckets) {}

  // Returns the bucket of `t`, or -1 outside the range.
  int64_t Bucket(int64_t t) const {
    if (t < static_cast<int64_t>(start_) || t >= static_cast<int64_t>(q_.to_unix_nano)) return -1;
    int64_t b = (t - static_cast<int64_t>(start_)) / q_.step_nanos;
    return b < static_cast<int64_t>(buckets_) ? b : -1;
  }

  std::vector<Acc>& Group(const std::string& type, const std::string& group) {
    auto& accs = groups_[{type, group}];
    if (accs.empty()) accs.resize(buckets_);
    return accs;
  }

  Status AddRollups(Reader& reader, const SeriesRow& s, bool delta) {
    // Only the columns the aggregation needs: reading a column is most of a row's cost.
    const char* columns = "count, sum";
    switch (q_.aggregation) {
      case Aggregation::kCount:
        columns = "count";
        break;
      case Aggregation::kMin:
        columns = "min";
        break;
      case Aggregation::kMax:
        columns = "max";
        break;
      case Aggregation::kRate:
        columns = delta ? "sum" : "first_value, last_value";
        break;
      default:
        break;
    }
    SqlBuilder b;
    b.Sql("SELECT minute, ").Sql(columns).Sql(" FROM rollup_1m WHERE series_id = ").Param(s.id);
    b.Sql(" AND minute >= ").Param(static_cast<int64_t>(start_) / kNanosPerMinute);
    b.Sql(" AND minute < ")
        .Param(static_cast<int64_t>((q_.to_unix_nano + kNanosPerMinute - 1) / kNanosPerMinute));
    b.Sql(" ORDER BY minute");
    NJ_ASSIGN_OR_RETURN(sqlite::Statement st, b.Prepare(reader.db()));
    std::vector<Acc>& accs = Group(s.type, s.group);
    std::optional<double> prev_last;
    Aggregation agg = q_.aggregation;
    return reader.ForEach(st, [&](const sqlite::Statement& r) {
      int64_t bucket = Bucket(r.Int64(0) * kNanosPerMinute);
      if (bucket < 0) return;
      Acc& a = accs[static_cast<size_t>(bucket)];
      switch (agg) {
        case Aggregation::kMin:
          a.min = std::min(a.min, r.Double(1));
          return;
        case Aggregation::kMax:
          a.max = std::max(a.max, r.Double(1));
          return;
        case Aggregation::kCount:
          a.count += r.Int64(1);
          return;
        case Aggregation::kRate: {
          a.has_increase = true;
          if (delta) {
            a.increase += r.Double(1);
            return;
          }
          double first = r.Double(1), last = r.Double(2);
          // A counter that went down was reset; what it shows since is the increase.
          a.increase += last >= first ? last - first : last;
          if (prev_last) a.increase += first >= *prev_last ? first - *prev_last : first;
          prev_last = last;
          return;
        }
        default:
          a.count += r.Int64(1);
          a.sum += r.Double(2);
          return;
      }
    });
  }

  Status AddPoints(Reader& reader, const SeriesRow& s, bool delta) {
    SqlBuilder b;
    b.Sql("SELECT time_unix_nano, value FROM points WHERE series_id = ").Param(s.id);
    b.Sql(" AND time_unix_nano >= ").Param(static_cast<int64_t>(start_));
    b.Sql(" AND time_unix_nano < ").Param(static_cast<int64_t>(q_.to_unix_nano));
    b.Sql(" AND value IS NOT NULL ORDER BY time_unix_nano");
    NJ_ASSIGN_OR_RETURN(sqlite::Statement st, b.Prepare(reader.db()));
    std::vector<Acc>& accs = Group(s.type, s.group);
    std::optional<double> prev;
    bool keep_values = IsPercentile(q_.aggregation);
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return reader.Check(row.status());
      if (!*row) break;
      int64_t bucket = Bucket(st.Int64(0));
      double v = st.Double(1);
      if (bucket >= 0) {
        Acc& a = accs[static_cast<size_t>(bucket)];
        a.Add(v);
        if (keep_values) a.values.push_back(v);
        a.has_increase = true;
        if (delta) {
          a.increase += v;
        } else if (prev) {
          a.increase += v >= *prev ? v - *prev : v;
        }
      }
      prev = v;
    }
    return Status::Ok();
  }

  Status AddDistributions(Reader& reader, const SeriesRow& s) {
    SqlBuilder b;
    b.Sql(
         "SELECT time_unix_nano, start_time_unix_nano, count, sum, min, max, data FROM "
         "dist_points WHERE series_id = ")
        .Param(s.id);
    b.Sql(" AND time_unix_nano >= ").Param(static_cast<int64_t>(start_));
    b.Sql(" AND time_unix_nano < ").Param(static_cast<int64_t>(q_.to_unix_nano));
    b.Sql(" ORDER BY time_unix_nano");
    NJ_ASSIGN_OR_RETURN(sqlite::Statement st, b.Prepare(reader.db()));
    std::vector<Acc>& accs = Group(s.type, s.group);
    bool cumulative = s.temporality == 2;
    int64_t prev_start = -1;
    double prev_count = 0, prev_sum = 0;
    std::vector<double> prev_counts, bounds, counts;
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return reader.Check(row.status());
      if (!*row) break;
      int64_t bucket = Bucket(st.Int64(0));
      int64_t start = st.Int64(1);
      double count = static_cast<double>(st.Int64(2));
      double sum = st.IsNull(3) ? 0 : st.Double(3);
      rapidjson::Document data;
      std::string_view text = st.Text(6);
      data.Parse(text.data(), text.size());
      if (data.HasParseError() || !data.IsObject()) continue;
      bool has_buckets = ReadBuckets(data, &bounds, &counts);
      // A cumulative point counts from its start time: subtract the previous point of the same
      // run to get what happened since, unless the counter was reset.
      double dcount = count, dsum = sum;
      std::vector<double> dcounts = counts;
      bool same_run = cumulative && start == prev_start && count >= prev_count &&
                      prev_counts.size() == counts.size();
      if (same_run) {
        dcount -= prev_count;
        dsum -= prev_sum;
        for (size_t i = 0; i < dcounts.size(); ++i) dcounts[i] -= prev_counts[i];
      }
      prev_start = start;
      prev_count = count;
      prev_sum = sum;
      prev_counts = counts;
      if (bucket < 0) continue;
      Acc& a = accs[static_cast<size_t>(bucket)];
      a.count += static_cast<int64_t>(dcount);
      a.sum += dsum;
      if (!st.IsNull(4)) a.min = std::min(a.min, st.Double(4));
      if (!st.IsNull(5)) a.max = std::max(a.max, st.Double(5));
      a.has_increase = true;
      a.increase += dcount;
      if (!IsPercentile(q_.aggregation)) continue;
      if (has_buckets) {
        if (a.bounds.empty() && a.counts.empty()) {
          a.bounds = bounds;
          a.counts.assign(dcounts.size(), 0);
        }
        if (a.bounds == bounds) {
          for (size_t i = 0; i < dcounts.size(); ++i) a.counts[i] += dcounts[i];
        }
      } else if (auto v = SummaryQuantile(data, PercentileOf(q_.aggregation))) {
        a.values.push_back(*v);
      }
    }
    return Status::Ok();
  }

  std::optional<double> Value(const std::string& type, Acc& a) const {
    double step_s = static_cast<double>(q_.step_nanos) / 1e9;
    switch (q_.aggregation) {
      case Aggregation::kAvg:
        return a.count > 0 ? std::optional<double>(a.sum / static_cast<double>(a.count))
                           : std::nullopt;
      case Aggregation::kSum:
        return a.count > 0 ? std::optional<double>(a.sum) : std::nullopt;
      case Aggregation::kMin:
        return std::isfinite(a.min) ? std::optional<double>(a.min) : std::nullopt;
      case Aggregation::kMax:
        return std::isfinite(a.max) ? std::optional<double>(a.max) : std::nullopt;
      case Aggregation::kCount:
        return a.count > 0 || a.has_increase ? std::optional<double>(static_cast<double>(a.count))
                                             : std::nullopt;
      case Aggregation::kRate:
        return a.has_increase ? std::optional<double>(a.increase / step_s) : std::nullopt;
      case Aggregation::kP50:
      case Aggregation::kP95:
      case Aggregation::kP99: {
        double q = PercentileOf(q_.aggregation);
        if (type == "histogram" || type == "exponential_histogram") {
          return HistogramQuantile(q, a.bounds, a.counts);
        }
        if (a.values.empty()) return std::nullopt;
        if (type == "summary") {
          double total = 0;
          for (double v : a.values) total += v;
          return total / static_cast<double>(a.values.size());
        }
        return QuantileOfValues(q, a.values);
      }
    }
    return std::nullopt;
  }

  void Finish(const std::string& metric, std::vector<QuerySeries>* out) {
    for (auto& [key, accs] : groups_) {
      QuerySeries s;
      s.metric = metric;
      s.type = key.first;
      s.group = key.second;
      for (Acc& a : accs) s.values.push_back(Value(key.first, a));
      out->push_back(std::move(s));
    }
    groups_.clear();
  }

 private:
  const MetricQuery& q_;
  uint64_t start_;
  size_t buckets_;
  std::map<std::pair<std::string, std::string>, std::vector<Acc>> groups_;
};

}  // namespace

std::optional<Aggregation> ParseAggregation(std::string_view text) {
  static const std::pair<const char*, Aggregation> kNames[] = {
      {"avg", Aggregation::kAvg}, {"sum", Aggregation::kSum},     {"min", Aggregation::kMin},
      {"max", Aggregation::kMax}, {"count", Aggregation::kCount}, {"rate", Aggregation::kRate},
      {"p50", Aggregation::kP50}, {"p95", Aggregation::kP95},     {"p99", Aggregation::kP99}};
  for (const auto& [name, a] : kNames) {
    if (text == name) return a;
  }
  return std::nullopt;
}

std::optional<double> HistogramQuantile(double q, const std::vector<double>& bounds,
                                        const std::vector<double>& counts) {
  double total = 0;
  for (double c : counts) total += std::max(c, 0.0);
  if (total <= 0 || counts.size() != bounds.size() + 1) return std::nullopt;
  double rank = q * total;
  double cumulative = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    double c = std::max(counts[i], 0.0);
    if (cumulative + c >= rank && c > 0) {
      // The +Inf bucket has no upper bound: answer its lower bound, as Prometheus does.
      if (i == bounds.size()) return bounds.empty() ? std::nullopt : std::optional(bounds.back());
      double lower = i == 0 ? std::min(0.0, bounds[0]) : bounds[i - 1];
      double upper = bounds[i];
      return lower + (upper - lower) * (rank - cumulative) / c;
    }
    cumulative += c;
  }
  return bounds.empty() ? std::nullopt : std::optional(bounds.back());
}

Result<std::vector<MetricInfo>> ListMetrics(Reader& reader, const std::string& prefix, int limit) {
  SqlBuilder b;
  b.Sql(
      "SELECT m.name, m.type, m.unit, m.description, m.temporality, m.monotonic, "
      "(SELECT count(*) FROM series se WHERE se.metric_id = m.id) FROM metrics m");
  if (!prefix.empty()) {
    b.Sql(" WHERE substr(m.name, 1, ").Param(static_cast<int64_t>(prefix.size()));
    b.Sql(") = ").Param(prefix);
  }
  b.Sql(" ORDER BY m.name, m.type, m.unit LIMIT ").Param(int64_t{limit});
  auto st = b.Prepare(reader.db());
  if (!st.ok()) return reader.Check(st.status());
  std::vector<MetricInfo> out;
  NJ_RETURN_IF_ERROR(reader.ForEach(*st, [&](const sqlite::Statement& r) {
    out.push_back(MetricInfo{std::string(r.Text(0)), std::string(r.Text(1)), std::string(r.Text(2)),
                             std::string(r.Text(3)), static_cast<int32_t>(r.Int64(4)),
                             r.Int64(5) != 0, r.Int64(6)});
  }));
  return out;
}

Result<std::vector<SeriesInfo>> ListSeries(Reader& reader, const std::string& metric,
                                           const Filters& filters, int limit) {
  SqlBuilder b;
  b.Sql("SELECT se.id, m.name, m.type, m.unit, se.attributes, r.attributes, r.service, ");
  b.Sql("(SELECT name FROM scopes WHERE id = se.scope_id)");
  NJ_ASSIGN_OR_RETURN(sqlite::Statement st, PrepareSeriesQuery(reader, b, metric, filters, limit));
  std::vector<SeriesInfo> out;
  NJ_RETURN_IF_ERROR(reader.ForEach(st, [&](const sqlite::Statement& r) {
    out.push_back(SeriesInfo{r.Int64(0), std::string(r.Text(1)), std::string(r.Text(2)),
                             std::string(r.Text(3)), std::string(r.Text(4)), std::string(r.Text(5)),
                             std::string(r.Text(6)), std::string(r.Text(7))});
  }));
  return out;
}

Result<MetricQueryResult> QueryMetrics(Reader& reader, const MetricQuery& q) {
  if (q.step_nanos <= 0) return InvalidArgument("step: must be positive");
  if (q.to_unix_nano <= q.from_unix_nano) return InvalidArgument("to: must be after from");
  MetricQueryResult out;
  out.step_nanos = q.step_nanos;
  out.start_unix_nano = q.from_unix_nano - q.from_unix_nano % static_cast<uint64_t>(q.step_nanos);
  uint64_t buckets =
      (q.to_unix_nano - out.start_unix_nano + static_cast<uint64_t>(q.step_nanos) - 1) /
      static_cast<uint64_t>(q.step_nanos);
  if (buckets > static_cast<uint64_t>(q.max_buckets)) {
    return InvalidArgument("step: " + std::to_string(buckets) + " buckets in the range; at most " +
                           std::to_string(q.max_buckets) + " (use a larger step)");
  }
  out.buckets = static_cast<size_t>(buckets);
  bool rollup = !IsPercentile(q.aggregation) && q.step_nanos % kNanosPerMinute == 0;
  out.from_rollup = rollup;
  Aggregator agg(q, out.start_unix_nano, out.buckets);
  for (const std::string& metric : q.metrics) {
    NJ_ASSIGN_OR_RETURN(std::vector<SeriesRow> series,
                        FindSeries(reader, metric, q.group_by, q.filters, q.max_series + 1));
    if (series.size() > static_cast<size_t>(q.max_series)) {
      series.resize(static_cast<size_t>(q.max_series));
      out.truncated = true;
    }
    for (const SeriesRow& s : series) {
      bool delta = s.type == "sum" && s.temporality == 1;
      if (!IsNumberType(s.type)) {
        NJ_RETURN_IF_ERROR(agg.AddDistributions(reader, s));
      } else if (rollup) {
        NJ_RETURN_IF_ERROR(agg.AddRollups(reader, s, delta));
      } else {
        NJ_RETURN_IF_ERROR(agg.AddPoints(reader, s, delta));
      }
    }
    agg.Finish(metric, &out.series);
  }
  return out;
}

Result<ValueHistogram> MetricValueHistogram(Reader& reader, const std::string& metric,
                                            const Filters& filters, uint64_t from_unix_nano,
                                            uint64_t to_unix_nano, int bins) {
  if (bins <= 0) return InvalidArgument("bins: must be positive");
  NJ_ASSIGN_OR_RETURN(std::vector<SeriesRow> series,
                      FindSeries(reader, metric, "", filters, std::numeric_limits<int>::max()));
  std::vector<double> values;
  for (const SeriesRow& s : series) {
    SqlBuilder b;
    if (IsNumberType(s.type)) {
      b.Sql("SELECT value FROM points WHERE value IS NOT NULL AND series_id = ").Param(s.id);
    } else {
      b.Sql(
           "SELECT sum / count FROM dist_points WHERE count > 0 AND sum IS NOT NULL AND "
           "series_id = ")
          .Param(s.id);
    }
    b.Sql(" AND time_unix_nano >= ").Param(static_cast<int64_t>(from_unix_nano));
    b.Sql(" AND time_unix_nano < ").Param(static_cast<int64_t>(to_unix_nano));
    NJ_ASSIGN_OR_RETURN(sqlite::Statement st, b.Prepare(reader.db()));
    NJ_RETURN_IF_ERROR(reader.ForEach(st, [&](const sqlite::Statement& r) {
      double v = r.Double(0);
      if (std::isfinite(v)) values.push_back(v);
    }));
  }
  ValueHistogram h;
  h.counts.assign(static_cast<size_t>(bins), 0);
  if (values.empty()) return h;
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  h.min = *lo;
  h.max = *hi;
  h.total = static_cast<int64_t>(values.size());
  double width = (h.max - h.min) / bins;
  for (double v : values) {
    size_t i = width > 0 ? static_cast<size_t>((v - h.min) / width) : 0;
    ++h.counts[std::min(i, h.counts.size() - 1)];
  }
  return h;
}

}  // namespace nightjar::collector
