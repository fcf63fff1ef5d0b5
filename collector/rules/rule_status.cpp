// JSON of the rules' status; see rule_status.h.
#include "rules/rule_status.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <ctime>

namespace nightjar::collector::rules {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void Time(JsonWriter& w, int64_t unix_nano) {
  if (unix_nano <= 0) {
    w.Null();
    return;
  }
  time_t seconds = static_cast<time_t>(unix_nano / 1'000'000'000);
  struct tm tm;
  gmtime_r(&seconds, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(unix_nano / 1'000'000 % 1000));
  w.String(buf);
}

void Text(JsonWriter& w, const std::string& s) {
  if (s.empty()) {
    w.Null();
  } else {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  }
}

}  // namespace

std::string RulesSnapshotJson(const RulesSnapshot& s) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("rules");
  w.StartArray();
  for (const RuleStatus& r : s.rules) {
    w.StartObject();
    w.Key("name");
    w.String(r.name);
    w.Key("file");
    w.String(r.file);
    w.Key("line");
    w.Int(r.line);
    w.Key("trigger");
    w.String(r.trigger);
    w.Key("every");
    if (r.every.count() > 0) {
      w.String(FormatDuration(r.every));
    } else {
      w.Null();
    }
    w.Key("window");
    if (r.window.count() > 0) {
      w.String(FormatDuration(r.window));
    } else {
      w.Null();
    }
    w.Key("for");
    w.String(FormatDuration(r.for_duration));
    w.Key("keep_firing_for");
    w.String(FormatDuration(r.keep_firing_for));
    w.Key("labels");
    w.StartObject();
    for (const auto& [k, v] : r.labels) {
      w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
      w.String(v);
    }
    w.EndObject();
    w.Key("state");
    w.String(r.state);
    w.Key("last_evaluation");
    Time(w, r.last_evaluation_unix_nano);
    w.Key("last_duration_seconds");
    w.Double(r.last_duration_seconds);
    w.Key("last_error");
    Text(w, r.last_error);
    w.Key("last_error_at");
    Time(w, r.last_error_unix_nano);
    w.Key("evaluations");
    w.Int64(r.evaluations);
    w.Key("errors");
    w.Int64(r.errors);
    w.Key("matches");
    w.Int64(r.matches);
    w.Key("alerts");
    w.Int64(r.alerts);
    w.EndObject();
  }
  w.EndArray();
  w.Key("files");
  w.StartArray();
  for (const RuleFileStatus& f : s.files) {
    w.StartObject();
    w.Key("file");
    w.String(f.file);
    w.Key("loaded");
    w.Bool(f.loaded);
    w.Key("kept_previous");
    w.Bool(f.kept_previous);
    w.Key("error");
    Text(w, f.error);
    w.Key("rules");
    w.Uint64(f.rules);
    w.EndObject();
  }
  w.EndArray();
  w.Key("dir");
  w.String(s.dir);
  w.Key("last_load");
  Time(w, s.last_load_unix_nano);
  w.Key("dropped_records");
  w.Int64(s.dropped_records);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace nightjar::collector::rules
