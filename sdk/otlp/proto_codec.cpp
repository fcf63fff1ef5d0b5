// OTLP/protobuf codec: model <-> generated libprotobuf messages; see proto_codec.h.
//
// Decoding parses with libprotobuf into arena-allocated messages (which enforces the wire
// format, proto3 UTF-8 rules and a recursion limit), then copies into the model while checking
// what protobuf cannot: trace/span id lengths. When libprotobuf refuses the bytes, the wire
// walker in proto_diagnose.h explains where and why.
#include "otlp/proto_codec.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/stubs/logging.h>

#include <climits>
#include <cstring>
#include <mutex>

#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp/codec.h"
#include "otlp/proto_wire.h"

namespace nightjar::otlp::internal {
namespace {

namespace pb = ::google::protobuf;
namespace common_pb = ::opentelemetry::proto::common::v1;
namespace resource_pb = ::opentelemetry::proto::resource::v1;
namespace logs_pb = ::opentelemetry::proto::logs::v1;
namespace metrics_pb = ::opentelemetry::proto::metrics::v1;
namespace collector_logs_pb = ::opentelemetry::proto::collector::logs::v1;
namespace collector_metrics_pb = ::opentelemetry::proto::collector::metrics::v1;
namespace collector_trace_pb = ::opentelemetry::proto::collector::trace::v1;

// libprotobuf logs an ERROR line for every invalid UTF-8 string it meets. Bad input is
// reported to the caller through Status instead, so those lines are silenced once per process.
void SilenceProtobufLogging() {
  static std::once_flag once;
  std::call_once(once, [] { pb::SetLogHandler(nullptr); });
}

// Checks the wire format strictly, then parses `body` into `message`; on failure, returns a
// Status naming where the bytes go wrong.
Status Parse(std::string_view body, pb::Message* message, const char* what) {
  SilenceProtobufLogging();
  if (body.size() > static_cast<size_t>(INT_MAX)) {
    return InvalidArgument(std::string("OTLP/protobuf ") + what + ": body too large");
  }
  pb::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(body.data()),
                                 static_cast<int>(body.size()));
  // Each AnyValue level costs up to three message levels (AnyValue -> KeyValueList -> KeyValue
  // -> AnyValue), on top of about nine levels of request structure; the value-depth check in
  // the conversion then applies the same limit as the JSON decoder.
  constexpr int kMaxMessageDepth = 3 * kMaxValueDepth + 16;
  input.SetRecursionLimit(kMaxMessageDepth);
  if (ValidateWireFormat(message->GetDescriptor(), body, kMaxMessageDepth) &&
      message->ParseFromCodedStream(&input) && input.ConsumedEntireMessage()) {
    return Status::Ok();
  }
  std::string why = DiagnoseProtobuf(message->GetDescriptor(), body, kMaxMessageDepth);
  if (why.empty()) why = "malformed protobuf";
  return InvalidArgument(std::string("OTLP/protobuf ") + what + ": " + why);
}

// Error paths are built only when something fails: the leaf names its field, and each level
// on the way up prepends its own segment.
// A child error that starts with ':' has no field name of its own and joins without a dot.
Status AtPath(Status status, const char* field, int index = -1) {
  std::string prefix(field);
  if (index >= 0) prefix += "[" + std::to_string(index) + "]";
  if (status.message().empty() || status.message()[0] != ':') prefix += ".";
  return Status(status.code(), prefix + status.message());
}

template <size_t N>
Status CopyId(const std::string& bytes, std::array<uint8_t, N>* out, const char* field) {
  if (bytes.empty()) {
    out->fill(0);
    return Status::Ok();
  }
  if (bytes.size() != N) {
    return InvalidArgument(std::string(field) + ": must be " + std::to_string(N) + " bytes, got " +
                           std::to_string(bytes.size()));
  }
  std::memcpy(out->data(), bytes.data(), N);
  return Status::Ok();
}

template <size_t N>
void SetId(const std::array<uint8_t, N>& id, std::string* out) {
  if (IsZeroId(id)) return;
  out->assign(reinterpret_cast<const char*>(id.data()), N);
}

// ----- decoding: generated messages -> model ------------------------------------------------

Status FromProto(const common_pb::AnyValue& in, AnyValue* out, int depth);

Status FromProto(const pb::RepeatedPtrField<common_pb::KeyValue>& in, Attributes* out,
                 const char* field, int depth = 0) {
  out->resize(static_cast<size_t>(in.size()));
  for (int i = 0; i < in.size(); ++i) {
    (*out)[i].key = in[i].key();
    Status st = FromProto(in[i].value(), &(*out)[i].value, depth);
    if (!st.ok()) return AtPath(AtPath(st, "value"), field, i);
  }
  return Status::Ok();
}

// The same nesting limit as the JSON decoder, so that a request accepted in one encoding is
// accepted in the other.
Status FromProto(const common_pb::AnyValue& in, AnyValue* out, int depth) {
  if (depth > kMaxValueDepth) {
    return InvalidArgument(": values nested deeper than " + std::to_string(kMaxValueDepth) +
                           " levels");
  }
  switch (in.value_case()) {
    case common_pb::AnyValue::kStringValue:
      *out = AnyValue(in.string_value());
      break;
    case common_pb::AnyValue::kBoolValue:
      *out = AnyValue(in.bool_value());
      break;
    case common_pb::AnyValue::kIntValue:
      *out = AnyValue(static_cast<int64_t>(in.int_value()));
      break;
    case common_pb::AnyValue::kDoubleValue:
      *out = AnyValue(in.double_value());
      break;
    case common_pb::AnyValue::kBytesValue:
      *out = AnyValue(Bytes{in.bytes_value()});
      break;
    case common_pb::AnyValue::kArrayValue: {
      AnyValue::Array array(static_cast<size_t>(in.array_value().values_size()));
      for (int i = 0; i < in.array_value().values_size(); ++i) {
        Status st = FromProto(in.array_value().values(i), &array[i], depth + 1);
        if (!st.ok()) return AtPath(AtPath(st, "values", i), "array_value");
      }
      *out = AnyValue(std::move(array));
      break;
    }
    case common_pb::AnyValue::kKvlistValue: {
      AnyValue::KvList kvs;
      Status st = FromProto(in.kvlist_value().values(), &kvs, "values", depth + 1);
      if (!st.ok()) return AtPath(st, "kvlist_value");
      *out = AnyValue(std::move(kvs));
      break;
    }
    case common_pb::AnyValue::VALUE_NOT_SET:
      *out = AnyValue();
      break;
  }
  return Status::Ok();
}

Status FromProto(const resource_pb::Resource& in, Resource* out) {
  out->dropped_attributes_count = in.dropped_attributes_count();
  return FromProto(in.attributes(), &out->attributes, "attributes");
}

Status FromProto(const common_pb::InstrumentationScope& in, InstrumentationScope* out) {
  out->name = in.name();
  out->version = in.version();
  out->dropped_attributes_count = in.dropped_attributes_count();
  return FromProto(in.attributes(), &out->attributes, "attributes");
}

Status FromProto(const logs_pb::LogRecord& in, LogRecord* out) {
  out->time_unix_nano = in.time_unix_nano();
  out->observed_time_unix_nano = in.observed_time_unix_nano();
  out->severity_number = static_cast<int32_t>(in.severity_number());
  out->severity_text = in.severity_text();
  if (in.has_body()) {
    Status st = FromProto(in.body(), &out->body, 0);
    if (!st.ok()) return AtPath(st, "body");
  }
  NJ_RETURN_IF_ERROR(FromProto(in.attributes(), &out->attributes, "attributes"));
  out->dropped_attributes_count = in.dropped_attributes_count();
  out->flags = in.flags();
  NJ_RETURN_IF_ERROR(CopyId(in.trace_id(), &out->trace_id, "trace_id"));
  NJ_RETURN_IF_ERROR(CopyId(in.span_id(), &out->span_id, "span_id"));
  out->event_name = in.event_name();
  return Status::Ok();
}

Status FromProto(const collector_logs_pb::ExportLogsServiceRequest& in, LogsData* out) {
  out->resource_logs.resize(static_cast<size_t>(in.resource_logs_size()));
  for (int r = 0; r < in.resource_logs_size(); ++r) {
    const auto& rl_in = in.resource_logs(r);
    ResourceLogs& rl = out->resource_logs[r];
    Status rst = FromProto(rl_in.resource(), &rl.resource);
    if (!rst.ok()) return AtPath(AtPath(rst, "resource"), "resource_logs", r);
    rl.schema_url = rl_in.schema_url();
    rl.scope_logs.resize(static_cast<size_t>(rl_in.scope_logs_size()));
    for (int s = 0; s < rl_in.scope_logs_size(); ++s) {
      const auto& sl_in = rl_in.scope_logs(s);
      ScopeLogs& sl = rl.scope_logs[s];
      Status sst = FromProto(sl_in.scope(), &sl.scope);
      if (!sst.ok()) {
        return AtPath(AtPath(AtPath(sst, "scope"), "scope_logs", s), "resource_logs", r);
      }
      sl.schema_url = sl_in.schema_url();
      sl.log_records.resize(static_cast<size_t>(sl_in.log_records_size()));
      for (int i = 0; i < sl_in.log_records_size(); ++i) {
        Status st = FromProto(sl_in.log_records(i), &sl.log_records[i]);
        if (!st.ok()) {
          return AtPath(AtPath(AtPath(st, "log_records", i), "scope_logs", s), "resource_logs", r);
        }
      }
    }
  }
  return Status::Ok();
}

Status FromProto(const metrics_pb::Exemplar& in, Exemplar* out) {
  NJ_RETURN_IF_ERROR(
      FromProto(in.filtered_attributes(), &out->filtered_attributes, "filtered_attributes"));
  out->time_unix_nano = in.time_unix_nano();
  if (in.value_case() == metrics_pb::Exemplar::kAsDouble) out->value = in.as_double();
  if (in.value_case() == metrics_pb::Exemplar::kAsInt)
    out->value = static_cast<int64_t>(in.as_int());
  NJ_RETURN_IF_ERROR(CopyId(in.span_id(), &out->span_id, "span_id"));
  return CopyId(in.trace_id(), &out->trace_id, "trace_id");
}

Status FromProto(const pb::RepeatedPtrField<metrics_pb::Exemplar>& in, std::vector<Exemplar>* out) {
  out->resize(static_cast<size_t>(in.size()));
  for (int i = 0; i < in.size(); ++i) {
    Status st = FromProto(in[i], &(*out)[i]);
    if (!st.ok()) return AtPath(st, "exemplars", i);
  }
  return Status::Ok();
}

Status FromProto(const metrics_pb::NumberDataPoint& in, NumberDataPoint* out) {
  NJ_RETURN_IF_ERROR(FromProto(in.attributes(), &out->attributes, "attributes"));
  out->start_time_unix_nano = in.start_time_unix_nano();
  out->time_unix_nano = in.time_unix_nano();
  if (in.value_case() == metrics_pb::NumberDataPoint::kAsDouble) out->value = in.as_double();
  if (in.value_case() == metrics_pb::NumberDataPoint::kAsInt) {
    out->value = static_cast<int64_t>(in.as_int());
  }
  out->flags = in.flags();
  return FromProto(in.exemplars(), &out->exemplars);
}

Status FromProto(const metrics_pb::HistogramDataPoint& in, HistogramDataPoint* out) {
  NJ_RETURN_IF_ERROR(FromProto(in.attributes(), &out->attributes, "attributes"));
  out->start_time_unix_nano = in.start_time_unix_nano();
  out->time_unix_nano = in.time_unix_nano();
  out->count = in.count();
  if (in.has_sum()) out->sum = in.sum();
  out->bucket_counts.assign(in.bucket_counts().begin(), in.bucket_counts().end());
  out->explicit_bounds.assign(in.explicit_bounds().begin(), in.explicit_bounds().end());
  out->flags = in.flags();
  if (in.has_min()) out->min = in.min();
  if (in.has_max()) out->max = in.max();
  return FromProto(in.exemplars(), &out->exemplars);
}

void FromProto(const metrics_pb::ExponentialHistogramDataPoint::Buckets& in,
               ExponentialBuckets* out) {
  out->offset = in.offset();
  out->bucket_counts.assign(in.bucket_counts().begin(), in.bucket_counts().end());
}

Status FromProto(const metrics_pb::ExponentialHistogramDataPoint& in,
                 ExponentialHistogramDataPoint* out) {
  NJ_RETURN_IF_ERROR(FromProto(in.attributes(), &out->attributes, "attributes"));
  out->start_time_unix_nano = in.start_time_unix_nano();
  out->time_unix_nano = in.time_unix_nano();
  out->count = in.count();
  if (in.has_sum()) out->sum = in.sum();
  out->scale = in.scale();
  out->zero_count = in.zero_count();
  FromProto(in.positive(), &out->positive);
  FromProto(in.negative(), &out->negative);
  out->flags = in.flags();
  if (in.has_min()) out->min = in.min();
  if (in.has_max()) out->max = in.max();
  out->zero_threshold = in.zero_threshold();
  return FromProto(in.exemplars(), &out->exemplars);
}

Status FromProto(const metrics_pb::SummaryDataPoint& in, SummaryDataPoint* out) {
  NJ_RETURN_IF_ERROR(FromProto(in.attributes(), &out->attributes, "attributes"));
  out->start_time_unix_nano = in.start_time_unix_nano();
  out->time_unix_nano = in.time_unix_nano();
  out->count = in.count();
  out->sum = in.sum();
  out->quantile_values.resize(static_cast<size_t>(in.quantile_values_size()));
  for (int i = 0; i < in.quantile_values_size(); ++i) {
    out->quantile_values[i].quantile = in.quantile_values(i).quantile();
    out->quantile_values[i].value = in.quantile_values(i).value();
  }
  out->flags = in.flags();
  return Status::Ok();
}

template <typename InPoints, typename OutPoint>
Status PointsFromProto(const InPoints& in, std::vector<OutPoint>* out) {
  out->resize(static_cast<size_t>(in.size()));
  for (int i = 0; i < in.size(); ++i) {
    Status st = FromProto(in[i], &(*out)[i]);
    if (!st.ok()) return AtPath(st, "data_points", i);
  }
  return Status::Ok();
}

Status FromProto(const metrics_pb::Metric& in, Metric* out) {
  out->name = in.name();
  out->description = in.description();
  out->unit = in.unit();
  NJ_RETURN_IF_ERROR(FromProto(in.metadata(), &out->metadata, "metadata"));
  switch (in.data_case()) {
    case metrics_pb::Metric::kGauge: {
      Gauge g;
      Status st = PointsFromProto(in.gauge().data_points(), &g.data_points);
      if (!st.ok()) return AtPath(st, "gauge");
      out->data = std::move(g);
      break;
    }
    case metrics_pb::Metric::kSum: {
      Sum s;
      s.aggregation_temporality =
          static_cast<AggregationTemporality>(in.sum().aggregation_temporality());
      s.is_monotonic = in.sum().is_monotonic();
      Status st = PointsFromProto(in.sum().data_points(), &s.data_points);
      if (!st.ok()) return AtPath(st, "sum");
      out->data = std::move(s);
      break;
    }
    case metrics_pb::Metric::kHistogram: {
      Histogram h;
      h.aggregation_temporality =
          static_cast<AggregationTemporality>(in.histogram().aggregation_temporality());
      Status st = PointsFromProto(in.histogram().data_points(), &h.data_points);
      if (!st.ok()) return AtPath(st, "histogram");
      out->data = std::move(h);
      break;
    }
    case metrics_pb::Metric::kExponentialHistogram: {
      ExponentialHistogram h;
      h.aggregation_temporality =
          static_cast<AggregationTemporality>(in.exponential_histogram().aggregation_temporality());
      Status st = PointsFromProto(in.exponential_histogram().data_points(), &h.data_points);
      if (!st.ok()) return AtPath(st, "exponential_histogram");
      out->data = std::move(h);
      break;
    }
    case metrics_pb::Metric::kSummary: {
      Summary s;
      Status st = PointsFromProto(in.summary().data_points(), &s.data_points);
      if (!st.ok()) return AtPath(st, "summary");
      out->data = std::move(s);
      break;
    }
    case metrics_pb::Metric::DATA_NOT_SET:
      break;
  }
  return Status::Ok();
}

Status FromProto(const collector_metrics_pb::ExportMetricsServiceRequest& in, MetricsData* out) {
  out->resource_metrics.resize(static_cast<size_t>(in.resource_metrics_size()));
  for (int r = 0; r < in.resource_metrics_size(); ++r) {
    const auto& rm_in = in.resource_metrics(r);
    ResourceMetrics& rm = out->resource_metrics[r];
    Status rst = FromProto(rm_in.resource(), &rm.resource);
    if (!rst.ok()) return AtPath(AtPath(rst, "resource"), "resource_metrics", r);
    rm.schema_url = rm_in.schema_url();
    rm.scope_metrics.resize(static_cast<size_t>(rm_in.scope_metrics_size()));
    for (int s = 0; s < rm_in.scope_metrics_size(); ++s) {
      const auto& sm_in = rm_in.scope_metrics(s);
      ScopeMetrics& sm = rm.scope_metrics[s];
      Status sst = FromProto(sm_in.scope(), &sm.scope);
      if (!sst.ok()) {
        return AtPath(AtPath(AtPath(sst, "scope"), "scope_metrics", s), "resource_metrics", r);
      }
      sm.schema_url = sm_in.schema_url();
      sm.metrics.resize(static_cast<size_t>(sm_in.metrics_size()));
      for (int m = 0; m < sm_in.metrics_size(); ++m) {
        Status st = FromProto(sm_in.metrics(m), &sm.metrics[m]);
        if (!st.ok()) {
          return AtPath(AtPath(AtPath(st, "metrics", m), "scope_metrics", s), "resource_metrics",
                        r);
        }
      }
    }
  }
  return Status::Ok();
}

// ----- encoding: model -> generated messages ------------------------------------------------

void ToProto(const AnyValue& in, common_pb::AnyValue* out);

void ToProto(const Attributes& in, pb::RepeatedPtrField<common_pb::KeyValue>* out) {
  out->Reserve(static_cast<int>(in.size()));
  for (const KeyValue& kv : in) {
    common_pb::KeyValue* o = out->Add();
    o->set_key(kv.key);
    ToProto(kv.value, o->mutable_value());
  }
}

void ToProto(const AnyValue& in, common_pb::AnyValue* out) {
  switch (in.kind()) {
    case ValueKind::kEmpty:
      break;
    case ValueKind::kString:
      out->set_string_value(in.string_value());
      break;
    case ValueKind::kBool:
      out->set_bool_value(in.bool_value());
      break;
    case ValueKind::kInt:
      out->set_int_value(in.int_value());
      break;
    case ValueKind::kDouble:
      out->set_double_value(in.double_value());
      break;
    case ValueKind::kBytes:
      out->set_bytes_value(in.bytes_value().data);
      break;
    case ValueKind::kArray: {
      common_pb::ArrayValue* array = out->mutable_array_value();
      for (const AnyValue& v : in.array_value()) ToProto(v, array->add_values());
      break;
    }
    case ValueKind::kKvList:
      ToProto(in.kvlist_value(), out->mutable_kvlist_value()->mutable_values());
      break;
  }
}

void ToProto(const Resource& in, resource_pb::Resource* out) {
  ToProto(in.attributes, out->mutable_attributes());
  out->set_dropped_attributes_count(in.dropped_attributes_count);
}

void ToProto(const InstrumentationScope& in, common_pb::InstrumentationScope* out) {
  out->set_name(in.name);
  out->set_version(in.version);
  ToProto(in.attributes, out->mutable_attributes());
  out->set_dropped_attributes_count(in.dropped_attributes_count);
}

void ToProto(const LogRecord& in, logs_pb::LogRecord* out) {
  out->set_time_unix_nano(in.time_unix_nano);
  out->set_observed_time_unix_nano(in.observed_time_unix_nano);
  out->set_severity_number(static_cast<logs_pb::SeverityNumber>(in.severity_number));
  out->set_severity_text(in.severity_text);
  if (!in.body.empty()) ToProto(in.body, out->mutable_body());
  ToProto(in.attributes, out->mutable_attributes());
  out->set_dropped_attributes_count(in.dropped_attributes_count);
  out->set_flags(in.flags);
  SetId(in.trace_id, out->mutable_trace_id());
  SetId(in.span_id, out->mutable_span_id());
  out->set_event_name(in.event_name);
}

void ToProto(const Exemplar& in, metrics_pb::Exemplar* out) {
  ToProto(in.filtered_attributes, out->mutable_filtered_attributes());
  out->set_time_unix_nano(in.time_unix_nano);
  if (const double* d = std::get_if<double>(&in.value)) out->set_as_double(*d);
  if (const int64_t* i = std::get_if<int64_t>(&in.value)) out->set_as_int(*i);
  SetId(in.span_id, out->mutable_span_id());
  SetId(in.trace_id, out->mutable_trace_id());
}

void ToProto(const std::vector<Exemplar>& in, pb::RepeatedPtrField<metrics_pb::Exemplar>* out) {
  for (const Exemplar& e : in) ToProto(e, out->Add());
}

void ToProto(const NumberDataPoint& in, metrics_pb::NumberDataPoint* out) {
  ToProto(in.attributes, out->mutable_attributes());
  out->set_start_time_unix_nano(in.start_time_unix_nano);
  out->set_time_unix_nano(in.time_unix_nano);
  if (const double* d = std::get_if<double>(&in.value)) out->set_as_double(*d);
  if (const int64_t* i = std::get_if<int64_t>(&in.value)) out->set_as_int(*i);
  ToProto(in.exemplars, out->mutable_exemplars());
  out->set_flags(in.flags);
}

void ToProto(const HistogramDataPoint& in, metrics_pb::HistogramDataPoint* out) {
  ToProto(in.attributes, out->mutable_attributes());
  out->set_start_time_unix_nano(in.start_time_unix_nano);
  out->set_time_unix_nano(in.time_unix_nano);
  out->set_count(in.count);
  if (in.sum) out->set_sum(*in.sum);
  out->mutable_bucket_counts()->Add(in.bucket_counts.begin(), in.bucket_counts.end());
  out->mutable_explicit_bounds()->Add(in.explicit_bounds.begin(), in.explicit_bounds.end());
  ToProto(in.exemplars, out->mutable_exemplars());
  out->set_flags(in.flags);
  if (in.min) out->set_min(*in.min);
  if (in.max) out->set_max(*in.max);
}

void ToProto(const ExponentialBuckets& in,
             metrics_pb::ExponentialHistogramDataPoint::Buckets* out) {
  out->set_offset(in.offset);
  out->mutable_bucket_counts()->Add(in.bucket_counts.begin(), in.bucket_counts.end());
}

void ToProto(const ExponentialHistogramDataPoint& in,
             metrics_pb::ExponentialHistogramDataPoint* out) {
  ToProto(in.attributes, out->mutable_attributes());
  out->set_start_time_unix_nano(in.start_time_unix_nano);
  out->set_time_unix_nano(in.time_unix_nano);
  out->set_count(in.count);
  if (in.sum) out->set_sum(*in.sum);
  out->set_scale(in.scale);
  out->set_zero_count(in.zero_count);
  if (in.positive.offset != 0 || !in.positive.bucket_counts.empty()) {
    ToProto(in.positive, out->mutable_positive());
  }
  if (in.negative.offset != 0 || !in.negative.bucket_counts.empty()) {
    ToProto(in.negative, out->mutable_negative());
  }
  out->set_flags(in.flags);
  ToProto(in.exemplars, out->mutable_exemplars());
  if (in.min) out->set_min(*in.min);
  if (in.max) out->set_max(*in.max);
  out->set_zero_threshold(in.zero_threshold);
}

void ToProto(const SummaryDataPoint& in, metrics_pb::SummaryDataPoint* out) {
  ToProto(in.attributes, out->mutable_attributes());
  out->set_start_time_unix_nano(in.start_time_unix_nano);
  out->set_time_unix_nano(in.time_unix_nano);
  out->set_count(in.count);
  out->set_sum(in.sum);
  for (const ValueAtQuantile& q : in.quantile_values) {
    auto* o = out->add_quantile_values();
    o->set_quantile(q.quantile);
    o->set_value(q.value);
  }
  out->set_flags(in.flags);
}

template <typename InPoint, typename OutPoints>
void PointsToProto(const std::vector<InPoint>& in, OutPoints* out) {
  out->Reserve(static_cast<int>(in.size()));
  for (const InPoint& p : in) ToProto(p, out->Add());
}

void ToProto(const Metric& in, metrics_pb::Metric* out) {
  out->set_name(in.name);
  out->set_description(in.description);
  out->set_unit(in.unit);
  ToProto(in.metadata, out->mutable_metadata());
  if (const auto* g = std::get_if<Gauge>(&in.data)) {
    PointsToProto(g->data_points, out->mutable_gauge()->mutable_data_points());
  } else if (const auto* s = std::get_if<Sum>(&in.data)) {
    auto* o = out->mutable_sum();
    o->set_aggregation_temporality(
        static_cast<metrics_pb::AggregationTemporality>(s->aggregation_temporality));
    o->set_is_monotonic(s->is_monotonic);
    PointsToProto(s->data_points, o->mutable_data_points());
  } else if (const auto* h = std::get_if<Histogram>(&in.data)) {
    auto* o = out->mutable_histogram();
    o->set_aggregation_temporality(
        static_cast<metrics_pb::AggregationTemporality>(h->aggregation_temporality));
    PointsToProto(h->data_points, o->mutable_data_points());
  } else if (const auto* e = std::get_if<ExponentialHistogram>(&in.data)) {
    auto* o = out->mutable_exponential_histogram();
    o->set_aggregation_temporality(
        static_cast<metrics_pb::AggregationTemporality>(e->aggregation_temporality));
    PointsToProto(e->data_points, o->mutable_data_points());
  } else if (const auto* sm = std::get_if<Summary>(&in.data)) {
    PointsToProto(sm->data_points, out->mutable_summary()->mutable_data_points());
  }
}

std::string Serialize(const pb::Message& message) {
  std::string out;
  message.SerializeToString(&out);
  return out;
}

}  // namespace

Result<LogsData> DecodeLogsProto(std::string_view body) {
  pb::Arena arena;
  auto* request = pb::Arena::CreateMessage<collector_logs_pb::ExportLogsServiceRequest>(&arena);
  NJ_RETURN_IF_ERROR(Parse(body, request, "logs request"));
  LogsData logs;
  Status st = FromProto(*request, &logs);
  if (!st.ok()) return st.WithContext("OTLP/protobuf logs request");
  return logs;
}

Result<MetricsData> DecodeMetricsProto(std::string_view body) {
  pb::Arena arena;
  auto* request =
      pb::Arena::CreateMessage<collector_metrics_pb::ExportMetricsServiceRequest>(&arena);
  NJ_RETURN_IF_ERROR(Parse(body, request, "metrics request"));
  MetricsData metrics;
  Status st = FromProto(*request, &metrics);
  if (!st.ok()) return st.WithContext("OTLP/protobuf metrics request");
  return metrics;
}

Result<TracesSummary> DecodeTracesProto(std::string_view body) {
  pb::Arena arena;
  auto* request = pb::Arena::CreateMessage<collector_trace_pb::ExportTraceServiceRequest>(&arena);
  NJ_RETURN_IF_ERROR(Parse(body, request, "traces request"));
  TracesSummary summary;
  summary.resource_spans = static_cast<size_t>(request->resource_spans_size());
  for (int r = 0; r < request->resource_spans_size(); ++r) {
    const auto& rs = request->resource_spans(r);
    summary.scope_spans += static_cast<size_t>(rs.scope_spans_size());
    for (int s = 0; s < rs.scope_spans_size(); ++s) {
      const auto& ss = rs.scope_spans(s);
      for (int i = 0; i < ss.spans_size(); ++i) {
        TraceId trace_id;
        SpanId span_id;
        Status st = CopyId(ss.spans(i).trace_id(), &trace_id, "trace_id");
        if (st.ok()) st = CopyId(ss.spans(i).span_id(), &span_id, "span_id");
        if (st.ok()) st = CopyId(ss.spans(i).parent_span_id(), &span_id, "parent_span_id");
        if (!st.ok()) {
          return AtPath(AtPath(AtPath(st, "spans", i), "scope_spans", s), "resource_spans", r)
              .WithContext("OTLP/protobuf traces request");
        }
      }
      summary.spans += static_cast<size_t>(ss.spans_size());
    }
  }
  return summary;
}

std::string EncodeLogsProto(const LogsData& logs) {
  pb::Arena arena;
  auto* request = pb::Arena::CreateMessage<collector_logs_pb::ExportLogsServiceRequest>(&arena);
  request->mutable_resource_logs()->Reserve(static_cast<int>(logs.resource_logs.size()));
  for (const ResourceLogs& rl : logs.resource_logs) {
    auto* rl_out = request->add_resource_logs();
    ToProto(rl.resource, rl_out->mutable_resource());
    rl_out->set_schema_url(rl.schema_url);
    for (const ScopeLogs& sl : rl.scope_logs) {
      auto* sl_out = rl_out->add_scope_logs();
      ToProto(sl.scope, sl_out->mutable_scope());
      sl_out->set_schema_url(sl.schema_url);
      sl_out->mutable_log_records()->Reserve(static_cast<int>(sl.log_records.size()));
      for (const LogRecord& record : sl.log_records) ToProto(record, sl_out->add_log_records());
    }
  }
  return Serialize(*request);
}

std::string EncodeMetricsProto(const MetricsData& metrics) {
  pb::Arena arena;
  auto* request =
      pb::Arena::CreateMessage<collector_metrics_pb::ExportMetricsServiceRequest>(&arena);
  for (const ResourceMetrics& rm : metrics.resource_metrics) {
    auto* rm_out = request->add_resource_metrics();
    ToProto(rm.resource, rm_out->mutable_resource());
    rm_out->set_schema_url(rm.schema_url);
    for (const ScopeMetrics& sm : rm.scope_metrics) {
      auto* sm_out = rm_out->add_scope_metrics();
      ToProto(sm.scope, sm_out->mutable_scope());
      sm_out->set_schema_url(sm.schema_url);
      for (const Metric& m : sm.metrics) ToProto(m, sm_out->add_metrics());
    }
  }
  return Serialize(*request);
}

std::string EncodeResponseProto(Signal signal, const ExportResponse& response) {
  const auto& ps = response.partial_success;
  switch (signal) {
    case Signal::kLogs: {
      collector_logs_pb::ExportLogsServiceResponse out;
      if (ps) {
        out.mutable_partial_success()->set_rejected_log_records(ps->rejected);
        out.mutable_partial_success()->set_error_message(ps->error_message);
      }
      return Serialize(out);
    }
    case Signal::kMetrics: {
      collector_metrics_pb::ExportMetricsServiceResponse out;
      if (ps) {
        out.mutable_partial_success()->set_rejected_data_points(ps->rejected);
        out.mutable_partial_success()->set_error_message(ps->error_message);
      }
      return Serialize(out);
    }
    case Signal::kTraces: {
      collector_trace_pb::ExportTraceServiceResponse out;
      if (ps) {
        out.mutable_partial_success()->set_rejected_spans(ps->rejected);
        out.mutable_partial_success()->set_error_message(ps->error_message);
      }
      return Serialize(out);
    }
  }
  return {};
}

Result<ExportResponse> DecodeResponseProto(Signal signal, std::string_view body) {
  ExportResponse response;
  switch (signal) {
    case Signal::kLogs: {
      collector_logs_pb::ExportLogsServiceResponse in;
      NJ_RETURN_IF_ERROR(Parse(body, &in, "logs response"));
      if (in.has_partial_success()) {
        response.partial_success = ExportResponse::PartialSuccess{
            in.partial_success().rejected_log_records(), in.partial_success().error_message()};
      }
      break;
    }
    case Signal::kMetrics: {
      collector_metrics_pb::ExportMetricsServiceResponse in;
      NJ_RETURN_IF_ERROR(Parse(body, &in, "metrics response"));
      if (in.has_partial_success()) {
        response.partial_success = ExportResponse::PartialSuccess{
            in.partial_success().rejected_data_points(), in.partial_success().error_message()};
      }
      break;
    }
    case Signal::kTraces: {
      collector_trace_pb::ExportTraceServiceResponse in;
      NJ_RETURN_IF_ERROR(Parse(body, &in, "traces response"));
      if (in.has_partial_success()) {
        response.partial_success = ExportResponse::PartialSuccess{
            in.partial_success().rejected_spans(), in.partial_success().error_message()};
      }
      break;
    }
  }
  return response;
}

std::string EncodeRpcStatusProto(const RpcStatus& status) {
  ::google::rpc::Status out;
  out.set_code(status.code);
  out.set_message(status.message);
  return Serialize(out);
}

Result<RpcStatus> DecodeRpcStatusProto(std::string_view body) {
  ::google::rpc::Status in;
  NJ_RETURN_IF_ERROR(Parse(body, &in, "status"));
  return RpcStatus{in.code(), in.message()};
}

}  // namespace nightjar::otlp::internal
