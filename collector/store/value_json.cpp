// The store's JSON form of OTLP values; see value_json.h.
#include "store/value_json.h"

#include <rapidjson/document.h>

#include <cmath>
#include <limits>

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

namespace {

otlp::Attributes MembersToAttributes(const rapidjson::Value& object);

otlp::AnyValue FromJson(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return otlp::AnyValue();
    case rapidjson::kFalseType:
      return otlp::AnyValue(false);
    case rapidjson::kTrueType:
      return otlp::AnyValue(true);
    case rapidjson::kStringType:
      return otlp::AnyValue(std::string(v.GetString(), v.GetStringLength()));
    case rapidjson::kNumberType:
      // The store writes doubles with a fraction or exponent, so a number that parses as an
      // integer was an integer.
      if (v.IsInt64()) return otlp::AnyValue(v.GetInt64());
      return otlp::AnyValue(v.GetDouble());
    case rapidjson::kArrayType: {
      otlp::AnyValue::Array items;
      items.reserve(v.Size());
      for (const auto& item : v.GetArray()) items.push_back(FromJson(item));
      return otlp::AnyValue(std::move(items));
    }
    case rapidjson::kObjectType:
      break;
  }
  // The tagged forms of bytes and non-finite doubles (see WriteAnyValueJson).
  if (v.MemberCount() == 1 && v.MemberBegin()->value.IsString()) {
    std::string_view tag(v.MemberBegin()->name.GetString(),
                         v.MemberBegin()->name.GetStringLength());
    std::string_view text(v.MemberBegin()->value.GetString(),
                          v.MemberBegin()->value.GetStringLength());
    if (tag == "$bytes") {
      if (auto bytes = Base64Decode(text)) return otlp::AnyValue(otlp::Bytes{std::move(*bytes)});
    } else if (tag == "$double") {
      if (text == "NaN") return otlp::AnyValue(std::numeric_limits<double>::quiet_NaN());
      if (text == "Infinity") return otlp::AnyValue(std::numeric_limits<double>::infinity());
      if (text == "-Infinity") return otlp::AnyValue(-std::numeric_limits<double>::infinity());
    }
  }
  return otlp::AnyValue(MembersToAttributes(v));
}

otlp::Attributes MembersToAttributes(const rapidjson::Value& object) {
  otlp::Attributes out;
  out.reserve(object.MemberCount());
  for (const auto& m : object.GetObject()) {
    out.push_back(otlp::KeyValue{std::string(m.name.GetString(), m.name.GetStringLength()),
                                 FromJson(m.value)});
  }
  return out;
}

}  // namespace

Result<otlp::Attributes> ParseAttributesJson(std::string_view json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) {
    return InvalidArgument("stored attributes are not a JSON object");
  }
  return MembersToAttributes(d);
}

}  // namespace nightjar::collector
