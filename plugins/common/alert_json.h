// JSON pieces the HTTP notifiers write: strings from views and label/annotation objects.
//
// Thread-safety: pure functions over a caller-owned writer.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <nightjar/plugin.hpp>

#include <string_view>

namespace nightjar::plugins::common {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Writes `s` as a JSON string (views are not NUL-terminated, so the length is explicit).
void WriteString(JsonWriter* w, std::string_view s);

// Writes `"key": value` with a string value.
void WriteField(JsonWriter* w, std::string_view key, std::string_view value);

// Writes `"key": {"name": "value", ...}` for labels or annotations, in their order.
void WritePairs(JsonWriter* w, std::string_view key, const sdk::StringPairs& pairs);

}  // namespace nightjar::plugins::common
