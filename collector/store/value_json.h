// JSON forms of OTLP values as the store keeps them and the query API returns them.
//
// Attributes become a JSON object {"key": value}. Strings, booleans, int64 and finite doubles map
// to plain JSON so that SQLite's json_extract() can filter on them; a double is always written
// with a fraction or exponent ("1.0"), so that it reads back as a double and an int as an int.
// The kinds JSON has no plain form for are tagged objects with a "$" key: bytes
// {"$bytes": "<base64>"} and non-finite doubles {"$double": "NaN"}. Arrays are JSON arrays and
// key/value lists nested objects. Empty values are null.
//
// Thread-safety: pure functions.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "base/status.h"
#include "otlp/model.h"

namespace nightjar::collector {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Writes `value` in the store's JSON form.
void WriteAnyValueJson(JsonWriter& w, const otlp::AnyValue& value);

// Writes `attributes` as one JSON object.
void WriteAttributesJson(JsonWriter& w, const otlp::Attributes& attributes);

// Returns `attributes` as a JSON object text ("{}" when empty).
std::string AttributesJson(const otlp::Attributes& attributes);

// Returns `value` as JSON text.
std::string AnyValueJson(const otlp::AnyValue& value);

// Reads a JSON object in the store's form back into attributes: the inverse of
// WriteAttributesJson, so that stored series can be handed to plugins as typed values. Fails on
// text that is not a JSON object.
Result<otlp::Attributes> ParseAttributesJson(std::string_view json);

// Writes a std::string_view as a JSON string.
inline void WriteString(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Writes already-encoded JSON text as a value (it must be valid JSON; "null" when empty).
inline void WriteRaw(JsonWriter& w, std::string_view json) {
  if (json.empty()) json = "null";
  w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

}  // namespace nightjar::collector
