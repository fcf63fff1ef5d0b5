// The traces oracle; see fuzz_oracle.h.
//
// Nightjar has no traces encoder (spans are only validated and counted), so the round trip of
// the other codecs is not available. Instead the summary is checked against independent
// readings of the same request: libprotobuf's own parse and re-serialization for OTLP/protobuf,
// a plain RapidJSON walk for OTLP/JSON, and, for a protobuf request, its OTLP/JSON form written
// here, which the JSON decoder must accept and count the same way.
#include <google/protobuf/arena.h>
#include <google/protobuf/io/coded_stream.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <climits>
#include <cmath>
#include <string>

#include "base/base64.h"
#include "base/hex.h"
#include "fuzz_oracle.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace nightjar::fuzz {
namespace {

namespace pb = ::google::protobuf;
namespace common_pb = ::opentelemetry::proto::common::v1;
namespace trace_pb = ::opentelemetry::proto::trace::v1;
using TraceRequest = ::opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string Describe(const otlp::TracesSummary& s) {
  return std::to_string(s.resource_spans) + " resource spans, " + std::to_string(s.scope_spans) +
         " scope spans, " + std::to_string(s.spans) + " spans";
}

otlp::TracesSummary Count(const TraceRequest& request) {
  otlp::TracesSummary s;
  for (const trace_pb::ResourceSpans& rs : request.resource_spans()) {
    ++s.resource_spans;
    for (const trace_pb::ScopeSpans& ss : rs.scope_spans()) {
      ++s.scope_spans;
      s.spans += static_cast<size_t>(ss.spans_size());
    }
  }
  return s;
}

// ----- OTLP/JSON of a parsed protobuf request ---------------------------------------------------
// Written independently of sdk/otlp's encoder, from the OTLP/JSON rules: lowerCamelCase keys,
// 64-bit integers as strings, ids as hex, bytes as base64, non-finite doubles as strings.

void String(Writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void WriteValue(Writer& w, const common_pb::AnyValue& v);

void WriteAttributes(Writer& w, const pb::RepeatedPtrField<common_pb::KeyValue>& attributes) {
  w.StartArray();
  for (const common_pb::KeyValue& kv : attributes) {
    w.StartObject();
    w.Key("key");
    String(w, kv.key());
    if (kv.has_value()) {
      w.Key("value");
      WriteValue(w, kv.value());
    }
    w.EndObject();
  }
  w.EndArray();
}

void WriteValue(Writer& w, const common_pb::AnyValue& v) {
  w.StartObject();
  switch (v.value_case()) {
    case common_pb::AnyValue::kStringValue:
      w.Key("stringValue");
      String(w, v.string_value());
      break;
    case common_pb::AnyValue::kBoolValue:
      w.Key("boolValue");
      w.Bool(v.bool_value());
      break;
    case common_pb::AnyValue::kIntValue:
      w.Key("intValue");
      String(w, std::to_string(v.int_value()));
      break;
    case common_pb::AnyValue::kDoubleValue:
      w.Key("doubleValue");
      if (std::isfinite(v.double_value())) {
        w.Double(v.double_value());
      } else {
        w.String(std::isnan(v.double_value()) ? "NaN"
                 : v.double_value() > 0       ? "Infinity"
                                              : "-Infinity");
      }
      break;
    case common_pb::AnyValue::kBytesValue:
      w.Key("bytesValue");
      String(w, Base64Encode(v.bytes_value()));
      break;
    case common_pb::AnyValue::kArrayValue:
      w.Key("arrayValue");
      w.StartObject();
      w.Key("values");
      w.StartArray();
      for (const common_pb::AnyValue& e : v.array_value().values()) WriteValue(w, e);
      w.EndArray();
      w.EndObject();
      break;
    case common_pb::AnyValue::kKvlistValue:
      w.Key("kvlistValue");
      w.StartObject();
      w.Key("values");
      WriteAttributes(w, v.kvlist_value().values());
      w.EndObject();
      break;
    case common_pb::AnyValue::VALUE_NOT_SET:
      break;
  }
  w.EndObject();
}

void IdField(Writer& w, const char* key, const std::string& id) {
  if (id.empty()) return;
  w.Key(key);
  String(w, HexEncode(reinterpret_cast<const uint8_t*>(id.data()), id.size()));
}

void Fixed64Field(Writer& w, const char* key, uint64_t v) {
  if (v == 0) return;
  w.Key(key);
  String(w, std::to_string(v));
}

std::string ToJson(const TraceRequest& request) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("resourceSpans");
  w.StartArray();
  for (const trace_pb::ResourceSpans& rs : request.resource_spans()) {
    w.StartObject();
    if (rs.has_resource()) {
      w.Key("resource");
      w.StartObject();
      w.Key("attributes");
      WriteAttributes(w, rs.resource().attributes());
      w.EndObject();
    }
    w.Key("scopeSpans");
    w.StartArray();
    for (const trace_pb::ScopeSpans& ss : rs.scope_spans()) {
      w.StartObject();
      w.Key("spans");
      w.StartArray();
      for (const trace_pb::Span& span : ss.spans()) {
        w.StartObject();
        IdField(w, "traceId", span.trace_id());
        IdField(w, "spanId", span.span_id());
        IdField(w, "parentSpanId", span.parent_span_id());
        w.Key("name");
        String(w, span.name());
        Fixed64Field(w, "startTimeUnixNano", span.start_time_unix_nano());
        Fixed64Field(w, "endTimeUnixNano", span.end_time_unix_nano());
        w.Key("attributes");
        WriteAttributes(w, span.attributes());
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// ----- the two encodings -------------------------------------------------------------------------

void CheckProto(std::string_view input, const otlp::TracesSummary& summary) {
  pb::Arena arena;
  auto* request = pb::Arena::CreateMessage<TraceRequest>(&arena);
  pb::io::CodedInputStream stream(reinterpret_cast<const uint8_t*>(input.data()),
                                  static_cast<int>(std::min<size_t>(input.size(), INT_MAX)));
  // Deep enough for anything the decoder accepts: this parse is the reference, not the limit.
  stream.SetRecursionLimit(1000);
  Expect(request->ParseFromCodedStream(&stream) && stream.ConsumedEntireMessage(),
         "traces-proto-accepted-unparseable", "libprotobuf refuses a request the decoder accepts");
  otlp::TracesSummary reference = Count(*request);
  Expect(summary == reference, "traces-proto-miscounted",
         "decoder: " + Describe(summary) + "; libprotobuf: " + Describe(reference));

  Result<otlp::TracesSummary> reencoded =
      otlp::DecodeTraces(request->SerializeAsString(), otlp::Encoding::kProtobuf);
  Expect(reencoded.ok() && *reencoded == summary, "traces-proto-reencoding-changed",
         reencoded.ok() ? Describe(*reencoded) : reencoded.status().ToString());

  std::string json = ToJson(*request);
  Result<otlp::TracesSummary> as_json = otlp::DecodeTraces(json, otlp::Encoding::kJson);
  if (!as_json.ok()) {
    OracleFailed("traces-proto-to-json-refused",
                 "the OTLP/JSON form of the request is refused: " + as_json.status().ToString() +
                     "\nthat form: " + json.substr(0, 512));
  }
  Expect(*as_json == summary, "traces-proto-to-json-miscounted",
         "protobuf: " + Describe(summary) + "; JSON: " + Describe(*as_json));
}

// Counts resource spans, scope spans and spans with nothing but a DOM walk; members are matched
// by both their JSON and their proto names, as the decoder does.
otlp::TracesSummary CountJson(const rapidjson::Value& root) {
  otlp::TracesSummary s;
  auto named = [](const auto& member, const char* camel, const char* snake) {
    std::string_view key(member.name.GetString(), member.name.GetStringLength());
    return key == camel || key == snake;
  };
  for (const auto& top : root.GetObject()) {
    if (!named(top, "resourceSpans", "resource_spans") || !top.value.IsArray()) continue;
    for (const auto& rs : top.value.GetArray()) {
      ++s.resource_spans;
      for (const auto& rm : rs.GetObject()) {
        if (!named(rm, "scopeSpans", "scope_spans") || !rm.value.IsArray()) continue;
        for (const auto& ss : rm.value.GetArray()) {
          ++s.scope_spans;
          for (const auto& sm : ss.GetObject()) {
            if (named(sm, "spans", "spans") && sm.value.IsArray()) s.spans += sm.value.Size();
          }
        }
      }
    }
  }
  return s;
}

// Returns `input` with every surrogate escape (\uD800 to \uDFFF) turned into \uFFFD. The
// decoder repairs lone surrogate escapes, which RapidJSON refuses; no OTLP key has a surrogate,
// and counting needs no string contents.
std::string WithoutSurrogateEscapes(std::string_view input) {
  std::string out(input);
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] != '\\') continue;
    if (out[i + 1] == 'u' && i + 6 <= out.size() && (out[i + 2] == 'd' || out[i + 2] == 'D') &&
        std::string_view("89abcdefABCDEF").find(out[i + 3]) != std::string_view::npos) {
      out.replace(i + 2, 4, "FFFD");
    }
    ++i;  // the escaped character is not the start of another escape
  }
  return out;
}

void CheckJson(std::string_view input, const otlp::TracesSummary& summary) {
  std::string plain = WithoutSurrogateEscapes(input);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(plain.data(), plain.size());
  Expect(!doc.HasParseError() && doc.IsObject(), "traces-json-accepted-unparseable",
         "RapidJSON refuses a request the decoder accepts");
  otlp::TracesSummary reference = CountJson(doc);
  Expect(summary == reference, "traces-json-miscounted",
         "decoder: " + Describe(summary) + "; DOM walk: " + Describe(reference));
}

}  // namespace

void CheckTracesRequest(std::string_view input, otlp::Encoding encoding) {
  Result<otlp::TracesSummary> summary = otlp::DecodeTraces(input, encoding);
  const char* name = encoding == otlp::Encoding::kJson ? "traces-json" : "traces-proto";
  if (!summary.ok()) {
    ExpectRefusal(summary.status(), std::string(name) + "-refusal");
    return;
  }
  if (encoding == otlp::Encoding::kProtobuf) {
    CheckProto(input, *summary);
  } else {
    CheckJson(input, *summary);
  }
}

}  // namespace nightjar::fuzz
