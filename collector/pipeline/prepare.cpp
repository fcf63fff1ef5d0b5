// OTLP model to store rows; see prepare.h.
#include "pipeline/prepare.h"

#include <cmath>

#include "base/hex.h"
#include "store/value_json.h"

namespace nightjar::collector {
namespace {

constexpr int kListedReasons = 5;

template <size_t N>
std::string IdBytes(const std::array<uint8_t, N>& id) {
  if (otlp::IsZeroId(id)) return {};
  return std::string(reinterpret_cast<const char*>(id.data()), N);
}

StreamRow MakeStream(const otlp::Resource& resource, const std::string& resource_schema_url,
                     const otlp::InstrumentationScope& scope, const std::string& scope_schema_url) {
  StreamRow s;
  s.resource_attributes = AttributesJson(resource.attributes);
  s.resource_dropped = resource.dropped_attributes_count;
  s.resource_schema_url = resource_schema_url;
  if (const otlp::AnyValue* service = otlp::FindAttribute(resource.attributes, "service.name")) {
    if (service->kind() == otlp::ValueKind::kString) s.service = service->string_value();
  }
  s.scope_name = scope.name;
  s.scope_version = scope.version;
  s.scope_attributes = AttributesJson(scope.attributes);
  s.scope_dropped = scope.dropped_attributes_count;
  s.scope_schema_url = scope_schema_url;
  return s;
}

std::optional<std::string> ExemplarsJson(const std::vector<otlp::Exemplar>& exemplars) {
  if (exemplars.empty()) return std::nullopt;
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartArray();
  for (const otlp::Exemplar& e : exemplars) {
    w.StartObject();
    w.Key("time_unix_nano");
    w.String(std::to_string(e.time_unix_nano).c_str());
    w.Key("value");
    if (const auto* d = std::get_if<double>(&e.value)) {
      WriteAnyValueJson(w, otlp::AnyValue(*d));
    } else if (const auto* i = std::get_if<int64_t>(&e.value)) {
      w.Int64(*i);
    } else {
      w.Null();
    }
    if (!otlp::IsZeroId(e.trace_id)) {
      w.Key("trace_id");
      WriteString(w, HexEncode(e.trace_id.data(), e.trace_id.size()));
    }
    if (!otlp::IsZeroId(e.span_id)) {
      w.Key("span_id");
      WriteString(w, HexEncode(e.span_id.data(), e.span_id.size()));
    }
    w.Key("filtered_attributes");
    WriteAttributesJson(w, e.filtered_attributes);
    w.EndObject();
  }
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void WriteDoubles(JsonWriter& w, const std::vector<double>& values) {
  w.StartArray();
  for (double v : values) WriteAnyValueJson(w, otlp::AnyValue(v));
  w.EndArray();
}

void WriteCounts(JsonWriter& w, const std::vector<uint64_t>& values) {
  w.StartArray();
  for (uint64_t v : values) w.Uint64(v);
  w.EndArray();
}

std::string Finish(rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string HistogramData(const otlp::HistogramDataPoint& p) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("bounds");
  WriteDoubles(w, p.explicit_bounds);
  w.Key("counts");
  WriteCounts(w, p.bucket_counts);
  w.EndObject();
  return Finish(buffer);
}

std::string ExponentialData(const otlp::ExponentialHistogramDataPoint& p) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("scale");
  w.Int(p.scale);
  w.Key("zero_count");
  w.Uint64(p.zero_count);
  w.Key("zero_threshold");
  WriteAnyValueJson(w, otlp::AnyValue(p.zero_threshold));
  for (const auto& [name, buckets] :
       {std::pair{"positive", &p.positive}, std::pair{"negative", &p.negative}}) {
    w.Key(name);
    w.StartObject();
    w.Key("offset");
    w.Int(buckets->offset);
    w.Key("counts");
    WriteCounts(w, buckets->bucket_counts);
    w.EndObject();
  }
  w.EndObject();
  return Finish(buffer);
}

std::string SummaryData(const otlp::SummaryDataPoint& p) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("quantiles");
  w.StartArray();
  for (const otlp::ValueAtQuantile& q : p.quantile_values) {
    w.StartArray();
    WriteAnyValueJson(w, otlp::AnyValue(q.quantile));
    WriteAnyValueJson(w, otlp::AnyValue(q.value));
    w.EndArray();
  }
  w.EndArray();
  w.EndObject();
  return Finish(buffer);
}

// Fills the fields every point kind shares and checks the timestamp.
template <typename P>
bool CommonFields(const P& p, const std::string& where, PointRow* row, Rejections* rejections) {
  if (p.time_unix_nano == 0) {
    rejections->Add(where, "time_unix_nano is unset");
    return false;
  }
  row->attributes = AttributesJson(p.attributes);
  row->time_unix_nano = p.time_unix_nano;
  row->start_time_unix_nano = p.start_time_unix_nano;
  row->flags = p.flags;
  return true;
}

// Fills the fields histogram and exponential histogram points share.
template <typename P>
void DistributionFields(const P& p, std::string data, PointRow* row) {
  row->is_distribution = true;
  row->count = p.count;
  row->sum = p.sum;
  row->min = p.min;
  row->max = p.max;
  row->dist_data = std::move(data);
  row->exemplars = ExemplarsJson(p.exemplars);
}

}  // namespace

void Rejections::Add(const std::string& where, const std::string& why) {
  ++count;
  Note(where, why);
}

void Rejections::Note(const std::string& where, const std::string& why) {
  if (listed_ >= kListedReasons) {
    ++unlisted_;
    size_t cut = message.find(" (and ");
    if (cut != std::string::npos) message.resize(cut);
    message += " (and " + std::to_string(unlisted_) + " more)";
    return;
  }
  ++listed_;
  if (!message.empty()) message += "; ";
  message += where + ": " + why;
}

LogBatch PrepareLogs(const otlp::LogsData& logs, const PrepareOptions& options) {
  LogBatch batch;
  batch.logs.reserve(otlp::CountLogRecords(logs));
  int64_t latest_ms = (options.now_unix_nano + options.max_future_skew_nanos) / 1'000'000;
  int64_t now_ms = options.now_unix_nano / 1'000'000;
  for (const otlp::ResourceLogs& rl : logs.resource_logs) {
    for (const otlp::ScopeLogs& sl : rl.scope_logs) {
      if (sl.log_records.empty()) continue;
      batch.streams.push_back(MakeStream(rl.resource, rl.schema_url, sl.scope, sl.schema_url));
      size_t stream = batch.streams.size() - 1;
      for (const otlp::LogRecord& r : sl.log_records) {
        LogRow row;
        row.stream = stream;
        uint64_t t = r.time_unix_nano != 0 ? r.time_unix_nano : r.observed_time_unix_nano;
        int64_t t_ms = t != 0 ? static_cast<int64_t>(t / 1'000'000) : now_ms;
        row.time_key_ms = t_ms > latest_ms ? now_ms : t_ms;
        row.time_unix_nano = r.time_unix_nano;
        row.observed_time_unix_nano = r.observed_time_unix_nano;
        row.severity_number = r.severity_number;
        row.severity_text = r.severity_text;
        if (r.body.kind() == otlp::ValueKind::kString) {
          row.body = r.body.string_value();
        } else if (!r.body.empty()) {
          row.body_json = AnyValueJson(r.body);
        }
        row.attributes = AttributesJson(r.attributes);
        row.dropped_attributes_count = r.dropped_attributes_count;
        row.flags = r.flags;
        row.trace_id = IdBytes(r.trace_id);
        row.span_id = IdBytes(r.span_id);
        row.event_name = r.event_name;
        batch.logs.push_back(std::move(row));
      }
    }
  }
  return batch;
}

MetricBatch PrepareMetrics(const otlp::MetricsData& metrics, Rejections* rejections) {
  MetricBatch batch;
  for (size_t ri = 0; ri < metrics.resource_metrics.size(); ++ri) {
    const otlp::ResourceMetrics& rm = metrics.resource_metrics[ri];
    for (size_t si = 0; si < rm.scope_metrics.size(); ++si) {
      const otlp::ScopeMetrics& sm = rm.scope_metrics[si];
      batch.streams.push_back(MakeStream(rm.resource, rm.schema_url, sm.scope, sm.schema_url));
      size_t stream = batch.streams.size() - 1;
      std::string scope_path =
          "resource_metrics[" + std::to_string(ri) + "].scope_metrics[" + std::to_string(si) + "]";
      for (size_t mi = 0; mi < sm.metrics.size(); ++mi) {
        const otlp::Metric& m = sm.metrics[mi];
        std::string metric_path = scope_path + ".metrics[" + std::to_string(mi) + "]";
        size_t points = otlp::CountDataPoints(m);
        if (m.name.empty()) {
          for (size_t i = 0; i < points; ++i) {
            rejections->Add(metric_path + ".data_points[" + std::to_string(i) + "]",
                            "the metric has no name");
          }
          continue;
        }
        if (m.type() == otlp::MetricType::kNone) {
          rejections->Note(metric_path, "metric " + m.name + " has no data; ignored");
          continue;
        }
        MetricRow metric;
        metric.name = m.name;
        metric.type = otlp::MetricTypeName(m.type());
        metric.unit = m.unit;
        metric.description = m.description;
        metric.metadata = AttributesJson(m.metadata);
        batch.metrics.push_back(std::move(metric));
        size_t metric_index = batch.metrics.size() - 1;
        MetricRow& mr = batch.metrics.back();
        auto where = [&](size_t i) {
          return metric_path + ".data_points[" + std::to_string(i) + "]";
        };
        auto base = [&]() {
          PointRow row;
          row.stream = stream;
          row.metric = metric_index;
          return row;
        };
        auto numbers = [&](const std::vector<otlp::NumberDataPoint>& pts) {
          for (size_t i = 0; i < pts.size(); ++i) {
            const otlp::NumberDataPoint& p = pts[i];
            PointRow row = base();
            if (!CommonFields(p, where(i), &row, rejections)) continue;
            if (const auto* d = std::get_if<double>(&p.value)) {
              row.double_value = *d;
            } else if (const auto* n = std::get_if<int64_t>(&p.value)) {
              row.int_value = *n;
            } else if (!(p.flags & otlp::kDataPointNoRecordedValue)) {
              rejections->Add(where(i), "the point has no value (as_int or as_double)");
              continue;
            }
            row.exemplars = ExemplarsJson(p.exemplars);
            batch.points.push_back(std::move(row));
          }
        };
        if (const auto* g = std::get_if<otlp::Gauge>(&m.data)) {
          numbers(g->data_points);
        } else if (const auto* s = std::get_if<otlp::Sum>(&m.data)) {
          mr.temporality = static_cast<int32_t>(s->aggregation_temporality);
          mr.monotonic = s->is_monotonic;
          numbers(s->data_points);
        } else if (const auto* h = std::get_if<otlp::Histogram>(&m.data)) {
          mr.temporality = static_cast<int32_t>(h->aggregation_temporality);
          for (size_t i = 0; i < h->data_points.size(); ++i) {
            const otlp::HistogramDataPoint& p = h->data_points[i];
            PointRow row = base();
            if (!CommonFields(p, where(i), &row, rejections)) continue;
            if (!p.bucket_counts.empty() &&
                p.bucket_counts.size() != p.explicit_bounds.size() + 1) {
              rejections->Add(where(i),
                              "bucket_counts has " + std::to_string(p.bucket_counts.size()) +
                                  " entries for " + std::to_string(p.explicit_bounds.size()) +
                                  " explicit_bounds; expected one more than bounds");
              continue;
            }
            DistributionFields(p, HistogramData(p), &row);
            batch.points.push_back(std::move(row));
          }
        } else if (const auto* e = std::get_if<otlp::ExponentialHistogram>(&m.data)) {
          mr.temporality = static_cast<int32_t>(e->aggregation_temporality);
          for (size_t i = 0; i < e->data_points.size(); ++i) {
            const otlp::ExponentialHistogramDataPoint& p = e->data_points[i];
            PointRow row = base();
            if (!CommonFields(p, where(i), &row, rejections)) continue;
            DistributionFields(p, ExponentialData(p), &row);
            batch.points.push_back(std::move(row));
          }
        } else if (const auto* su = std::get_if<otlp::Summary>(&m.data)) {
          for (size_t i = 0; i < su->data_points.size(); ++i) {
            const otlp::SummaryDataPoint& p = su->data_points[i];
            PointRow row = base();
            if (!CommonFields(p, where(i), &row, rejections)) continue;
            row.is_distribution = true;
            row.count = p.count;
            row.sum = p.sum;
            row.dist_data = SummaryData(p);
            batch.points.push_back(std::move(row));
          }
        }
      }
    }
  }
  return batch;
}

namespace {

size_t StreamBytes(const std::vector<StreamRow>& streams) {
  size_t n = 0;
  for (const StreamRow& s : streams) {
    n += sizeof(s) + s.resource_attributes.size() + s.resource_schema_url.size() +
         s.service.size() + s.scope_name.size() + s.scope_version.size() +
         s.scope_attributes.size() + s.scope_schema_url.size();
  }
  return n;
}

}  // namespace

size_t BatchBytes(const LogBatch& batch) {
  size_t n = sizeof(batch) + StreamBytes(batch.streams);
  for (const LogRow& r : batch.logs) {
    n += sizeof(r) + r.severity_text.size() + (r.body ? r.body->size() : 0) +
         (r.body_json ? r.body_json->size() : 0) + r.attributes.size() + r.trace_id.size() +
         r.span_id.size() + r.event_name.size();
    for (const auto& [k, v] : r.labels) n += k.size() + v.size() + 64;
  }
  return n;
}

size_t BatchBytes(const MetricBatch& batch) {
  size_t n = sizeof(batch) + StreamBytes(batch.streams);
  for (const MetricRow& m : batch.metrics) {
    n += sizeof(m) + m.name.size() + m.type.size() + m.unit.size() + m.description.size() +
         m.metadata.size();
  }
  for (const PointRow& p : batch.points) {
    n += sizeof(p) + p.attributes.size() + p.dist_data.size() +
         (p.exemplars ? p.exemplars->size() : 0);
  }
  return n;
}

}  // namespace nightjar::collector
