// OTLP/JSON encoding; see json_codec.h.
//
// Follows the proto3 JSON mapping with OTLP's deviations: lowerCamelCase keys, 64-bit integers
// as decimal strings, enums as integers, trace/span ids as lower-case hex, bytes as base64.
// Fields holding their default value are omitted, except members of a oneof and `optional`
// fields, whose presence is information.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>

#include "base/base64.h"
#include "base/hex.h"
#include "otlp/json_codec.h"

namespace nightjar::otlp::internal {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Key(Writer& w, const char* key) { w.Key(key); }

// Proto3 omits a double only when it is +0.0: -0.0 is a value protobuf serialises.
bool IsDefault(double v) { return v == 0 && !std::signbit(v); }

void String(Writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void Uint64(Writer& w, uint64_t v) { w.String(std::to_string(v).c_str()); }

void Int64(Writer& w, int64_t v) { w.String(std::to_string(v).c_str()); }

// Non-finite doubles are strings in the proto3 JSON mapping.
void Double(Writer& w, double v) {
  if (std::isnan(v)) {
    w.String("NaN");
  } else if (std::isinf(v)) {
    w.String(v > 0 ? "Infinity" : "-Infinity");
  } else {
    w.Double(v);
  }
}

void StringField(Writer& w, const char* key, const std::string& v) {
  if (v.empty()) return;
  Key(w, key);
  String(w, v);
}

void Uint64Field(Writer& w, const char* key, uint64_t v) {
  if (v == 0) return;
  Key(w, key);
  Uint64(w, v);
}

void Uint32Field(Writer& w, const char* key, uint32_t v) {
  if (v == 0) return;
  Key(w, key);
  w.Uint(v);
}

void Int32Field(Writer& w, const char* key, int32_t v) {
  if (v == 0) return;
  Key(w, key);
  w.Int(v);
}

void OptionalDoubleField(Writer& w, const char* key, const std::optional<double>& v) {
  if (!v) return;
  Key(w, key);
  Double(w, *v);
}

template <size_t N>
void IdField(Writer& w, const char* key, const std::array<uint8_t, N>& id) {
  if (IsZeroId(id)) return;
  Key(w, key);
  String(w, HexEncode(id.data(), N));
}

void WriteAnyValue(Writer& w, const AnyValue& v);

void WriteAttributes(Writer& w, const Attributes& attributes) {
  w.StartArray();
  for (const KeyValue& kv : attributes) {
    w.StartObject();
    Key(w, "key");
    String(w, kv.key);
    Key(w, "value");
    WriteAnyValue(w, kv.value);
    w.EndObject();
  }
  w.EndArray();
}

void AttributesField(Writer& w, const char* key, const Attributes& attributes) {
  if (attributes.empty()) return;
  Key(w, key);
  WriteAttributes(w, attributes);
}

void WriteAnyValue(Writer& w, const AnyValue& v) {
  w.StartObject();
  switch (v.kind()) {
    case ValueKind::kEmpty:
      break;
    case ValueKind::kString:
      Key(w, "stringValue");
      String(w, v.string_value());
      break;
    case ValueKind::kBool:
      Key(w, "boolValue");
      w.Bool(v.bool_value());
      break;
    case ValueKind::kInt:
      Key(w, "intValue");
      Int64(w, v.int_value());
      break;
    case ValueKind::kDouble:
      Key(w, "doubleValue");
      Double(w, v.double_value());
      break;
    case ValueKind::kBytes:
      Key(w, "bytesValue");
      String(w, Base64Encode(v.bytes_value().data));
      break;
    case ValueKind::kArray:
      Key(w, "arrayValue");
      w.StartObject();
      Key(w, "values");
      w.StartArray();
      for (const AnyValue& e : v.array_value()) WriteAnyValue(w, e);
      w.EndArray();
      w.EndObject();
      break;
    case ValueKind::kKvList:
      Key(w, "kvlistValue");
      w.StartObject();
      Key(w, "values");
      WriteAttributes(w, v.kvlist_value());
      w.EndObject();
      break;
  }
  w.EndObject();
}

void WriteResource(Writer& w, const Resource& r) {
  Key(w, "resource");
  w.StartObject();
  AttributesField(w, "attributes", r.attributes);
  Uint32Field(w, "droppedAttributesCount", r.dropped_attributes_count);
  w.EndObject();
}

void WriteScope(Writer& w, const InstrumentationScope& s) {
  Key(w, "scope");
  w.StartObject();
  StringField(w, "name", s.name);
  StringField(w, "version", s.version);
  AttributesField(w, "attributes", s.attributes);
  Uint32Field(w, "droppedAttributesCount", s.dropped_attributes_count);
  w.EndObject();
}

void WriteLogRecord(Writer& w, const LogRecord& r) {
  w.StartObject();
  Uint64Field(w, "timeUnixNano", r.time_unix_nano);
  Uint64Field(w, "observedTimeUnixNano", r.observed_time_unix_nano);
  Int32Field(w, "severityNumber", r.severity_number);
  StringField(w, "severityText", r.severity_text);
  if (!r.body.empty()) {
    Key(w, "body");
    WriteAnyValue(w, r.body);
  }
  AttributesField(w, "attributes", r.attributes);
  Uint32Field(w, "droppedAttributesCount", r.dropped_attributes_count);
  Uint32Field(w, "flags", r.flags);
  IdField(w, "traceId", r.trace_id);
  IdField(w, "spanId", r.span_id);
  StringField(w, "eventName", r.event_name);
  w.EndObject();
}

void WriteNumberValue(Writer& w, const NumberValue& v) {
  if (const double* d = std::get_if<double>(&v)) {
    Key(w, "asDouble");
    Double(w, *d);
  } else if (const int64_t* i = std::get_if<int64_t>(&v)) {
    Key(w, "asInt");
    Int64(w, *i);
  }
}

void ExemplarsField(Writer& w, const std::vector<Exemplar>& exemplars) {
  if (exemplars.empty()) return;
  Key(w, "exemplars");
  w.StartArray();
  for (const Exemplar& e : exemplars) {
    w.StartObject();
    AttributesField(w, "filteredAttributes", e.filtered_attributes);
    Uint64Field(w, "timeUnixNano", e.time_unix_nano);
    WriteNumberValue(w, e.value);
    IdField(w, "spanId", e.span_id);
    IdField(w, "traceId", e.trace_id);
    w.EndObject();
  }
  w.EndArray();
}

template <typename Point>
void WritePointCommon(Writer& w, const Point& p) {
  AttributesField(w, "attributes", p.attributes);
  Uint64Field(w, "startTimeUnixNano", p.start_time_unix_nano);
  Uint64Field(w, "timeUnixNano", p.time_unix_nano);
  Uint32Field(w, "flags", p.flags);
}

void Uint64ArrayField(Writer& w, const char* key, const std::vector<uint64_t>& values) {
  if (values.empty()) return;
  Key(w, key);
  w.StartArray();
  for (uint64_t v : values) Uint64(w, v);
  w.EndArray();
}

void WritePoint(Writer& w, const NumberDataPoint& p) {
  w.StartObject();
  WritePointCommon(w, p);
  WriteNumberValue(w, p.value);
  ExemplarsField(w, p.exemplars);
  w.EndObject();
}

void WritePoint(Writer& w, const HistogramDataPoint& p) {
  w.StartObject();
  WritePointCommon(w, p);
  Uint64Field(w, "count", p.count);
  OptionalDoubleField(w, "sum", p.sum);
  Uint64ArrayField(w, "bucketCounts", p.bucket_counts);
  if (!p.explicit_bounds.empty()) {
    Key(w, "explicitBounds");
    w.StartArray();
    for (double b : p.explicit_bounds) Double(w, b);
    w.EndArray();
  }
  ExemplarsField(w, p.exemplars);
  OptionalDoubleField(w, "min", p.min);
  OptionalDoubleField(w, "max", p.max);
  w.EndObject();
}

void BucketsField(Writer& w, const char* key, const ExponentialBuckets& b) {
  if (b.offset == 0 && b.bucket_counts.empty()) return;
  Key(w, key);
  w.StartObject();
  Int32Field(w, "offset", b.offset);
  Uint64ArrayField(w, "bucketCounts", b.bucket_counts);
  w.EndObject();
}

void WritePoint(Writer& w, const ExponentialHistogramDataPoint& p) {
  w.StartObject();
  WritePointCommon(w, p);
  Uint64Field(w, "count", p.count);
  OptionalDoubleField(w, "sum", p.sum);
  Int32Field(w, "scale", p.scale);
  Uint64Field(w, "zeroCount", p.zero_count);
  BucketsField(w, "positive", p.positive);
  BucketsField(w, "negative", p.negative);
  ExemplarsField(w, p.exemplars);
  OptionalDoubleField(w, "min", p.min);
  OptionalDoubleField(w, "max", p.max);
  if (!IsDefault(p.zero_threshold)) {
    Key(w, "zeroThreshold");
    Double(w, p.zero_threshold);
  }
  w.EndObject();
}

void WritePoint(Writer& w, const SummaryDataPoint& p) {
  w.StartObject();
  WritePointCommon(w, p);
  Uint64Field(w, "count", p.count);
  if (!IsDefault(p.sum)) {
    Key(w, "sum");
    Double(w, p.sum);
  }
  if (!p.quantile_values.empty()) {
    Key(w, "quantileValues");
    w.StartArray();
    for (const ValueAtQuantile& q : p.quantile_values) {
      w.StartObject();
      if (!IsDefault(q.quantile)) {
        Key(w, "quantile");
        Double(w, q.quantile);
      }
      if (!IsDefault(q.value)) {
        Key(w, "value");
        Double(w, q.value);
      }
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

template <typename Data>
void WriteMetricData(Writer& w, const char* key, const Data& data) {
  Key(w, key);
  w.StartObject();
  Key(w, "dataPoints");
  w.StartArray();
  for (const auto& p : data.data_points) WritePoint(w, p);
  w.EndArray();
  if constexpr (requires { data.aggregation_temporality; }) {
    Int32Field(w, "aggregationTemporality", static_cast<int32_t>(data.aggregation_temporality));
  }
  if constexpr (requires { data.is_monotonic; }) {
    if (data.is_monotonic) {
      Key(w, "isMonotonic");
      w.Bool(true);
    }
  }
  w.EndObject();
}

void WriteMetric(Writer& w, const Metric& m) {
  w.StartObject();
  StringField(w, "name", m.name);
  StringField(w, "description", m.description);
  StringField(w, "unit", m.unit);
  if (const auto* g = std::get_if<Gauge>(&m.data)) WriteMetricData(w, "gauge", *g);
  if (const auto* s = std::get_if<Sum>(&m.data)) WriteMetricData(w, "sum", *s);
  if (const auto* h = std::get_if<Histogram>(&m.data)) WriteMetricData(w, "histogram", *h);
  if (const auto* e = std::get_if<ExponentialHistogram>(&m.data)) {
    WriteMetricData(w, "exponentialHistogram", *e);
  }
  if (const auto* s = std::get_if<Summary>(&m.data)) WriteMetricData(w, "summary", *s);
  AttributesField(w, "metadata", m.metadata);
  w.EndObject();
}

std::string Finish(rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string EncodeLogsJson(const LogsData& logs) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Key(w, "resourceLogs");
  w.StartArray();
  for (const ResourceLogs& rl : logs.resource_logs) {
    w.StartObject();
    WriteResource(w, rl.resource);
    Key(w, "scopeLogs");
    w.StartArray();
    for (const ScopeLogs& sl : rl.scope_logs) {
      w.StartObject();
      WriteScope(w, sl.scope);
      Key(w, "logRecords");
      w.StartArray();
      for (const LogRecord& r : sl.log_records) WriteLogRecord(w, r);
      w.EndArray();
      StringField(w, "schemaUrl", sl.schema_url);
      w.EndObject();
    }
    w.EndArray();
    StringField(w, "schemaUrl", rl.schema_url);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Finish(buffer);
}

std::string EncodeMetricsJson(const MetricsData& metrics) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Key(w, "resourceMetrics");
  w.StartArray();
  for (const ResourceMetrics& rm : metrics.resource_metrics) {
    w.StartObject();
    WriteResource(w, rm.resource);
    Key(w, "scopeMetrics");
    w.StartArray();
    for (const ScopeMetrics& sm : rm.scope_metrics) {
      w.StartObject();
      WriteScope(w, sm.scope);
      Key(w, "metrics");
      w.StartArray();
      for (const Metric& m : sm.metrics) WriteMetric(w, m);
      w.EndArray();
      StringField(w, "schemaUrl", sm.schema_url);
      w.EndObject();
    }
    w.EndArray();
    StringField(w, "schemaUrl", rm.schema_url);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Finish(buffer);
}

std::string EncodeResponseJson(Signal signal, const ExportResponse& response) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  if (response.partial_success) {
    Key(w, "partialSuccess");
    w.StartObject();
    const char* rejected_key = signal == Signal::kLogs      ? "rejectedLogRecords"
                               : signal == Signal::kMetrics ? "rejectedDataPoints"
                                                            : "rejectedSpans";
    if (response.partial_success->rejected != 0) {
      Key(w, rejected_key);
      Int64(w, response.partial_success->rejected);
    }
    StringField(w, "errorMessage", response.partial_success->error_message);
    w.EndObject();
  }
  w.EndObject();
  return Finish(buffer);
}

std::string EncodeRpcStatusJson(const RpcStatus& status) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Int32Field(w, "code", status.code);
  StringField(w, "message", status.message);
  w.EndObject();
  return Finish(buffer);
}

}  // namespace nightjar::otlp::internal
