// Notification payloads as JSON; see notification_json.h.
#include "alerting/notification_json.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace nightjar::collector::alerting {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using Value = rapidjson::Value;

void Str(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void Pairs(Writer& w, const char* key, const plugins::StringPairs& pairs) {
  w.Key(key);
  w.StartArray();
  for (const auto& [k, v] : pairs) {
    w.StartArray();
    w.String(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    w.EndArray();
  }
  w.EndArray();
}

std::string GetStr(const Value& o, const char* key) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || !it->value.IsString()) return "";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

int64_t GetInt(const Value& o, const char* key) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}

plugins::StringPairs GetPairs(const Value& o, const char* key) {
  plugins::StringPairs out;
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || !it->value.IsArray()) return out;
  for (const Value& pair : it->value.GetArray()) {
    if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsString() || !pair[1].IsString()) {
      continue;
    }
    out.emplace_back(std::string(pair[0].GetString(), pair[0].GetStringLength()),
                     std::string(pair[1].GetString(), pair[1].GetStringLength()));
  }
  return out;
}

}  // namespace

std::string NotificationJson(const plugins::Notification& n) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Str(w, "id", n.id);
  Str(w, "group_key", n.group_key);
  Pairs(w, "group_labels", n.group_labels);
  Pairs(w, "common_labels", n.common_labels);
  Pairs(w, "common_annotations", n.common_annotations);
  Str(w, "external_url", n.external_url);
  w.Key("truncated_alerts");
  w.Uint(n.truncated_alerts);
  w.Key("alerts");
  w.StartArray();
  for (const plugins::Alert& a : n.alerts) {
    w.StartObject();
    w.Key("firing");
    w.Bool(a.firing);
    Pairs(w, "labels", a.labels);
    Pairs(w, "annotations", a.annotations);
    w.Key("starts_at");
    w.Int64(a.starts_at_unix_nano);
    w.Key("ends_at");
    w.Int64(a.ends_at_unix_nano);
    Str(w, "fingerprint", a.fingerprint);
    Str(w, "generator_url", a.generator_url);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<plugins::Notification> ParseNotificationJson(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return InvalidArgument("stored notification payload is not a JSON object");
  }
  plugins::Notification n;
  n.id = GetStr(doc, "id");
  n.group_key = GetStr(doc, "group_key");
  n.group_labels = GetPairs(doc, "group_labels");
  n.common_labels = GetPairs(doc, "common_labels");
  n.common_annotations = GetPairs(doc, "common_annotations");
  n.external_url = GetStr(doc, "external_url");
  n.truncated_alerts = static_cast<uint32_t>(GetInt(doc, "truncated_alerts"));
  auto alerts = doc.FindMember("alerts");
  if (alerts != doc.MemberEnd() && alerts->value.IsArray()) {
    for (const Value& a : alerts->value.GetArray()) {
      if (!a.IsObject()) continue;
      plugins::Alert alert;
      auto firing = a.FindMember("firing");
      alert.firing = firing == a.MemberEnd() || !firing->value.IsBool() || firing->value.GetBool();
      alert.labels = GetPairs(a, "labels");
      alert.annotations = GetPairs(a, "annotations");
      alert.starts_at_unix_nano = GetInt(a, "starts_at");
      alert.ends_at_unix_nano = GetInt(a, "ends_at");
      alert.fingerprint = GetStr(a, "fingerprint");
      alert.generator_url = GetStr(a, "generator_url");
      n.alerts.push_back(std::move(alert));
    }
  }
  return n;
}

}  // namespace nightjar::collector::alerting
