// Writes the seed corpora of the fuzz targets into corpus/<target>/:
//   fuzz_corpus_generator tests/fuzz/corpus
//
// Seeds are small valid requests that use every field and value kind, in both encodings, plus
// near-valid variants (truncated, wrong type, wrong id length, invalid UTF-8, too deep) that
// start the fuzzer at the edges of each format instead of making it rediscover them. The output
// is deterministic, and each target's folder is emptied first, so rerunning the generator after
// a change shows up as a plain diff.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp/codec.h"
#include "otlp/gzip.h"

namespace nightjar::fuzz {
namespace {

namespace fs = std::filesystem;
using otlp::AnyValue;
using otlp::Encoding;
using namespace std::string_literals;

// ----- protobuf wire bytes, for seeds that no encoder would produce ---------------------------

std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
  return out;
}

// A length-delimited field: a submessage, string or bytes.
std::string Field(int number, std::string_view payload) {
  return Varint(static_cast<uint64_t>(number) << 3 | 2) + Varint(payload.size()) +
         std::string(payload);
}

std::string VarintField(int number, uint64_t v) {
  return Varint(static_cast<uint64_t>(number) << 3) + Varint(v);
}

std::string Fixed64Field(int number, uint64_t v) {
  std::string out = Varint(static_cast<uint64_t>(number) << 3 | 1);
  for (int i = 0; i < 8; ++i) out += static_cast<char>(v >> (8 * i));
  return out;
}

// A logs request with one record whose fields are `record` (LogRecord wire bytes).
std::string LogsWithRecord(std::string_view record) { return Field(1, Field(2, Field(2, record))); }

// A metrics request with one gauge whose data point is `point` (NumberDataPoint wire bytes).
std::string MetricsWithGaugePoint(std::string_view point) {
  return Field(1, Field(2, Field(2, Field(1, "g") + Field(5, Field(1, point)))));
}

// ----- models ------------------------------------------------------------------------------------

otlp::TraceId TraceIdFrom(uint8_t seed) {
  otlp::TraceId id;
  for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<uint8_t>(seed + 17 * i);
  return id;
}

otlp::SpanId SpanIdFrom(uint8_t seed) {
  otlp::SpanId id;
  for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<uint8_t>(seed + 29 * i);
  return id;
}

// A key/value list holding one value of every kind, nested arrays and maps included.
AnyValue EveryKind() {
  AnyValue::KvList inner = {
      {"s", AnyValue("deep")},
      {"a", AnyValue(AnyValue::Array{AnyValue(1), AnyValue("two"), AnyValue(3.5), AnyValue(false),
                                     AnyValue()})},
  };
  return AnyValue(AnyValue::KvList{
      {"string", AnyValue("quote \" backslash \\ tab \t newline \n nul \0 end"s)},
      {"unicode", AnyValue("h\xc3\xa9llo \xf0\x9f\x90\xa6 \xe4\xb8\xad \xef\xbf\xbf")},
      {"empty_string", AnyValue("")},
      {"true", AnyValue(true)},
      {"int_max", AnyValue(std::numeric_limits<int64_t>::max())},
      {"int_min", AnyValue(std::numeric_limits<int64_t>::min())},
      {"int_above_2_53", AnyValue(int64_t{9007199254740993})},
      {"double", AnyValue(-1234.5678e-9)},
      {"double_neg_zero", AnyValue(-0.0)},
      {"double_min", AnyValue(std::numeric_limits<double>::denorm_min())},
      {"double_max", AnyValue(std::numeric_limits<double>::max())},
      {"nan", AnyValue(std::numeric_limits<double>::quiet_NaN())},
      {"inf", AnyValue(-std::numeric_limits<double>::infinity())},
      {"bytes", AnyValue(otlp::Bytes{std::string("\x00\x01\xfe\xff bin", 8)})},
      {"empty", AnyValue()},
      {"map", AnyValue(std::move(inner))},
      {"empty_array", AnyValue(AnyValue::Array{})},
      {"empty_map", AnyValue(AnyValue::KvList{})},
  });
}

// Returns `leaf` wrapped in `levels` arrays (kind 0) or key/value lists (kind 1).
AnyValue Nested(int levels, int kind, AnyValue leaf) {
  AnyValue v = std::move(leaf);
  for (int i = 0; i < levels; ++i) {
    v = kind == 0 ? AnyValue(AnyValue::Array{std::move(v)})
                  : AnyValue(AnyValue::KvList{{"k", std::move(v)}});
  }
  return v;
}

otlp::InstrumentationScope Scope() {
  otlp::InstrumentationScope scope;
  scope.name = "nightjar.fuzz";
  scope.version = "1.0.0";
  scope.attributes = {{"scope.attr", AnyValue(int64_t{7})}};
  scope.dropped_attributes_count = 1;
  return scope;
}

otlp::Resource Resource() {
  otlp::Resource resource;
  resource.attributes = {{"service.name", AnyValue("checkout")}, {"host.name", AnyValue("web-01")}};
  resource.dropped_attributes_count = 2;
  return resource;
}

otlp::LogsData MinimalLogs() {
  otlp::LogRecord record;
  record.body = AnyValue("hello");
  otlp::LogsData logs;
  logs.resource_logs.emplace_back();
  logs.resource_logs[0].scope_logs.emplace_back();
  logs.resource_logs[0].scope_logs[0].log_records.push_back(record);
  return logs;
}

otlp::LogsData EveryFieldLogs() {
  otlp::LogsData logs;
  for (int r = 0; r < 2; ++r) {
    otlp::ResourceLogs rl;
    rl.resource = Resource();
    rl.schema_url = "https://opentelemetry.io/schemas/1.26.0";
    otlp::ScopeLogs sl;
    sl.scope = Scope();
    sl.schema_url = "https://example.com/scope";
    for (int i = 0; i < 2; ++i) {
      otlp::LogRecord record;
      record.time_unix_nano = 1700000000123456789ULL + static_cast<uint64_t>(i);
      record.observed_time_unix_nano = std::numeric_limits<uint64_t>::max();
      record.severity_number = i == 0 ? otlp::kSeverityError : 99;  // 99: unknown but kept
      record.severity_text = "ERROR";
      record.body = i == 0 ? EveryKind() : AnyValue("line one\nline two");
      record.attributes = {{"http.status_code", AnyValue(int64_t{503})},
                           {"ratio", AnyValue(0.25)},
                           {"", AnyValue("empty key")}};
      record.dropped_attributes_count = 3;
      record.flags = 0xffffffff;
      record.trace_id = TraceIdFrom(static_cast<uint8_t>(r + i));
      record.span_id = SpanIdFrom(static_cast<uint8_t>(r + i));
      record.event_name = i == 0 ? "" : "app.startup";
      sl.log_records.push_back(record);
    }
    rl.scope_logs.push_back(sl);
    rl.scope_logs.emplace_back();  // an empty scope
    logs.resource_logs.push_back(rl);
  }
  return logs;
}

otlp::LogsData LogsWithBody(AnyValue body) {
  otlp::LogsData logs = MinimalLogs();
  logs.resource_logs[0].scope_logs[0].log_records[0].body = std::move(body);
  return logs;
}

otlp::Exemplar MakeExemplar(bool as_int) {
  otlp::Exemplar e;
  e.filtered_attributes = {{"user", AnyValue("alice")}};
  e.time_unix_nano = 1700000000000000000ULL;
  if (as_int) {
    e.value = int64_t{-42};
  } else {
    e.value = 0.125;
  }
  e.span_id = SpanIdFrom(3);
  e.trace_id = TraceIdFrom(4);
  return e;
}

template <typename Point>
void FillCommon(Point* p) {
  p->attributes = {{"path", AnyValue("/api")}, {"code", AnyValue(int64_t{200})}};
  p->start_time_unix_nano = 1700000000000000000ULL;
  p->time_unix_nano = 1700000060000000000ULL;
  p->flags = otlp::kDataPointNoRecordedValue;
}

otlp::MetricsData EveryKindMetrics() {
  std::vector<otlp::Metric> metrics;

  otlp::Metric gauge{"cpu.usage", "CPU in use", "1", {}, {{"meta", AnyValue(true)}}};
  otlp::Gauge g;
  for (int i = 0; i < 3; ++i) {
    otlp::NumberDataPoint p;
    FillCommon(&p);
    if (i == 0) p.value = 0.5;
    if (i == 1) p.value = int64_t{-7};
    p.exemplars = {MakeExemplar(i == 1)};
    g.data_points.push_back(p);
  }
  gauge.data = g;
  metrics.push_back(gauge);

  otlp::Metric sum{"requests", "", "{request}", {}, {}};
  otlp::Sum s;
  s.aggregation_temporality = otlp::AggregationTemporality::kCumulative;
  s.is_monotonic = true;
  otlp::NumberDataPoint sp;
  FillCommon(&sp);
  sp.value = std::numeric_limits<int64_t>::max();
  s.data_points = {sp};
  sum.data = s;
  metrics.push_back(sum);

  otlp::Metric histogram{"latency", "", "ms", {}, {}};
  otlp::Histogram h;
  h.aggregation_temporality = otlp::AggregationTemporality::kDelta;
  otlp::HistogramDataPoint hp;
  FillCommon(&hp);
  hp.count = 10;
  hp.sum = 123.5;
  hp.bucket_counts = {1, 2, 3, 4};
  hp.explicit_bounds = {0.5, 1, 2.5};
  hp.exemplars = {MakeExemplar(false)};
  hp.min = 0.1;
  hp.max = std::numeric_limits<double>::infinity();
  otlp::HistogramDataPoint bare;  // no sum, min or max: their absence is information too
  bare.count = 1;
  bare.bucket_counts = {1};
  h.data_points = {hp, bare};
  histogram.data = h;
  metrics.push_back(histogram);

  otlp::Metric exponential{"size", "", "By", {}, {}};
  otlp::ExponentialHistogram e;
  e.aggregation_temporality = otlp::AggregationTemporality::kCumulative;
  otlp::ExponentialHistogramDataPoint ep;
  FillCommon(&ep);
  ep.count = 9;
  ep.sum = 1e6;
  ep.scale = -3;
  ep.zero_count = 2;
  ep.positive = {-2, {1, 0, 3}};
  ep.negative = {5, {2}};
  ep.exemplars = {MakeExemplar(true)};
  ep.min = -1;
  ep.max = 1e9;
  ep.zero_threshold = 1e-9;
  e.data_points = {ep};
  exponential.data = e;
  metrics.push_back(exponential);

  otlp::Metric summary{"gc.pause", "", "s", {}, {}};
  otlp::Summary sm;
  otlp::SummaryDataPoint qp;
  FillCommon(&qp);
  qp.count = 100;
  qp.sum = 4.25;
  qp.quantile_values = {{0, 0.001}, {0.5, 0.02}, {1, std::numeric_limits<double>::quiet_NaN()}};
  sm.data_points = {qp};
  summary.data = sm;
  metrics.push_back(summary);

  metrics.push_back(otlp::Metric{"no.data", "", "", {}, {}});
  otlp::Metric unknown_temporality{"odd", "", "", {}, {}};
  otlp::Sum odd;
  odd.aggregation_temporality = static_cast<otlp::AggregationTemporality>(7);
  unknown_temporality.data = odd;
  metrics.push_back(unknown_temporality);

  otlp::MetricsData data;
  otlp::ResourceMetrics rm;
  rm.resource = Resource();
  rm.schema_url = "https://opentelemetry.io/schemas/1.26.0";
  otlp::ScopeMetrics scope_metrics;
  scope_metrics.scope = Scope();
  scope_metrics.metrics = metrics;
  scope_metrics.schema_url = "s";
  rm.scope_metrics = {scope_metrics};
  data.resource_metrics = {rm};
  return data;
}

otlp::MetricsData MinimalMetrics() {
  otlp::NumberDataPoint p;
  p.value = 1.0;
  otlp::Metric m{"up", "", "", otlp::Gauge{{p}}, {}};
  otlp::MetricsData data;
  data.resource_metrics.emplace_back();
  data.resource_metrics[0].scope_metrics.emplace_back();
  data.resource_metrics[0].scope_metrics[0].metrics.push_back(m);
  return data;
}

// ----- traces, built with the generated classes (Nightjar has no traces encoder) -------------

namespace trace_pb = ::opentelemetry::proto::trace::v1;
using TraceRequest = ::opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

std::string IdBytes(const auto& id) {
  return std::string(reinterpret_cast<const char*>(id.data()), id.size());
}

std::string EveryFieldTraces() {
  TraceRequest request;
  for (int r = 0; r < 2; ++r) {
    trace_pb::ResourceSpans* rs = request.add_resource_spans();
    auto* attr = rs->mutable_resource()->add_attributes();
    attr->set_key("service.name");
    attr->mutable_value()->set_string_value("checkout");
    rs->set_schema_url("https://opentelemetry.io/schemas/1.26.0");
    trace_pb::ScopeSpans* ss = rs->add_scope_spans();
    ss->mutable_scope()->set_name("nightjar.fuzz");
    for (int i = 0; i < 2; ++i) {
      trace_pb::Span* span = ss->add_spans();
      span->set_trace_id(IdBytes(TraceIdFrom(static_cast<uint8_t>(i))));
      span->set_span_id(IdBytes(SpanIdFrom(static_cast<uint8_t>(i))));
      if (i == 1) span->set_parent_span_id(IdBytes(SpanIdFrom(0)));
      span->set_trace_state("vendor=value");
      span->set_flags(1);
      span->set_name("GET /api");
      span->set_kind(trace_pb::Span::SPAN_KIND_SERVER);
      span->set_start_time_unix_nano(1700000000000000000ULL);
      span->set_end_time_unix_nano(1700000000500000000ULL);
      auto* a = span->add_attributes();
      a->set_key("http.status_code");
      a->mutable_value()->set_int_value(200);
      auto* nested = span->add_attributes();
      nested->set_key("nested");
      auto* list = nested->mutable_value()->mutable_kvlist_value()->add_values();
      list->set_key("inner");
      list->mutable_value()->mutable_array_value()->add_values()->set_double_value(2.5);
      span->set_dropped_attributes_count(1);
      trace_pb::Span::Event* event = span->add_events();
      event->set_name("exception");
      event->set_time_unix_nano(1700000000100000000ULL);
      trace_pb::Span::Link* link = span->add_links();
      link->set_trace_id(IdBytes(TraceIdFrom(9)));
      link->set_span_id(IdBytes(SpanIdFrom(9)));
      span->mutable_status()->set_code(trace_pb::Status::STATUS_CODE_ERROR);
      span->mutable_status()->set_message("boom");
    }
    rs->add_scope_spans();  // an empty scope
  }
  return request.SerializeAsString();
}

// ----- writing -------------------------------------------------------------------------------

class CorpusWriter {
 public:
  explicit CorpusWriter(fs::path root) : root_(std::move(root)) {}

  // Empties corpus/<target>/ and makes it the folder that Add writes to.
  void Target(const std::string& name) {
    dir_ = root_ / name;
    fs::create_directories(dir_);
    for (const fs::directory_entry& entry : fs::directory_iterator(dir_)) fs::remove(entry.path());
  }

  void Add(const std::string& name, std::string_view bytes) {
    std::ofstream out(dir_ / name, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::cerr << "cannot write " << (dir_ / name).string() << "\n";
      ok_ = false;
    }
    ++files_;
  }

  bool ok() const { return ok_; }
  int files() const { return files_; }

 private:
  fs::path root_;
  fs::path dir_;
  bool ok_ = true;
  int files_ = 0;
};

// The first two thirds of `bytes`: a truncated request.
std::string Truncated(std::string_view bytes) {
  return std::string(bytes.substr(0, bytes.size() * 2 / 3));
}

void WriteLogs(CorpusWriter& w) {
  w.Target("fuzz_decode_logs_proto");
  std::string every = otlp::EncodeLogs(EveryFieldLogs(), Encoding::kProtobuf);
  w.Add("empty_request.pb", "");
  w.Add("minimal.pb", otlp::EncodeLogs(MinimalLogs(), Encoding::kProtobuf));
  w.Add("every_field.pb", every);
  w.Add("nested_arrays_32.pb",
        otlp::EncodeLogs(LogsWithBody(Nested(32, 0, AnyValue(1))), Encoding::kProtobuf));
  w.Add("nested_maps_16.pb",
        otlp::EncodeLogs(LogsWithBody(Nested(16, 1, AnyValue("x"))), Encoding::kProtobuf));
  w.Add("bad_truncated.pb", Truncated(every));
  w.Add("bad_trace_id_3_bytes.pb", LogsWithRecord(Field(9, "abc")));
  w.Add("bad_span_id_9_bytes.pb", LogsWithRecord(Field(10, "123456789")));
  w.Add("bad_utf8_severity_text.pb", LogsWithRecord(Field(3, "\xc3\x28")));
  w.Add("bad_wire_type_for_time.pb", LogsWithRecord(VarintField(1, 5)));
  w.Add("unknown_fields.pb", LogsWithRecord(VarintField(100, 1) + Field(101, "x") +
                                            Fixed64Field(102, 3) + "\x9b\x06\x9c\x06"));
  w.Add("negative_severity.pb", LogsWithRecord(VarintField(2, static_cast<uint64_t>(-3))));

  w.Target("fuzz_decode_logs_json");
  std::string every_json = otlp::EncodeLogs(EveryFieldLogs(), Encoding::kJson);
  w.Add("empty_object.json", "{}");
  w.Add("minimal.json", otlp::EncodeLogs(MinimalLogs(), Encoding::kJson));
  w.Add("every_field.json", every_json);
  w.Add("nested_arrays_32.json",
        otlp::EncodeLogs(LogsWithBody(Nested(32, 0, AnyValue(1))), Encoding::kJson));
  w.Add("nested_maps_16.json",
        otlp::EncodeLogs(LogsWithBody(Nested(16, 1, AnyValue("x"))), Encoding::kJson));
  // What real senders write and the decoder accepts: proto field names, numbers for 64-bit
  // integers, enum names, special doubles as strings, nulls, unknown keys, upper-case hex.
  w.Add("lenient_forms.json", R"({"resource_logs":[{"resource":{"attributes":[{"key":"a",
"value":{"int_value":12}}],"dropped_attributes_count":null},"scope_logs":[{"scope":{"name":"s"},
"log_records":[{"time_unix_nano":1700000000000000000,"observedTimeUnixNano":"17",
"severity_number":"SEVERITY_NUMBER_WARN","severity_text":null,"trace_id":
"0102030405060708090A0B0C0D0E0F10","span_id":"A1A2A3A4A5A6A7A8","flags":1e0,
"body":{"kvlist_value":{"values":[{"key":"d","value":{"double_value":"NaN"}},
{"key":"i","value":{"doubleValue":"-Infinity"}},{"key":"n","value":{"doubleValue":"1.5"}},
{"key":"b","value":{"bytes_value":"-_8="}},{"key":"u","value":{"stringValue":
"\u00e9\ud83d\udc26\u0000"}},{"key":"z","value":null}]}},"unknown":{"x":[1,2]}}]}]}]})");
  w.Add("bad_truncated.json", Truncated(every_json));
  w.Add("bad_wrong_type.json",
        R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":true}]}]}]})");
  w.Add("bad_trace_id_length.json",
        R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"abc"}]}]}]})");
  w.Add("bad_two_values.json", R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":
{"stringValue":"a","intValue":"1"}}]}]}]})");
  w.Add("bad_lone_surrogate.json", R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":
{"stringValue":"\udc00"}}]}]}]})");
  w.Add("bad_base64.json", R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":
{"bytesValue":"a===*"}}]}]}]})");
  w.Add("bad_int_out_of_range.json", R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{
"droppedAttributesCount":4294967296,"body":{"intValue":"9223372036854775808"}}]}]}]})");
  w.Add("bad_root_array.json", "[]");
}

void WriteMetrics(CorpusWriter& w) {
  w.Target("fuzz_decode_metrics_proto");
  std::string every = otlp::EncodeMetrics(EveryKindMetrics(), Encoding::kProtobuf);
  w.Add("empty_request.pb", "");
  w.Add("minimal.pb", otlp::EncodeMetrics(MinimalMetrics(), Encoding::kProtobuf));
  w.Add("every_kind.pb", every);
  w.Add("bad_truncated.pb", Truncated(every));
  w.Add("bad_exemplar_span_id.pb", MetricsWithGaugePoint(Field(5, Field(4, "short"))));
  w.Add("bad_packed_fixed64.pb",
        Field(1, Field(2, Field(2, Field(9, Field(1, Field(6, "1234567")))))));
  w.Add("nan_payload_point.pb", MetricsWithGaugePoint(Fixed64Field(4, 0xfff0000000000001ULL)));
  w.Add("two_metric_kinds.pb",
        Field(1, Field(2, Field(2, Field(5, Field(1, "")) + Field(7, Field(1, ""))))));

  w.Target("fuzz_decode_metrics_json");
  std::string every_json = otlp::EncodeMetrics(EveryKindMetrics(), Encoding::kJson);
  w.Add("empty_object.json", "{}");
  w.Add("minimal.json", otlp::EncodeMetrics(MinimalMetrics(), Encoding::kJson));
  w.Add("every_kind.json", every_json);
  w.Add("lenient_forms.json", R"({"resource_metrics":[{"scope_metrics":[{"metrics":[
{"name":"a","sum":{"data_points":[{"as_int":5,"time_unix_nano":"1","exemplars":[{"as_double":
"Infinity","span_id":"0102030405060708"}]}],"aggregation_temporality":
"AGGREGATION_TEMPORALITY_DELTA","is_monotonic":null}},{"name":"h","histogram":{"dataPoints":[{
"count":3,"sum":null,"bucket_counts":[1,"2",null],"explicit_bounds":["NaN",2]}]}},{"name":"e",
"exponential_histogram":{"data_points":[{"scale":-1,"zero_threshold":"1e-3","positive":{
"offset":-1,"bucket_counts":["1"]},"negative":null}]}},{"name":"q","summary":{"dataPoints":[{
"quantile_values":[{"quantile":0.5,"value":"2"}]}]},"gauge":null}]}]}]})");
  w.Add("bad_truncated.json", Truncated(every_json));
  w.Add("bad_two_kinds.json",
        R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{},"sum":{}}]}]}]})");
  w.Add("bad_temporality.json", R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{
"aggregationTemporality":"SOMETIMES"}}]}]}]})");
  w.Add("bad_bucket_count.json", R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{
"histogram":{"dataPoints":[{"bucketCounts":[-1]}]}}]}]}]})");
}

void WriteTraces(CorpusWriter& w) {
  w.Target("fuzz_decode_traces_proto");
  std::string every = EveryFieldTraces();
  w.Add("empty_request.pb", "");
  w.Add("every_field.pb", every);
  w.Add("bad_truncated.pb", Truncated(every));
  w.Add("bad_trace_id_length.pb", Field(1, Field(2, Field(2, Field(1, "short")))));
  w.Add("bad_utf8_name.pb", Field(1, Field(2, Field(2, Field(5, "\xff")))));

  w.Target("fuzz_decode_traces_json");
  w.Add("empty_object.json", "{}");
  w.Add("every_field.json", R"({"resourceSpans":[{"resource":{"attributes":[{"key":
"service.name","value":{"stringValue":"checkout"}}]},"scopeSpans":[{"scope":{"name":"s"},
"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708",
"parentSpanId":"","name":"GET /api","kind":2,"startTimeUnixNano":"1700000000000000000",
"endTimeUnixNano":1700000000500000000,"attributes":[{"key":"a","value":{"arrayValue":{
"values":[{"intValue":"1"}]}}}],"events":[{"name":"e"}],"status":{"code":2}},{}]},{}]},
{"scope_spans":[{"spans":null}]}]})");
  w.Add("bad_span_id.json", R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"xyz"}]}]}]})");
  w.Add("bad_span_type.json", R"({"resourceSpans":[{"scopeSpans":[{"spans":[7]}]}]})");
}

void WriteResponses(CorpusWriter& w) {
  otlp::ExportResponse none;
  otlp::ExportResponse partial{otlp::ExportResponse::PartialSuccess{12, "3 records too old"}};
  otlp::ExportResponse warning{otlp::ExportResponse::PartialSuccess{0, "slow down"}};
  otlp::ExportResponse empty_partial{otlp::ExportResponse::PartialSuccess{}};

  w.Target("fuzz_decode_response_proto");
  w.Add("empty.pb", otlp::EncodeResponse(otlp::Signal::kLogs, none, Encoding::kProtobuf));
  w.Add("partial.pb", otlp::EncodeResponse(otlp::Signal::kLogs, partial, Encoding::kProtobuf));
  w.Add("warning.pb", otlp::EncodeResponse(otlp::Signal::kTraces, warning, Encoding::kProtobuf));
  w.Add("empty_partial.pb",
        otlp::EncodeResponse(otlp::Signal::kMetrics, empty_partial, Encoding::kProtobuf));
  w.Add("negative_rejected.pb", Field(1, VarintField(1, static_cast<uint64_t>(-5))));
  w.Add("bad_truncated.pb", Field(1, VarintField(1, 3) + Field(2, "abc")).substr(0, 6));

  w.Target("fuzz_decode_response_json");
  w.Add("empty.json", otlp::EncodeResponse(otlp::Signal::kLogs, none, Encoding::kJson));
  for (otlp::Signal signal : {otlp::Signal::kLogs, otlp::Signal::kMetrics, otlp::Signal::kTraces}) {
    w.Add(std::string("partial_") + otlp::SignalName(signal) + ".json",
          otlp::EncodeResponse(signal, partial, Encoding::kJson));
  }
  w.Add("empty_partial.json",
        otlp::EncodeResponse(otlp::Signal::kLogs, empty_partial, Encoding::kJson));
  w.Add("lenient_forms.json",
        R"({"partial_success":{"rejected_log_records":7,"error_message":null},"x":1})");
  w.Add("null_partial.json", R"({"partialSuccess":null})");
  w.Add("bad_type.json", R"({"partialSuccess":{"rejectedSpans":"many"}})");
}

void WriteRpcStatus(CorpusWriter& w) {
  w.Target("fuzz_decode_rpc_status_proto");
  w.Add("empty.pb", "");
  w.Add("unavailable.pb", otlp::EncodeRpcStatus(otlp::RpcStatus{14, "collector is shutting down"},
                                                Encoding::kProtobuf));
  w.Add("negative_code.pb", otlp::EncodeRpcStatus(otlp::RpcStatus{-1, ""}, Encoding::kProtobuf));
  ::google::rpc::Status with_details;
  with_details.set_code(8);
  with_details.set_message("queue full");
  auto* detail = with_details.add_details();
  detail->set_type_url("type.googleapis.com/google.rpc.RetryInfo");
  detail->set_value(Field(1, VarintField(1, 5)));
  w.Add("with_details.pb", with_details.SerializeAsString());
  w.Add("bad_utf8_message.pb", Field(2, "\xed\xa0\x80"));

  w.Target("fuzz_decode_rpc_status_json");
  w.Add("empty_object.json", "{}");
  w.Add("unavailable.json",
        otlp::EncodeRpcStatus(otlp::RpcStatus{14, "collector is shutting down"}, Encoding::kJson));
  w.Add("lenient_forms.json",
        R"({"code":"3","message":"bad \"body\" \u00e9","details":[{"@type":"x"}]})");
  w.Add("bad_code_range.json", R"({"code":2147483648})");
  w.Add("bad_message_type.json", R"({"code":1,"message":[]})");
}

void WriteGzip(CorpusWriter& w) {
  w.Target("fuzz_gzip_decompress");
  std::string logs = otlp::EncodeLogs(EveryFieldLogs(), Encoding::kJson);
  std::string metrics = otlp::EncodeMetrics(MinimalMetrics(), Encoding::kProtobuf);
  std::string compressed = otlp::GzipCompress(logs, 9);
  w.Add("empty_input.gz", "");
  w.Add("empty_member.gz", otlp::GzipCompress("", 6));
  w.Add("logs_json_level9.gz", compressed);
  w.Add("metrics_proto_level1.gz", otlp::GzipCompress(metrics, 1));
  w.Add("two_members.gz", otlp::GzipCompress("first ", 6) + otlp::GzipCompress("second", 6));
  // 2 MB of zeros compress to about 2 KB and exceed the 1 MB limit.
  w.Add("over_limit.gz", otlp::GzipCompress(std::string(2 << 20, '\0'), 9));
  w.Add("bad_truncated.gz", Truncated(compressed));
  w.Add("bad_trailing_garbage.gz", otlp::GzipCompress("body", 6) + "junk");
  std::string bad_crc = otlp::GzipCompress("body", 6);
  bad_crc[bad_crc.size() - 6] ^= 1;
  w.Add("bad_crc.gz", bad_crc);
  w.Add("bad_not_gzip.gz", "\x1f\x8c not gzip");
}

// Seeds of the Docker targets: the first byte chooses the piece size (and, with 0x80, an end of
// the connection after the bytes).
void WriteDocker(CorpusWriter& w) {
  w.Target("fuzz_docker_http");
  const std::string json = R"([{"Id":"abc","Names":["/web"]}])";
  w.Add("content_length.http",
        "\x83HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
            std::to_string(json.size()) + "\r\n\r\n" + json);
  w.Add("chunked_events.http",
        "\x05HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "1d;ext=1\r\n{\"status\":\"start\",\"id\":\"abc\"}\n\r\n"
        "1b\r\n{\"status\":\"die\",\"id\":\"abc\"}\n\r\n0\r\n\r\n");
  w.Add("until_eof.http", "\x82HTTP/1.0 200 OK\r\nServer: Docker\r\n\r\nbody until the end");
  w.Add("not_found.http", "\x01HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nno such c");
  w.Add("no_content.http", "\x81HTTP/1.1 204 No Content\r\n\r\n");
  w.Add("bad_chunk_size.http", "\x07HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
  w.Add("bad_status.http", "\x02HTTP/2 200\r\n\r\n");
  w.Add("bad_length.http", "\x02HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n");
  w.Add("cut_body.http", "\x84HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort");

  w.Target("fuzz_docker_json_log");
  w.Add("whole_lines.log",
        "{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2024-05-01T12:00:00.123456789Z\"}\n"
        "{\"log\":\"oops\\r\\n\",\"stream\":\"stderr\",\"time\":\"2024-05-01T12:00:01Z\"}\n");
  w.Add("partial_entries.log",
        "{\"log\":\"aaaa\",\"stream\":\"stdout\"}\n{\"log\":\"err\",\"stream\":\"stderr\"}\n"
        "{\"log\":\"bbbb\\n\",\"stream\":\"stdout\"}\n{\"log\":\"\\n\",\"stream\":\"stderr\"}\n");
  w.Add("escapes.log", "{\"log\":\"\\u00e9\\t\\\"q\\\"\\u0000\\n\",\"stream\":\"stdout\"}\n");
  w.Add("not_docker.log", "plain text\n{\"log\":5}\n[1,2]\n");
}

}  // namespace
}  // namespace nightjar::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " CORPUS_DIR   (normally tests/fuzz/corpus)\n";
    return 2;
  }
  nightjar::fuzz::CorpusWriter writer(argv[1]);
  nightjar::fuzz::WriteLogs(writer);
  nightjar::fuzz::WriteMetrics(writer);
  nightjar::fuzz::WriteTraces(writer);
  nightjar::fuzz::WriteResponses(writer);
  nightjar::fuzz::WriteRpcStatus(writer);
  nightjar::fuzz::WriteGzip(writer);
  nightjar::fuzz::WriteDocker(writer);
  std::cout << "wrote " << writer.files() << " seeds under " << argv[1] << "\n";
  return writer.ok() ? 0 : 1;
}
