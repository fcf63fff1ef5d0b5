// The Alertmanager API v2 payload; see alert_payload.h.
#include "alert_payload.h"

#include "alert_json.h"
#include "time_format.h"

namespace nightjar::plugins::alertmanager {
namespace {

void WriteNamedPairs(common::JsonWriter* w, const char* key, const sdk::StringPairs& pairs) {
  w->Key(key);
  w->StartObject();
  for (size_t i = 0; i < pairs.size(); ++i) {
    common::WriteField(w, LabelName(pairs.Key(i)), pairs.ValueAt(i));
  }
  w->EndObject();
}

}  // namespace

std::string LabelName(std::string_view name) {
  std::string out;
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9');
    out.push_back(ok ? c : '_');
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out.insert(out.begin(), '_');
  return out;
}

std::string AlertsPayload(const sdk::Notification& n, std::string_view external_url,
                          int64_t now_unix_nanos) {
  rapidjson::StringBuffer buffer;
  common::JsonWriter w(buffer);
  w.StartArray();
  for (size_t i = 0; i < n.alert_count(); ++i) {
    sdk::Alert a = n.alert(i);
    w.StartObject();
    WriteNamedPairs(&w, "labels", a.labels());
    WriteNamedPairs(&w, "annotations", a.annotations());
    if (a.starts_at_unix_nano() > 0) {
      common::WriteField(&w, "startsAt", common::Rfc3339(a.starts_at_unix_nano()));
    }
    if (!a.firing()) {
      int64_t ends = a.ends_at_unix_nano() > 0 ? a.ends_at_unix_nano() : now_unix_nanos;
      common::WriteField(&w, "endsAt", common::Rfc3339(ends));
    }
    // Alertmanager validates generatorURL as a URI, so an empty one is left out.
    std::string_view link = a.generator_url().empty() ? external_url : a.generator_url();
    if (!link.empty()) common::WriteField(&w, "generatorURL", link);
    w.EndObject();
  }
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace nightjar::plugins::alertmanager
