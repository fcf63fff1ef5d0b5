// The REST query API; see query_api.h.
#include "api/query_api.h"

#include <Poco/URI.h>

#include <cmath>

#include "api/openapi.h"
#include "base/hex.h"
#include "base/logging.h"
#include "runtime/http_error.h"
#include "store/anomaly_queries.h"
#include "store/log_queries.h"
#include "store/metric_queries.h"
#include "store/value_json.h"

namespace nightjar::collector {
namespace {

constexpr const char* kJson = "application/json";

std::string Done(rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

void Key(JsonWriter& w, const char* key) { w.Key(key); }

void Str(JsonWriter& w, const char* key, std::string_view value) {
  w.Key(key);
  WriteString(w, value);
}

void Int64String(JsonWriter& w, const char* key, int64_t value) {
  Str(w, key, std::to_string(value));
}

void Number(JsonWriter& w, double v) {
  if (std::isfinite(v)) {
    w.Double(v);
  } else {
    w.Null();
  }
}

void WriteLog(JsonWriter& w, const LogEntry& e) {
  w.StartObject();
  Int64String(w, "id", e.id);
  uint64_t t = e.time_unix_nano != 0 ? e.time_unix_nano : e.observed_time_unix_nano;
  Str(w, "time", FormatRfc3339(t != 0 ? static_cast<int64_t>(t) : LogIdTimeMs(e.id) * 1'000'000));
  Str(w, "time_unix_nano", std::to_string(e.time_unix_nano));
  Str(w, "observed_time_unix_nano", std::to_string(e.observed_time_unix_nano));
  Key(w, "severity_number");
  w.Int(e.severity_number);
  Str(w, "severity_text", e.severity_text);
  Key(w, "body");
  if (e.body) {
    WriteString(w, *e.body);
  } else if (e.body_json) {
    WriteRaw(w, *e.body_json);
  } else {
    w.Null();
  }
  Key(w, "attributes");
  WriteRaw(w, e.attributes);
  Key(w, "dropped_attributes_count");
  w.Uint(e.dropped_attributes_count);
  Key(w, "flags");
  w.Uint(e.flags);
  Str(w, "trace_id",
      HexEncode(reinterpret_cast<const uint8_t*>(e.trace_id.data()), e.trace_id.size()));
  Str(w, "span_id",
      HexEncode(reinterpret_cast<const uint8_t*>(e.span_id.data()), e.span_id.size()));
  Str(w, "event_name", e.event_name);
  Key(w, "labels");
  WriteRaw(w, e.labels ? *e.labels : "{}");
  Str(w, "service", e.service);
  Key(w, "resource");
  w.StartObject();
  Key(w, "attributes");
  WriteRaw(w, e.resource_attributes);
  Key(w, "dropped_attributes_count");
  w.Uint(e.resource_dropped);
  Str(w, "schema_url", e.resource_schema_url);
  w.EndObject();
  Key(w, "scope");
  w.StartObject();
  Str(w, "name", e.scope_name);
  Str(w, "version", e.scope_version);
  Key(w, "attributes");
  WriteRaw(w, e.scope_attributes);
  Key(w, "dropped_attributes_count");
  w.Uint(e.scope_dropped);
  Str(w, "schema_url", e.scope_schema_url);
  w.EndObject();
  w.EndObject();
}

void WriteLogs(JsonWriter& w, const char* key, const std::vector<LogEntry>& logs) {
  Key(w, key);
  w.StartArray();
  for (const LogEntry& e : logs) WriteLog(w, e);
  w.EndArray();
}

// Reads the filters every log query accepts.
Status ReadLogFilters(const QueryParams& p, int64_t now, LogQuery* q) {
  q->words = p.Get("q").value_or("");
  q->fts = p.Get("fts").value_or("");
  q->service = p.Get("service").value_or("");
  NJ_ASSIGN_OR_RETURN(q->severity_min, p.Severity("severity_min", 0, false));
  NJ_ASSIGN_OR_RETURN(q->severity_max, p.Severity("severity_max", 255, true));
  q->attributes = p.WithPrefix("attr.");
  q->resource_attributes = p.WithPrefix("resource.");
  q->labels = p.WithPrefix("label.");
  (void)now;
  return Status::Ok();
}

// Reads `from` and `to` (default: the `span` before now); to must be after from.
Result<std::pair<int64_t, int64_t>> ReadRange(const QueryParams& p, int64_t now, int64_t span) {
  NJ_ASSIGN_OR_RETURN(int64_t from, p.Time("from", now - span, now));
  NJ_ASSIGN_OR_RETURN(int64_t to, p.Time("to", now, now));
  if (to <= from) return InvalidArgument("to: must be after from");
  return std::make_pair(from, to);
}

// Reads what every search over time-ordered ids (log records, anomalies) takes into `q`:
// `from` and `to` (default: everything) as the millisecond range [from_ms, to_ms), a `to`
// inside a millisecond including that millisecond; `limit`; and `cursor`, the id the page
// starts below.
template <typename Query>
Status ReadKeysetPage(const QueryParams& p, int64_t now, int max_limit, Query* q) {
  NJ_ASSIGN_OR_RETURN(int64_t from, p.Time("from", 0, now));
  NJ_ASSIGN_OR_RETURN(int64_t to, p.Time("to", kMaxLogTimeMs * 1'000'000, now));
  q->from_ms = from / 1'000'000;
  q->to_ms = to / 1'000'000 + (to % 1'000'000 != 0 ? 1 : 0);
  NJ_ASSIGN_OR_RETURN(int64_t limit, p.Int("limit", 100, 1, max_limit));
  q->limit = static_cast<int>(limit);
  NJ_ASSIGN_OR_RETURN(q->before_id, p.Int("cursor", 0, 1, INT64_MAX));
  return Status::Ok();
}

// Writes "next_cursor": the id as a string, or null on the last page.
void WriteCursor(JsonWriter& w, const std::optional<int64_t>& cursor) {
  Key(w, "next_cursor");
  if (cursor) {
    WriteString(w, std::to_string(*cursor));
  } else {
    w.Null();
  }
}

void WriteAnomaly(JsonWriter& w, const Anomaly& a) {
  w.StartObject();
  Int64String(w, "id", a.id);
  Int64String(w, "series_id", a.series_id);
  Str(w, "metric", a.metric);
  Key(w, "attributes");
  WriteRaw(w, a.attributes);
  Key(w, "resource_attributes");
  WriteRaw(w, a.resource_attributes);
  Str(w, "service", a.service);
  Str(w, "time", FormatRfc3339(static_cast<int64_t>(a.time_unix_nano)));
  Str(w, "time_unix_nano", std::to_string(a.time_unix_nano));
  Key(w, "value");
  Number(w, a.value);
  Key(w, "score");
  Number(w, a.score);
  Str(w, "reason", a.reason);
  Str(w, "detector", a.detector);
  Str(w, "plugin", a.plugin);
  w.EndObject();
}

constexpr int64_t kHour = 3'600'000'000'000;

}  // namespace

QueryApi::QueryApi(Store* store, const BearerAuth* auth, QueryApiOptions options,
                   SelfMetrics* metrics, PluginsProvider plugins, const Clock* clock)
    : store_(store),
      auth_(auth),
      options_(options),
      metrics_(metrics),
      plugins_(std::move(plugins)),
      clock_(clock) {}

void QueryApi::SetOptions(QueryApiOptions options) {
  std::lock_guard<std::mutex> lock(options_mutex_);
  options_ = options;
}

QueryApiOptions QueryApi::Limits() const {
  std::lock_guard<std::mutex> lock(options_mutex_);
  return options_;
}

std::vector<std::pair<std::string, std::string>> QueryApi::Routes() {
  return {{"GET", "/api/v1/logs"},
          {"GET", "/api/v1/logs/context"},
          {"GET", "/api/v1/logs/volume"},
          {"GET", "/api/v1/metrics"},
          {"GET", "/api/v1/metrics/series"},
          {"GET", "/api/v1/metrics/query"},
          {"GET", "/api/v1/metrics/histogram"},
          {"GET", "/api/v1/anomalies"},
          {"GET", "/api/v1/plugins"},
          {"GET", "/api/v1/openapi.json"}};
}

void QueryApi::Register(HttpServer& server) {
  const std::pair<const char*, Handler> kHandlers[] = {
      {"/api/v1/logs", &QueryApi::Logs},
      {"/api/v1/logs/context", &QueryApi::LogContext},
      {"/api/v1/logs/volume", &QueryApi::LogVolume},
      {"/api/v1/metrics", &QueryApi::Metrics},
      {"/api/v1/metrics/series", &QueryApi::Series},
      {"/api/v1/metrics/query", &QueryApi::MetricQuery},
      {"/api/v1/metrics/histogram", &QueryApi::MetricHistogram},
      {"/api/v1/anomalies", &QueryApi::Anomalies},
      {"/api/v1/plugins", &QueryApi::Plugins},
  };
  for (const auto& [path, handler] : kHandlers) {
    std::string name = std::string(path).substr(8);  // "logs/context", ...
    server.Route("GET", path,
                 [this, name, h = handler](HttpServer::Request& req, HttpServer::Response& res) {
                   Serve(name, h, req, res);
                 });
  }
  server.Route("GET", "/api/v1/openapi.json",
               [this](HttpServer::Request&, HttpServer::Response& res) {
                 int64_t start = clock_->MonotonicNanos();
                 HttpServer::Send(res, 200, kJson, OpenApiDocument());
                 metrics_->RecordHttp("openapi", 200,
                                      static_cast<double>(clock_->MonotonicNanos() - start) / 1e9);
               });
}

void QueryApi::Serve(const std::string& name, Handler handler, HttpServer::Request& request,
                     HttpServer::Response& response) {
  int64_t start = clock_->MonotonicNanos();
  Reply reply;
  if (!auth_->Check(request.get("Authorization", ""))) {
    metrics_->unauthorized.With({"api"}).Inc();
    response.set("WWW-Authenticate", "Bearer");
    reply = Error(Status(StatusCode::kUnauthenticated,
                         "missing or invalid bearer token (Authorization: Bearer <token>)"));
  } else {
    std::string uri = request.getURI();
    size_t q = uri.find('?');
    auto params = QueryParams::Parse(q == std::string::npos ? "" : uri.substr(q + 1));
    reply = params.ok() ? (this->*handler)(*params) : Error(params.status());
  }
  HttpServer::Send(response, reply.status, kJson, reply.body);
  metrics_->RecordHttp("api_" + name, reply.status,
                       static_cast<double>(clock_->MonotonicNanos() - start) / 1e9);
}

QueryApi::Reply QueryApi::Error(const Status& status) {
  int code = HttpStatusFor(status.code());
  if (status.code() == StatusCode::kDeadlineExceeded) metrics_->query_timeouts.Get().Inc();
  if (code == 500) log::Error("api", "query failed", {{"error", status.ToString()}});
  return Reply{code, ErrorJson(status)};
}

#define NJ_API_TRY(lhs, expr)                        \
  auto lhs##_r = (expr);                             \
  if (!lhs##_r.ok()) return Error(lhs##_r.status()); \
  auto lhs = std::move(lhs##_r).value()

#define NJ_API_CHECK(expr)                  \
  do {                                      \
    Status nj_st_ = (expr);                 \
    if (!nj_st_.ok()) return Error(nj_st_); \
  } while (0)

QueryApi::Reply QueryApi::Logs(const QueryParams& p) {
  NJ_API_CHECK(p.AllowOnly(
      {"q", "fts", "service", "severity_min", "severity_max", "from", "to", "limit", "cursor"},
      {"attr.", "resource.", "label."}));
  int64_t now = clock_->NowUnixNanos();
  LogQuery q;
  NJ_API_CHECK(ReadLogFilters(p, now, &q));
  NJ_API_CHECK(ReadKeysetPage(p, now, Limits().max_limit, &q));
  NJ_API_TRY(reader, store_->AcquireReader(Limits().query_timeout));
  NJ_API_TRY(page, SearchLogs(*reader, q));
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  WriteLogs(w, "logs", page.logs);
  WriteCursor(w, page.next_cursor);
  w.EndObject();
  return Reply{200, Done(buffer)};
}

QueryApi::Reply QueryApi::LogContext(const QueryParams& p) {
  NJ_API_CHECK(p.AllowOnly({"id", "before", "after", "by"}));
  if (!p.Get("id")) return Error(InvalidArgument("id: required"));
  NJ_API_TRY(id, p.Int("id", 0, 1, INT64_MAX));
  NJ_API_TRY(before, p.Int("before", 10, 0, Limits().max_limit));
  NJ_API_TRY(after, p.Int("after", 10, 0, Limits().max_limit));
  std::string by = p.Get("by").value_or("stream");
  if (by != "stream" && by != "file") {
    return Error(InvalidArgument("by: expected stream or file, got \"" + by + "\""));
  }
  NJ_API_TRY(reader, store_->AcquireReader(Limits().query_timeout));
  NJ_API_TRY(ctx, GetLogContext(*reader, id, static_cast<int>(before), static_cast<int>(after),
                                by == "file"));
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  WriteLogs(w, "before", ctx.before);
  Key(w, "record");
  WriteLog(w, ctx.record);
  WriteLogs(w, "after", ctx.after);
  w.EndObject();
  return Reply{200, Done(buffer)};
}

QueryApi::Reply QueryApi::LogVolume(const QueryParams& p) {
  NJ_API_CHECK(p.AllowOnly(
      {"q", "fts", "service", "severity_min", "severity_max", "from", "to", "step", "by"},
      {"attr.", "resource.", "label."}));
  int64_t now = clock_->NowUnixNanos();
  VolumeQuery v;
  NJ_API_CHECK(ReadLogFilters(p, now, &v.filter));
  NJ_API_TRY(range, ReadRange(p, now, 24 * kHour));
  v.filter.from_ms = range.first / 1'000'000;
  v.filter.to_ms = range.second / 1'000'000;
  NJ_API_TRY(step, p.Dur("step", std::chrono::minutes(1)));
  if (step < std::chrono::milliseconds(1)) {
    return Error(InvalidArgument("step: must be at least 1ms"));
  }
  v.step_ms = std::chrono::duration_cast<std::chrono::milliseconds>(step).count();
  std::string by = p.Get("by").value_or("severity");
  if (by == "severity") {
    v.split = VolumeSplit::kSeverity;
  } else if (by == "service") {
    v.split = VolumeSplit::kService;
  } else if (by == "none") {
    v.split = VolumeSplit::kNone;
  } else {
    return Error(InvalidArgument("by: expected severity, service or none, got \"" + by + "\""));
  }
  NJ_API_TRY(reader, store_->AcquireReader(Limits().query_timeout));
  NJ_API_TRY(result, collector::LogVolume(*reader, v));
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Str(w, "start", FormatRfc3339(result.start_ms * 1'000'000));
  Int64String(w, "start_unix_nano", result.start_ms * 1'000'000);
  Key(w, "step_seconds");
  w.Double(static_cast<double>(result.step_ms) / 1000.0);
  Key(w, "buckets");
  w.Uint64(result.buckets);
  Key(w, "from_rollup");
  w.Bool(result.from_rollup);
  Key(w, "series");
  w.StartArray();
  for (const auto& [key, counts] : result.series) {
    w.StartObject();
    Str(w, "key", key);
    Key(w, "counts");
    w.StartArray();
    for (int64_t c : counts) w.Int64(c);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Reply{200, Done(buffer)};
}

QueryApi::Reply QueryApi::Metrics(const QueryParams& p) {
  NJ_API_CHECK(p.AllowOnly({"prefix", "limit"}));
  NJ_API_TRY(limit, p.Int("limit", Limits().max_limit, 1, Limits().max_limit));
  NJ_API_TRY(reader, store_->AcquireReader(Limits().query_timeout));
  NJ_API_TRY(list, ListMetrics(*reader, p.Get("prefix").value_or(""), static_cast<int>(limit)));
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Key(w, "metrics");
  w.StartArray();
  for (const MetricInfo& m : list) {
    w.StartObject();
    Str(w, "name", m.name);
    Str(w, "type", m.type);
    Str(w, "unit", m.unit);
    Str(w, "description", m.description);
    Key(w, "temporality");
    w.Int(m.temporality);
    Key(w, "monotonic");
    w.Bool(m.monotonic);
    Key(w, "series");
    w.Int64(m.series);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Reply{200, Done(buffer)};
}

QueryApi::Reply QueryApi::Series(const QueryParams& p) {
  NJ_API_CHECK(p.AllowOnly({"metric", "limit"}, {"attr."}));
  auto metric = p.Get("metric");
  if (!metric || metric->empty()) return Error(InvalidArgument("metric: required"));
  NJ_API_TRY(limit, p.Int("limit", 100, 1, Limits().max_limit));
  NJ_API_TRY(reader, store_->AcquireReader(Limits().query_timeout));
  NJ_API_TRY(list, ListSeries(*reader, *metric, p.WithPrefix("attr."), static_cast<int>(limit)));
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Key(w, "series");
  w.StartArray();
  for (const SeriesInfo& s : list) {
    w.StartObject();
    Int64String(w, "id", s.id);
    Str(w, "metric", s.metric);
    Str(w, "type", s.type);
    Str(w, "unit", s.unit);
    Key(w, "attributes");
    WriteRaw(w, s.attributes);
    Key(w, "resource_attributes");
    WriteRaw(w, s.resource_attributes);
    Str(w, "service", s.service);
    Str(w, "scope", s.scope_name);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Reply{200, Done(buffer)};
}

QueryApi::Reply QueryApi::MetricQuery(const QueryParams& p) {
  NJ_API_CHECK(
      p.AllowOnly({"metric", "from", "to", "step", "agg", "group_by", "limit"}, {"attr."}));
  int64_t now = clock_->NowUnixNanos();
  collector::MetricQuery q;
  q.metrics = p.GetAll("metric");
  if (q.metrics.empty()) return Error(InvalidArgument("metric: required (repeat it to overlay)"));
  NJ_API_TRY(range, ReadRange(p, now, kHour));
  q.from_unix_nano = static_cast<uint64_t>(range.first);
  q.to_unix_nano = static_cast<uint64_t>(range.second);
  NJ_API_TRY(step, p.Dur("step", std::chrono::minutes(1)));
  q.step_nanos = step.count();
  std::string agg = p.Get("agg").value_or("avg");
  auto parsed = ParseAggregation(agg);
  if (!parsed) {
    return Error(
        InvalidArgument("agg: expected avg, sum, min, max, count, rate, p50, p95 or "
                        "p99, got \"" +
                        agg + "\""));
  }
  q.aggregation = *parsed;
  q.group_by = p.Get("group_by").value_or("");
  q.filters = p.WithPrefix("attr.");
  NJ_API_TRY(limit, p.Int("limit", 100, 1, Limits().max_limit));
  q.max_series = static_cast<int>(limit);
  NJ_API_TRY(reader, store_->AcquireReader(Limits().query_timeout));
  NJ_API_TRY(result, QueryMetrics(*reader, q));
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Str(w, "start", FormatRfc3339(static_cast<int64_t>(result.start_unix_nano)));
  Int64String(w, "start_unix_nano", static_cast<int64_t>(result.start_unix_nano));
  Key(w, "step_seconds");
  w.Double(static_cast<double>(result.step_nanos) / 1e9);
  Key(w, "buckets");
  w.Uint64(result.buckets);
  Str(w, "agg", agg);
  Key(w, "truncated");
  w.Bool(result.truncated);
  Key(w, "from_rollup");
  w.Bool(result.from_rollup);
  Key(w, "series");
  w.StartArray();
  for (const QuerySeries& s : result.series) {
    w.StartObject();
    Str(w, "metric", s.metric);
    Str(w, "type", s.type);
    if (!q.group_by.empty()) {
      Key(w, "group");
      w.StartObject();
      Str(w, q.group_by.c_str(), s.group);
      w.EndObject();
    }
    Key(w, "values");
    w.StartArray();
    for (const auto& v : s.values) {
      if (v) {
        Number(w, *v);
      } else {
        w.Null();
      }
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Reply{200, Done(buffer)};
}

QueryApi::Reply QueryApi::MetricHistogram(const QueryParams& p) {
  NJ_API_CHECK(p.AllowOnly({"metric", "from", "to", "bins"}, {"attr."}));
  auto metric = p.Get("metric");
  if (!metric || metric->empty()) return Error(InvalidArgument("metric: required"));
  int64_t now = clock_->NowUnixNanos();
  NJ_API_TRY(range, ReadRange(p, now, kHour));
  NJ_API_TRY(bins, p.Int("bins", 20, 1, 1000));
  NJ_API_TRY(reader, store_->AcquireReader(Limits().query_timeout));
  NJ_API_TRY(h, MetricValueHistogram(*reader, *metric, p.WithPrefix("attr."),
                                     static_cast<uint64_t>(range.first),
                                     static_cast<uint64_t>(range.second), static_cast<int>(bins)));
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Key(w, "min");
  Number(w, h.min);
  Key(w, "max");
  Number(w, h.max);
  Key(w, "total");
  w.Int64(h.total);
  Key(w, "bins");
  w.StartArray();
  double width = (h.max - h.min) / static_cast<double>(h.counts.size());
  for (size_t i = 0; i < h.counts.size(); ++i) {
    w.StartObject();
    Key(w, "lower");
    Number(w, h.min + width * static_cast<double>(i));
    Key(w, "upper");
    Number(w, i + 1 == h.counts.size() ? h.max : h.min + width * static_cast<double>(i + 1));
    Key(w, "count");
    w.Int64(h.counts[i]);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Reply{200, Done(buffer)};
}

QueryApi::Reply QueryApi::Anomalies(const QueryParams& p) {
  NJ_API_CHECK(p.AllowOnly({"metric", "detector", "min_score", "from", "to", "limit", "cursor"}));
  int64_t now = clock_->NowUnixNanos();
  AnomalyQuery q;
  q.metric = p.Get("metric").value_or("");
  q.detector = p.Get("detector").value_or("");
  NJ_API_TRY(min_score, p.Double("min_score"));
  q.min_score = min_score;
  NJ_API_CHECK(ReadKeysetPage(p, now, Limits().max_limit, &q));
  NJ_API_TRY(reader, store_->AcquireReader(Limits().query_timeout));
  NJ_API_TRY(page, SearchAnomalies(*reader, q));
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Key(w, "anomalies");
  w.StartArray();
  for (const Anomaly& a : page.anomalies) WriteAnomaly(w, a);
  w.EndArray();
  WriteCursor(w, page.next_cursor);
  w.EndObject();
  return Reply{200, Done(buffer)};
}

QueryApi::Reply QueryApi::Plugins(const QueryParams& p) {
  NJ_API_CHECK(p.AllowOnly({}));
  std::shared_ptr<const plugins::PluginHost> host = plugins_ ? plugins_() : nullptr;
  if (!host) return Reply{200, "{\"plugins\": []}"};
  return Reply{200, plugins::PluginsJson(host->Stats())};
}

}  // namespace nightjar::collector
