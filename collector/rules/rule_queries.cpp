// Queries of `every` rules; see rule_queries.h.
#include "rules/rule_queries.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include "rules/lua_convert.h"
#include "store/metric_queries.h"

namespace nightjar::collector::rules {
namespace {

constexpr int kMaxVolumeBuckets = 2000;

// Returns the text of a JSON member (strings as they are, other scalars as their JSON text).
std::optional<std::string> MemberText(const rapidjson::Value& object, const std::string& key) {
  if (!object.IsObject()) return std::nullopt;
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || it->value.IsNull()) return std::nullopt;
  const rapidjson::Value& v = it->value;
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsNumber()) return FormatNumber(v.GetDouble());
  return std::nullopt;  // arrays and maps make no label
}

rapidjson::Document Parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) d.SetObject();
  return d;
}

// Returns the group of a record or series: each `by` key looked up in `sources` in order.
alerting::Labels GroupOf(const std::vector<std::string>& by,
                         const std::vector<const rapidjson::Value*>& sources,
                         const std::string& service) {
  alerting::Labels labels;
  for (const std::string& key : by) {
    std::optional<std::string> value;
    for (const rapidjson::Value* s : sources) {
      if ((value = MemberText(*s, key))) break;
    }
    if (!value && (key == "service" || key == "service.name") && !service.empty()) value = service;
    if (value) labels.emplace_back(key, *value);
  }
  SortLabels(&labels);
  return labels;
}

// Returns LogVolume's totals per series key over the buckets of `step` from the multiple of
// `step` at or before `from_ms` up to `to_ms`.
Result<std::map<std::string, double>> VolumeTotals(Reader& reader, const LogQuery& filter,
                                                   int64_t from_ms, int64_t to_ms, int64_t step,
                                                   VolumeSplit split) {
  VolumeQuery q;
  q.filter = filter;
  q.filter.from_ms = from_ms;
  q.filter.to_ms = to_ms;
  q.step_ms = step;
  q.split = split;
  q.max_buckets = kMaxVolumeBuckets;
  NJ_ASSIGN_OR_RETURN(VolumeResult v, LogVolume(reader, q));
  std::map<std::string, double> totals;
  for (const auto& [key, counts] : v.series) {
    for (int64_t c : counts) totals[key] += static_cast<double>(c);
  }
  return totals;
}

// LogVolume aligns its buckets to multiples of the step, so the first bucket may start before
// the window: what lies between that multiple and the window's start is counted again with a
// 1 ms step (less than one bucket, so within the bucket limit) and taken off.
Result<std::vector<GroupValue>> CountByVolume(Reader& reader, const LogCountRequest& r,
                                              VolumeSplit split) {
  int64_t from = r.filter.from_ms, to = r.filter.to_ms;
  int64_t step =
      std::max<int64_t>((to - from + kMaxVolumeBuckets - 2) / (kMaxVolumeBuckets - 1), 1);
  NJ_ASSIGN_OR_RETURN(auto totals, VolumeTotals(reader, r.filter, from, to, step, split));
  int64_t aligned = from - from % step;
  if (aligned < from) {
    NJ_ASSIGN_OR_RETURN(auto head, VolumeTotals(reader, r.filter, aligned, from, 1, split));
    for (const auto& [key, n] : head) totals[key] -= n;
  }
  std::vector<GroupValue> out;
  if (split == VolumeSplit::kNone) {
    double total = 0;
    for (const auto& [key, n] : totals) total += n;
    out.push_back({{}, total});
    return out;
  }
  for (const auto& [key, n] : totals) {
    if (n > 0) out.push_back({{{r.by[0], key}}, n});
  }
  return out;
}

Result<std::vector<GroupValue>> CountByScan(Reader& reader, const LogCountRequest& r) {
  std::map<alerting::Labels, double> groups;
  LogQuery q = r.filter;
  q.limit = 1000;
  int64_t scanned = 0;
  for (;;) {
    NJ_ASSIGN_OR_RETURN(LogPage page, SearchLogs(reader, q));
    for (const LogEntry& e : page.logs) {
      rapidjson::Document attributes = Parse(e.attributes);
      rapidjson::Document labels = Parse(e.labels.value_or("{}"));
      rapidjson::Document resource = Parse(e.resource_attributes);
      alerting::Labels group = GroupOf(r.by, {&attributes, &labels, &resource}, e.service);
      for (const std::string& key : r.by) {
        if (key == "level") group.emplace_back("level", SeverityLevelName(e.severity_number));
      }
      SortLabels(&group);
      groups[group] += 1;
    }
    scanned += static_cast<int64_t>(page.logs.size());
    if (!page.next_cursor) break;
    if (scanned >= r.max_scan) {
      return ResourceExhausted("more than " + std::to_string(r.max_scan) +
                               " records to group by attribute; narrow the filters or group by "
                               "service or level");
    }
    q.before_id = *page.next_cursor;
  }
  std::vector<GroupValue> out;
  for (auto& [labels, n] : groups) out.push_back({labels, n});
  return out;
}

// What a group accumulates over the window.
struct Acc {
  int64_t count = 0;
  double sum = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double rate = 0;  // sum of the series' per-second rates
  int64_t latest_time = -1;
  double latest = 0;
  std::vector<double> values;
};

double Quantile(double q, std::vector<double>& values) {
  std::sort(values.begin(), values.end());
  double rank = q * static_cast<double>(values.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(rank));
  size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (values[hi] - values[lo]) * (rank - static_cast<double>(lo));
}

std::optional<double> Finish(const std::string& fn, Acc& a) {
  if (fn == "latest") return a.latest_time >= 0 ? std::optional(a.latest) : std::nullopt;
  if (a.count == 0) return std::nullopt;
  if (fn == "avg") return a.sum / static_cast<double>(a.count);
  if (fn == "sum") return a.sum;
  if (fn == "min") return a.min;
  if (fn == "max") return a.max;
  if (fn == "count") return static_cast<double>(a.count);
  if (fn == "rate") return a.rate;
  if (fn == "p50") return Quantile(0.5, a.values);
  if (fn == "p95") return Quantile(0.95, a.values);
  if (fn == "p99") return Quantile(0.99, a.values);
  return std::nullopt;
}

struct MetricKind {
  std::string type;
  int32_t temporality = 0;
  bool monotonic = false;
};

// Reads one number series' points in the window into `a`.
Status AddNumberSeries(Reader& reader, const MetricWindowRequest& r, int64_t series_id,
                       const MetricKind& kind, Acc* a) {
  bool latest = r.function == "latest";
  NJ_ASSIGN_OR_RETURN(
      sqlite::Statement st,
      reader.db().Prepare(latest ? "SELECT time_unix_nano, value FROM points WHERE series_id = ? "
                                   "AND time_unix_nano >= ? AND time_unix_nano < ? AND value IS "
                                   "NOT NULL ORDER BY time_unix_nano DESC LIMIT 1"
                                 : "SELECT time_unix_nano, value FROM points WHERE series_id = ? "
                                   "AND time_unix_nano >= ? AND time_unix_nano < ? AND value IS "
                                   "NOT NULL ORDER BY time_unix_nano"));
  st.Bind(1, series_id).Bind(2, r.from_unix_nano).Bind(3, r.to_unix_nano);
  std::optional<double> first, prev;
  double increase = 0;
  bool keep_values = r.function.size() == 3 && r.function[0] == 'p';
  Status status = reader.ForEach(st, [&](const sqlite::Statement& row) {
    int64_t t = row.Int64(0);
    double v = row.Double(1);
    if (t > a->latest_time) {
      a->latest_time = t;
      a->latest = v;
    }
    ++a->count;
    a->sum += v;
    a->min = std::min(a->min, v);
    a->max = std::max(a->max, v);
    if (keep_values) a->values.push_back(v);
    if (kind.temporality == 1) {
      increase += v;  // delta points are increases already
    } else if (prev && kind.monotonic) {
      increase += v >= *prev ? v - *prev : v;  // a counter that went down was reset
    }
    if (!first) first = v;
    prev = v;
  });
  NJ_RETURN_IF_ERROR(reader.Check(status));
  double seconds = static_cast<double>(r.to_unix_nano - r.from_unix_nano) / 1e9;
  if (!kind.monotonic && kind.temporality != 1 && first) increase = *prev - *first;  // gauges
  if (seconds > 0) a->rate += increase / seconds;
  return Status::Ok();
}

Result<std::vector<GroupValue>> AggregateDistribution(Reader& reader,
                                                      const MetricWindowRequest& r) {
  if (r.function == "latest") {
    return InvalidArgument(r.metric + " is a distribution; use avg, count, rate or p50/p95/p99");
  }
  if (r.by.size() > 1) {
    return InvalidArgument(r.metric + " is a distribution; group it by one key at most");
  }
  int64_t window = r.to_unix_nano - r.from_unix_nano;
  MetricQuery q;
  q.metrics = {r.metric};
  q.to_unix_nano = static_cast<uint64_t>(r.to_unix_nano - r.to_unix_nano % window);
  q.from_unix_nano = q.to_unix_nano - static_cast<uint64_t>(window);
  q.step_nanos = window;
  q.aggregation = *ParseAggregation(r.function);
  q.group_by = r.by.empty() ? "" : r.by[0];
  q.filters = r.filters;
  q.max_series = r.max_series;
  NJ_ASSIGN_OR_RETURN(MetricQueryResult res, QueryMetrics(reader, q));
  std::vector<GroupValue> out;
  for (const QuerySeries& s : res.series) {
    if (s.values.empty() || !s.values.back()) continue;
    GroupValue g;
    if (!r.by.empty() && !s.group.empty()) g.labels.emplace_back(r.by[0], s.group);
    g.value = *s.values.back();
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace

bool IsMetricFunction(const std::string& name) {
  static const char* const kNames[] = {"latest", "avg",  "min", "max", "sum",
                                       "count",  "rate", "p50", "p95", "p99"};
  return std::any_of(std::begin(kNames), std::end(kNames),
                     [&](const char* n) { return name == n; });
}

Result<std::vector<GroupValue>> CountLogs(Reader& reader, const LogCountRequest& r) {
  if (r.filter.to_ms <= r.filter.from_ms) return InvalidArgument("the window must not be empty");
  if (r.by.empty()) return CountByVolume(reader, r, VolumeSplit::kNone);
  if (r.by.size() == 1 && (r.by[0] == "service" || r.by[0] == "level")) {
    return CountByVolume(reader, r,
                         r.by[0] == "service" ? VolumeSplit::kService : VolumeSplit::kSeverity);
  }
  return CountByScan(reader, r);
}

Result<std::vector<GroupValue>> AggregateMetric(Reader& reader, const MetricWindowRequest& r) {
  if (!IsMetricFunction(r.function)) return InvalidArgument("unknown function " + r.function);
  if (r.to_unix_nano <= r.from_unix_nano) return InvalidArgument("the window must not be empty");
  NJ_ASSIGN_OR_RETURN(std::vector<MetricInfo> infos, ListMetrics(reader, r.metric, 50));
  std::map<std::string, MetricKind> kinds;  // by type
  for (const MetricInfo& m : infos) {
    if (m.name == r.metric) kinds[m.type] = {m.type, m.temporality, m.monotonic};
  }
  if (kinds.empty()) return std::vector<GroupValue>{};
  bool numbers = kinds.count("gauge") + kinds.count("sum") > 0;
  if (!numbers) return AggregateDistribution(reader, r);

  NJ_ASSIGN_OR_RETURN(std::vector<SeriesInfo> series,
                      ListSeries(reader, r.metric, r.filters, r.max_series + 1));
  if (series.size() > static_cast<size_t>(r.max_series)) {
    return ResourceExhausted(r.metric + " has more than " + std::to_string(r.max_series) +
                             " series matching; add filters (where = {...})");
  }
  std::map<alerting::Labels, Acc> groups;
  for (const SeriesInfo& s : series) {
    auto kind = kinds.find(s.type);
    if (kind == kinds.end() || (s.type != "gauge" && s.type != "sum")) continue;
    rapidjson::Document attributes = Parse(s.attributes);
    rapidjson::Document resource = Parse(s.resource_attributes);
    Acc& a = groups[GroupOf(r.by, {&attributes, &resource}, s.service)];
    NJ_RETURN_IF_ERROR(AddNumberSeries(reader, r, s.id, kind->second, &a));
  }
  std::vector<GroupValue> out;
  for (auto& [labels, acc] : groups) {
    if (std::optional<double> v = Finish(r.function, acc)) out.push_back({labels, *v});
  }
  return out;
}

}  // namespace nightjar::collector::rules
