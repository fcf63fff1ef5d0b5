// The store's JSON form of OTLP values; see value_json.h.
#include "store/value_json.h"

#include <cmath>

#include "base/base64.h"

namespace nightjar::collector {

void WriteAnyValueJson(JsonWriter& w, const otlp::AnyValue& value) {
  switch (value.kind()) {
    case otlp::ValueKind::kEmpty:
      w.Null();
      return;
    case otlp::ValueKind::kString:
      WriteString(w, value.string_value());
      return;
    case otlp::ValueKind::kBool:
      w.Bool(value.bool_value());
      return;
    case otlp::ValueKind::kInt:
      w.Int64(value.int_value());
      return;
    case otlp::ValueKind::kDouble: {
      double d = value.double_value();
      if (std::isfinite(d)) {
        w.Double(d);  // RapidJSON writes 1.0 as "1.0": the kind survives
      } else {
        w.StartObject();
        w.Key("$double");
        w.String(std::isnan(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"));
        w.EndObject();
      }
      return;
    }
    case otlp::ValueKind::kArray:
      w.StartArray();
      for (const otlp::AnyValue& v : value.array_value()) WriteAnyValueJson(w, v);
      w.EndArray();
      return;
    case otlp::ValueKind::kKvList:
      WriteAttributesJson(w, value.kvlist_value());
      return;
    case otlp::ValueKind::kBytes:
      w.StartObject();
      w.Key("$bytes");
      WriteString(w, Base64Encode(value.bytes_value().data));
      w.EndObject();
      return;
  }
}

void WriteAttributesJson(JsonWriter& w, const otlp::Attributes& attributes) {
  w.StartObject();
  for (const otlp::KeyValue& kv : attributes) {
    w.Key(kv.key.data(), static_cast<rapidjson::SizeType>(kv.key.size()));
    WriteAnyValueJson(w, kv.value);
  }
  w.EndObject();
}

std::string AttributesJson(const otlp::Attributes& attributes) {
  if (attributes.empty()) return "{}";
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  WriteAttributesJson(w, attributes);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string AnyValueJson(const otlp::AnyValue& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  WriteAnyValueJson(w, value);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace nightjar::collector
