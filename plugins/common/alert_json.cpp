// JSON pieces; see alert_json.h.
#include "alert_json.h"

namespace nightjar::plugins::common {

void WriteString(JsonWriter* w, std::string_view s) {
  w->String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void WriteField(JsonWriter* w, std::string_view key, std::string_view value) {
  w->Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  WriteString(w, value);
}

void WritePairs(JsonWriter* w, std::string_view key, const sdk::StringPairs& pairs) {
  w->Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w->StartObject();
  for (size_t i = 0; i < pairs.size(); ++i) WriteField(w, pairs.Key(i), pairs.ValueAt(i));
  w->EndObject();
}

}  // namespace nightjar::plugins::common
