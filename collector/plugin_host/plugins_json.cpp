// The JSON body of GET /api/v1/plugins; see PluginsJson in plugin_host.h.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdio>
#include <ctime>

#include "plugin_host/plugin_host.h"

namespace nightjar::plugins {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void String(Writer* w, std::string_view s) {
  w->String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void Field(Writer* w, const char* key, std::string_view value) {
  w->Key(key);
  String(w, value);
}

// Returns an RFC 3339 UTC time with milliseconds, e.g. "2024-05-01T12:00:00.250Z".
std::string Rfc3339(int64_t unix_nanos) {
  time_t secs = static_cast<time_t>(unix_nanos / 1'000'000'000);
  int millis = static_cast<int>((unix_nanos % 1'000'000'000) / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

void WriteOption(Writer* w, const OptionDecl& decl) {
  w->StartObject();
  Field(w, "name", decl.name);
  Field(w, "type", OptionTypeName(decl.type));
  w->Key("required");
  w->Bool(decl.required());
  w->Key("default");
  if (decl.default_value) {
    String(w, *decl.default_value);
  } else {
    w->Null();
  }
  Field(w, "description", decl.description);
  w->EndObject();
}

void WriteInstance(Writer* w, const InstanceStats& s) {
  w->StartObject();
  Field(w, "name", s.name);
  Field(w, "state", s.state);
  Field(w, "error", s.error);
  w->Key("calls");
  w->Uint64(s.calls);
  w->Key("errors");
  w->Uint64(s.errors);
  w->Key("skipped");
  w->Uint64(s.skipped);
  w->Key("suspensions");
  w->Uint64(s.suspensions);
  w->Key("time_spent_seconds");
  w->Double(std::isfinite(s.seconds) ? s.seconds : 0.0);
  w->Key("suspended_until");
  if (s.suspended_until_unix_nano > 0) {
    String(w, Rfc3339(s.suspended_until_unix_nano));
  } else {
    w->Null();
  }
  w->Key("created_at");
  if (s.created_unix_nano > 0) {
    String(w, Rfc3339(s.created_unix_nano));
  } else {
    w->Null();
  }
  w->Key("consecutive_failures");
  w->Uint(s.consecutive_failures);
  w->Key("match");
  w->StartArray();
  for (const std::string& glob : s.match) String(w, glob);
  w->EndArray();
  w->Key("options");
  w->StartObject();
  for (const auto& [key, value] : s.options) Field(w, key.c_str(), value);
  w->EndObject();
  w->EndObject();
}

}  // namespace

std::string PluginsJson(const std::vector<PluginStats>& stats) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("plugins");
  w.StartArray();
  for (const PluginStats& p : stats) {
    w.StartObject();
    Field(&w, "name", p.name);
    Field(&w, "kind", p.kind);
    Field(&w, "version", p.version);
    Field(&w, "description", p.description);
    Field(&w, "path", p.path);
    Field(&w, "abi", p.abi);
    w.Key("thread_safe");
    w.Bool(p.thread_safe);
    Field(&w, "state", p.state);
    Field(&w, "error", p.error);
    w.Key("options");
    w.StartArray();
    for (const OptionDecl& decl : p.options) WriteOption(&w, decl);
    w.EndArray();
    w.Key("instances");
    w.StartArray();
    for (const InstanceStats& s : p.instances) WriteInstance(&w, s);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace nightjar::plugins
