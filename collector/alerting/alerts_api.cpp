// The alerting REST endpoints; see alerts_api.h.
#include "alerting/alerts_api.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>

#include "alerting/labels.h"
#include "alerting/time_text.h"
#include "base/logging.h"
#include "runtime/http_error.h"
#include "runtime/units.h"

namespace nightjar::collector::alerting {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using Params = std::vector<std::pair<std::string, std::string>>;
constexpr const char* kJson = "application/json";

struct Reply {
  int status = 200;
  std::string body;
};

// Returns an error reply from a handler when `expr` yields a non-OK Status.
#define NJ_RETURN_REPLY(expr)                    \
  do {                                           \
    ::nightjar::Status nj_st_ = (expr);          \
    if (!nj_st_.ok()) return ErrorReply(nj_st_); \
  } while (0)

bool IsActive(const Alert& a) {
  return a.state == AlertState::kPending || a.state == AlertState::kFiring;
}

// ---- JSON output -------------------------------------------------------------------------

void Str(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// Writes an RFC 3339 time, or null for 0 (never happened).
void Time(Writer& w, const char* key, int64_t unix_nano) {
  w.Key(key);
  if (unix_nano == 0) {
    w.Null();
  } else {
    std::string t = FormatTime(unix_nano);
    w.String(t.data(), static_cast<rapidjson::SizeType>(t.size()));
  }
}

void Object(Writer& w, const char* key, const Labels& pairs) {
  w.Key(key);
  w.StartObject();
  for (const auto& [k, v] : pairs) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
}

void WriteAlert(Writer& w, const AlertView& view) {
  const Alert& a = view.alert;
  w.StartObject();
  Str(w, "fingerprint", a.fingerprint);
  Str(w, "rule", a.rule);
  Str(w, "rule_file", view.rule_file);
  Str(w, "state", AlertStateName(a.state));
  Object(w, "labels", a.labels);
  Object(w, "annotations", a.annotations);
  w.Key("value");
  if (std::isfinite(a.value)) {
    w.Double(a.value);
  } else {
    w.Null();
  }
  Time(w, "active_since", IsActive(a) ? a.active_since : 0);
  Time(w, "fired_at", a.fired_at);
  Time(w, "resolved_at", a.state == AlertState::kResolved ? a.resolved_at : 0);
  Time(w, "state_changed_at", a.state_changed_at);
  Time(w, "last_evaluated_at", a.evaluated_at);
  w.Key("flapping");
  w.Bool(a.flapping);
  Time(w, "flapping_since", a.flapping ? a.flapping_since : 0);
  w.Key("acknowledged");
  if (a.ack) {
    w.StartObject();
    Str(w, "by", a.ack->by);
    Time(w, "at", a.ack->at);
    Str(w, "comment", a.ack->comment);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("silenced_by");
  w.StartArray();
  for (const std::string& id : view.silenced_by)
    w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
  w.EndArray();
  w.Key("inhibited_by");
  w.StartArray();
  for (const std::string& fp : view.inhibited_by)
    w.String(fp.data(), static_cast<rapidjson::SizeType>(fp.size()));
  w.EndArray();
  w.Key("notified");
  w.StartObject();
  for (const auto& [receiver, at] : a.notified) {
    w.Key(receiver.data(), static_cast<rapidjson::SizeType>(receiver.size()));
    std::string t = FormatTime(at);
    w.String(t.data(), static_cast<rapidjson::SizeType>(t.size()));
  }
  w.EndObject();
  w.EndObject();
}

void WriteHistory(Writer& w, const HistoryEntry& h) {
  w.StartObject();
  Time(w, "time", h.time);
  Str(w, "event", h.event);
  Str(w, "from", AlertStateName(h.from));
  Str(w, "to", AlertStateName(h.to));
  w.Key("value");
  if (std::isfinite(h.value)) {
    w.Double(h.value);
  } else {
    w.Null();
  }
  Str(w, "actor", h.actor);
  Str(w, "reason", h.reason);
  w.EndObject();
}

void WriteSilence(Writer& w, const Silence& s, int64_t now) {
  w.StartObject();
  Str(w, "id", s.id);
  Str(w, "state", SilenceStateName(s.StateAt(now)));
  w.Key("matchers");
  w.StartArray();
  for (const LabelMatcher& m : s.matchers) {
    w.StartObject();
    Str(w, "name", m.name());
    Str(w, "op", LabelMatcher::OpText(m.op()));
    Str(w, "value", m.value());
    w.EndObject();
  }
  w.EndArray();
  Time(w, "starts_at", s.starts_at);
  Time(w, "ends_at", s.ends_at);
  Str(w, "created_by", s.created_by);
  Str(w, "comment", s.comment);
  Time(w, "created_at", s.created_at);
  Time(w, "updated_at", s.updated_at);
  w.EndObject();
}

std::string Done(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

Reply ErrorReply(const Status& status) {
  int code = HttpStatusFor(status.code());
  if (code == 500) {
    log::Error("alerting", "alerts API request failed", {{"error", status.ToString()}});
  }
  return Reply{code, ErrorJson(status)};
}

Reply AlertReply(const AlertView& view) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("alert");
  WriteAlert(w, view);
  w.EndObject();
  return Reply{200, Done(buffer)};
}

Reply SilenceReply(const Silence& s, int64_t now, int status = 200) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("silence");
  WriteSilence(w, s, now);
  w.EndObject();
  return Reply{status, Done(buffer)};
}

// ---- Request input -----------------------------------------------------------------------

// Fails naming the first parameter that is neither in `names` nor starts with a prefix.
Status AllowOnly(const Params& params, std::initializer_list<std::string_view> names,
                 std::initializer_list<std::string_view> prefixes = {}) {
  for (const auto& [name, value] : params) {
    bool ok = std::find(names.begin(), names.end(), name) != names.end();
    for (std::string_view p : prefixes) ok = ok || name.rfind(p, 0) == 0;
    if (!ok) return InvalidArgument(name + ": unknown parameter");
  }
  return Status::Ok();
}

std::vector<std::string> All(const Params& params, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : params) {
    if (k == name) out.push_back(v);
  }
  return out;
}

Result<std::optional<bool>> BoolParam(const Params& params, std::string_view name) {
  std::vector<std::string> values = All(params, name);
  if (values.empty()) return std::optional<bool>();
  const std::string& v = values.back();
  if (v == "true" || v == "1") return std::optional<bool>(true);
  if (v == "false" || v == "0") return std::optional<bool>(false);
  return InvalidArgument(std::string(name) + ": expected true or false, got \"" + v + "\"");
}

Result<int> IntParam(const Params& params, std::string_view name, int def, int min, int max) {
  std::vector<std::string> values = All(params, name);
  if (values.empty()) return def;
  const std::string& v = values.back();
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < min || n > max) {
    return InvalidArgument(std::string(name) + ": expected an integer from " + std::to_string(min) +
                           " to " + std::to_string(max) + ", got \"" + v + "\"");
  }
  return static_cast<int>(n);
}

// Splits values given repeated or comma-separated ("state=firing,pending").
std::vector<std::string> ListParam(const Params& params, std::string_view name) {
  std::vector<std::string> out;
  for (const std::string& v : All(params, name)) {
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      if (comma == std::string::npos) comma = v.size();
      if (comma > start) out.push_back(v.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

Result<rapidjson::Document> ParseBody(const std::string& body, bool required) {
  rapidjson::Document doc;
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    if (required) return InvalidArgument("body: expected a JSON object");
    doc.SetObject();
    return doc;
  }
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError()) {
    return InvalidArgument(std::string("body: not valid JSON at offset ") +
                           std::to_string(doc.GetErrorOffset()) + ": " +
                           rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) return InvalidArgument("body: expected a JSON object");
  return doc;
}

Status BodyKeys(const rapidjson::Value& body, std::initializer_list<std::string_view> keys) {
  for (const auto& m : body.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (std::find(keys.begin(), keys.end(), name) == keys.end()) {
      return InvalidArgument(std::string(name) + ": unknown field");
    }
  }
  return Status::Ok();
}

// Reads an optional string field; `required` makes absence (or "") an error.
Result<std::string> StringField(const rapidjson::Value& body, const char* key, bool required) {
  auto it = body.FindMember(key);
  if (it == body.MemberEnd() || it->value.IsNull()) {
    if (required) return InvalidArgument(std::string(key) + ": required");
    return std::string();
  }
  if (!it->value.IsString()) return InvalidArgument(std::string(key) + ": expected a string");
  std::string v(it->value.GetString(), it->value.GetStringLength());
  if (required && v.empty()) return InvalidArgument(std::string(key) + ": must not be empty");
  return v;
}

Result<LabelMatcher> ReadMatcher(const rapidjson::Value& item, const std::string& where) {
  if (item.IsString()) {
    auto m = LabelMatcher::Parse(item.GetString());
    if (!m.ok()) return InvalidArgument(where + ": " + m.status().message());
    return m;
  }
  if (!item.IsObject()) {
    return InvalidArgument(where + ": expected \"name=value\" or {\"name\", \"op\", \"value\"}");
  }
  for (const auto& m : item.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (name != "name" && name != "op" && name != "value" && name != "isRegex" &&
        name != "isEqual") {
      return InvalidArgument(where + "." + std::string(name) + ": unknown field");
    }
  }
  auto name = StringField(item, "name", true);
  if (!name.ok()) return InvalidArgument(where + "." + name.status().message());
  auto value = StringField(item, "value", false);
  if (!value.ok()) return InvalidArgument(where + "." + value.status().message());
  LabelMatcher::Op op = LabelMatcher::Op::kEqual;
  if (item.HasMember("op")) {
    if (!item["op"].IsString()) return InvalidArgument(where + ".op: expected a string");
    auto parsed = LabelMatcher::ParseOp(item["op"].GetString());
    if (!parsed.ok()) return InvalidArgument(where + ".op: " + parsed.status().message());
    op = *parsed;
  } else {
    // Alertmanager's form: isRegex / isEqual booleans.
    bool regex = item.HasMember("isRegex") && item["isRegex"].IsBool() && item["isRegex"].GetBool();
    bool equal =
        !item.HasMember("isEqual") || !item["isEqual"].IsBool() || item["isEqual"].GetBool();
    op = regex ? (equal ? LabelMatcher::Op::kRegex : LabelMatcher::Op::kNotRegex)
               : (equal ? LabelMatcher::Op::kEqual : LabelMatcher::Op::kNotEqual);
  }
  auto m = LabelMatcher::Make(*name, op, *value);
  if (!m.ok()) return InvalidArgument(where + ": " + m.status().message());
  return m;
}

Result<int64_t> TimeField(const rapidjson::Value& body, const char* key, int64_t def) {
  auto it = body.FindMember(key);
  if (it == body.MemberEnd() || it->value.IsNull()) return def;
  if (!it->value.IsString()) {
    return InvalidArgument(std::string(key) + ": expected an RFC 3339 time string");
  }
  auto t = ParseTime(it->value.GetString());
  if (!t) {
    return InvalidArgument(std::string(key) +
                           ": expected an RFC 3339 time like "
                           "2024-05-01T12:00:00Z, got \"" +
                           it->value.GetString() + "\"");
  }
  return *t;
}

Result<Silence> ReadSilence(const rapidjson::Value& body, int64_t now) {
  NJ_RETURN_IF_ERROR(BodyKeys(
      body, {"id", "matchers", "starts_at", "ends_at", "duration", "created_by", "comment"}));
  Silence s;
  NJ_ASSIGN_OR_RETURN(s.id, StringField(body, "id", false));
  auto matchers = body.FindMember("matchers");
  if (matchers == body.MemberEnd() || !matchers->value.IsArray() || matchers->value.Empty()) {
    return InvalidArgument("matchers: required, a non-empty list of matchers");
  }
  for (rapidjson::SizeType i = 0; i < matchers->value.Size(); ++i) {
    NJ_ASSIGN_OR_RETURN(LabelMatcher m,
                        ReadMatcher(matchers->value[i], "matchers[" + std::to_string(i) + "]"));
    s.matchers.push_back(std::move(m));
  }
  NJ_ASSIGN_OR_RETURN(s.starts_at, TimeField(body, "starts_at", now));
  bool has_end = body.HasMember("ends_at") && !body["ends_at"].IsNull();
  bool has_duration = body.HasMember("duration") && !body["duration"].IsNull();
  if (has_end == has_duration) {
    return InvalidArgument(has_end ? "duration: give either ends_at or duration, not both"
                                   : "ends_at: required (or duration, e.g. \"2h\")");
  }
  if (has_end) {
    NJ_ASSIGN_OR_RETURN(s.ends_at, TimeField(body, "ends_at", 0));
  } else {
    if (!body["duration"].IsString())
      return InvalidArgument("duration: expected a string like \"2h\"");
    auto d = ParseDuration(body["duration"].GetString());
    if (!d || d->count() <= 0) {
      return InvalidArgument(std::string("duration: expected a positive duration like \"2h\", "
                                         "got \"") +
                             body["duration"].GetString() + "\"");
    }
    s.ends_at = s.starts_at + d->count();
  }
  if (s.ends_at <= s.starts_at) return InvalidArgument("ends_at: must be after starts_at");
  if (s.ends_at <= now) return InvalidArgument("ends_at: must be in the future");
  NJ_ASSIGN_OR_RETURN(s.created_by, StringField(body, "created_by", true));
  NJ_ASSIGN_OR_RETURN(s.comment, StringField(body, "comment", false));
  return s;
}

// ---- The endpoints -----------------------------------------------------------------------

class AlertsApi {
 public:
  AlertsApi(AlertManager* manager, AlertsApiHooks hooks)
      : manager_(manager), hooks_(std::move(hooks)) {}

  // Runs `handler` behind authentication and records the request.
  template <typename Handler>
  void Serve(const std::string& name, HttpServer::Request& request, HttpServer::Response& response,
             Handler handler) {
    auto start = std::chrono::steady_clock::now();
    Reply reply;
    if (hooks_.authorize && !hooks_.authorize(request.get("Authorization", ""))) {
      response.set("WWW-Authenticate", "Bearer");
      reply = ErrorReply(Status(StatusCode::kUnauthenticated,
                                "missing or invalid bearer token (Authorization: Bearer <token>)"));
    } else {
      reply = Dispatch(request, handler);
    }
    HttpServer::Send(response, reply.status, kJson, reply.body);
    if (hooks_.observe) {
      hooks_.observe(
          name, reply.status,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  }

  template <typename Handler>
  Reply Dispatch(HttpServer::Request& request, Handler handler) {
    Params params;
    std::vector<std::string> segments;
    try {
      Poco::URI uri(request.getURI());
      params = uri.getQueryParameters();
      uri.getPathSegments(segments);
    } catch (const Poco::Exception& e) {
      return ErrorReply(InvalidArgument("malformed request URI: " + e.displayText()));
    }
    std::string body;
    if (request.getMethod() == "POST" || request.getMethod() == "DELETE") {
      auto read = HttpServer::ReadBody(request, hooks_.max_body_bytes);
      if (!read) {
        return ErrorReply(
            Status(StatusCode::kResourceExhausted,
                   "body: larger than " + std::to_string(hooks_.max_body_bytes) + " bytes"));
      }
      body = std::move(*read);
    }
    // segments: api, v1, alerts|silences, [id], [action]
    segments.erase(segments.begin(), segments.begin() + std::min<size_t>(3, segments.size()));
    return handler(request.getMethod(), segments, params, body);
  }

  Reply ListAlerts(const Params& params) {
    NJ_RETURN_REPLY(
        AllowOnly(params, {"state", "rule", "match", "acknowledged", "silenced"}, {"label."}));
    AlertFilter filter;
    for (const std::string& s : ListParam(params, "state")) {
      auto state = ParseAlertState(s);
      if (!state || *state == AlertState::kInactive) {
        return ErrorReply(
            InvalidArgument("state: expected pending, firing or resolved, got \"" + s + "\""));
      }
      filter.states.push_back(*state);
    }
    auto rules = All(params, "rule");
    if (!rules.empty()) filter.rule = rules.back();
    for (const std::string& text : All(params, "match")) {
      auto m = LabelMatcher::Parse(text);
      if (!m.ok()) return ErrorReply(InvalidArgument("match: " + m.status().message()));
      filter.matchers.push_back(std::move(*m));
    }
    for (const auto& [name, value] : params) {
      if (name.rfind("label.", 0) != 0) continue;
      auto m = LabelMatcher::Make(name.substr(6), LabelMatcher::Op::kEqual, value);
      if (!m.ok()) return ErrorReply(InvalidArgument(name + ": " + m.status().message()));
      filter.matchers.push_back(std::move(*m));
    }
    auto acknowledged = BoolParam(params, "acknowledged");
    if (!acknowledged.ok()) return ErrorReply(acknowledged.status());
    filter.acknowledged = *acknowledged;
    auto silenced = BoolParam(params, "silenced");
    if (!silenced.ok()) return ErrorReply(silenced.status());
    filter.silenced = *silenced;

    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("alerts");
    w.StartArray();
    for (const AlertView& v : manager_->Alerts(filter)) WriteAlert(w, v);
    w.EndArray();
    w.EndObject();
    return Reply{200, Done(buffer)};
  }

  Reply GetAlert(const std::string& fingerprint, const Params& params) {
    NJ_RETURN_REPLY(AllowOnly(params, {"history_limit"}));
    auto limit = IntParam(params, "history_limit", 100, 0, 10000);
    if (!limit.ok()) return ErrorReply(limit.status());
    auto view = manager_->GetAlert(fingerprint);
    auto history = manager_->History(fingerprint, *limit);
    if (!history.ok()) return ErrorReply(history.status());
    // An alert no longer listed (inactive, or resolved past retention) still has a history.
    if (!view.ok() && history->empty()) return ErrorReply(view.status());
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("alert");
    if (view.ok()) {
      WriteAlert(w, *view);
    } else {
      w.Null();
    }
    w.Key("history");
    w.StartArray();
    for (const HistoryEntry& h : *history) WriteHistory(w, h);
    w.EndArray();
    w.EndObject();
    return Reply{200, Done(buffer)};
  }

  Reply Ack(const std::string& method, const std::string& fingerprint, const Params& params,
            const std::string& body) {
    NJ_RETURN_REPLY(AllowOnly(params, {}));
    bool add = method == "POST";
    auto doc = ParseBody(body, add);
    if (!doc.ok()) return ErrorReply(doc.status());
    NJ_RETURN_REPLY(BodyKeys(*doc, {"by", "comment"}));
    auto by = StringField(*doc, "by", add);
    if (!by.ok()) return ErrorReply(by.status());
    auto comment = StringField(*doc, "comment", false);
    if (!comment.ok()) return ErrorReply(comment.status());
    auto view = add ? manager_->Acknowledge(fingerprint, *by, *comment)
                    : manager_->Unacknowledge(fingerprint, *by);
    return view.ok() ? AlertReply(*view) : ErrorReply(view.status());
  }

  Reply Resolve(const std::string& fingerprint, const Params& params, const std::string& body) {
    NJ_RETURN_REPLY(AllowOnly(params, {}));
    auto doc = ParseBody(body, true);
    if (!doc.ok()) return ErrorReply(doc.status());
    NJ_RETURN_REPLY(BodyKeys(*doc, {"by", "comment"}));
    auto by = StringField(*doc, "by", true);
    if (!by.ok()) return ErrorReply(by.status());
    auto comment = StringField(*doc, "comment", false);
    if (!comment.ok()) return ErrorReply(comment.status());
    auto view = manager_->Resolve(fingerprint, *by, *comment);
    return view.ok() ? AlertReply(*view) : ErrorReply(view.status());
  }

  Reply Alerts(const std::string& method, const std::vector<std::string>& segments,
               const Params& params, const std::string& body) {
    if (segments.empty()) return ListAlerts(params);
    const std::string& fingerprint = segments[0];
    if (segments.size() == 1 && method == "GET") return GetAlert(fingerprint, params);
    if (segments.size() == 2 && segments[1] == "ack" && (method == "POST" || method == "DELETE")) {
      return Ack(method, fingerprint, params, body);
    }
    if (segments.size() == 2 && segments[1] == "resolve" && method == "POST") {
      return Resolve(fingerprint, params, body);
    }
    return NotHere(method, segments);
  }

  Reply Silences(const std::string& method, const std::vector<std::string>& segments,
                 const Params& params, const std::string& body) {
    int64_t now = manager_->clock().NowUnixNanos();
    if (segments.empty() && method == "GET") return ListSilences(params, now);
    if (segments.empty() && method == "POST") return PostSilence(params, body, now);
    if (segments.size() == 1 && method == "GET") {
      NJ_RETURN_REPLY(AllowOnly(params, {}));
      auto s = manager_->GetSilence(segments[0]);
      return s.ok() ? SilenceReply(*s, now) : ErrorReply(s.status());
    }
    if (segments.size() == 1 && method == "DELETE") {
      NJ_RETURN_REPLY(AllowOnly(params, {"purge"}));
      auto purge = BoolParam(params, "purge");
      if (!purge.ok()) return ErrorReply(purge.status());
      if (purge->value_or(false)) {
        Status st = manager_->DeleteSilence(segments[0]);
        if (!st.ok()) return ErrorReply(st);
        return Reply{200, "{\"deleted\":\"" + segments[0] + "\"}"};
      }
      auto s = manager_->ExpireSilence(segments[0]);
      return s.ok() ? SilenceReply(*s, now) : ErrorReply(s.status());
    }
    return NotHere(method, segments);
  }

  Reply ListSilences(const Params& params, int64_t now) {
    NJ_RETURN_REPLY(AllowOnly(params, {"state"}));
    std::vector<Silence::State> states;
    for (const std::string& s : ListParam(params, "state")) {
      if (s == "pending") {
        states.push_back(Silence::State::kPending);
      } else if (s == "active") {
        states.push_back(Silence::State::kActive);
      } else if (s == "expired") {
        states.push_back(Silence::State::kExpired);
      } else {
        return ErrorReply(
            InvalidArgument("state: expected pending, active or expired, got \"" + s + "\""));
      }
    }
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("silences");
    w.StartArray();
    for (const Silence& s : manager_->Silences()) {
      if (!states.empty() &&
          std::find(states.begin(), states.end(), s.StateAt(now)) == states.end()) {
        continue;
      }
      WriteSilence(w, s, now);
    }
    w.EndArray();
    w.EndObject();
    return Reply{200, Done(buffer)};
  }

  Reply PostSilence(const Params& params, const std::string& body, int64_t now) {
    NJ_RETURN_REPLY(AllowOnly(params, {}));
    auto doc = ParseBody(body, true);
    if (!doc.ok()) return ErrorReply(doc.status());
    auto silence = ReadSilence(*doc, now);
    if (!silence.ok()) return ErrorReply(silence.status());
    bool update = !silence->id.empty();
    auto stored = manager_->PutSilence(std::move(*silence));
    if (!stored.ok()) return ErrorReply(stored.status());
    return SilenceReply(*stored, now, update ? 200 : 201);
  }

  // GET /api/v1/notifications: the most recent deliveries, newest first.
  Reply Notifications(const Params& params) {
    NJ_RETURN_REPLY(AllowOnly(params, {"limit", "receiver", "state"}));
    int limit = 100;
    for (const auto& [key, value] : params) {
      if (key != "limit") continue;
      char* end = nullptr;
      long parsed = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || parsed < 1 || parsed > 1000) {
        return ErrorReply(InvalidArgument("limit: expected 1..1000, got \"" + value + "\""));
      }
      limit = static_cast<int>(parsed);
    }
    std::vector<std::string> receivers = ListParam(params, "receiver");
    std::vector<NotificationRecord::State> states;
    for (const std::string& name : ListParam(params, "state")) {
      NotificationRecord::State state;
      if (!ParseNotificationState(name, &state)) {
        return ErrorReply(InvalidArgument(
            "state: expected pending, delivered, failed or superseded, got \"" + name + "\""));
      }
      states.push_back(state);
    }
    // Filters apply to the most recent records; ask for more so that a filter still fills a page.
    auto records =
        manager_->Notifications(receivers.empty() && states.empty() ? limit : 10 * limit);
    if (!records.ok()) return ErrorReply(records.status());
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("notifications");
    w.StartArray();
    int written = 0;
    for (const NotificationRecord& r : *records) {
      if (written == limit) break;
      if (!receivers.empty() &&
          std::find(receivers.begin(), receivers.end(), r.receiver) == receivers.end()) {
        continue;
      }
      if (!states.empty() && std::find(states.begin(), states.end(), r.state) == states.end()) {
        continue;
      }
      WriteNotification(w, r);
      ++written;
    }
    w.EndArray();
    w.EndObject();
    return Reply{200, Done(buffer)};
  }

  static void WriteNotification(Writer& w, const NotificationRecord& r) {
    auto time = [&](const char* key, int64_t t) {
      w.Key(key);
      if (t == 0) {
        w.Null();
      } else {
        std::string text = FormatTime(t);
        w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
      }
    };
    w.StartObject();
    w.Key("id");
    w.String(r.id.c_str());
    w.Key("receiver");
    w.String(r.receiver.c_str());
    w.Key("group_key");
    w.String(r.group_key.c_str());
    w.Key("status");
    w.String(r.status.c_str());
    w.Key("state");
    std::string_view state = NotificationStateName(r.state);
    w.String(state.data(), static_cast<rapidjson::SizeType>(state.size()));
    w.Key("attempts");
    w.Uint(r.attempts);
    w.Key("fingerprints");
    w.StartArray();
    for (const std::string& f : r.fingerprints) w.String(f.c_str());
    w.EndArray();
    time("created_at", r.created_at);
    time("next_attempt_at", r.state == NotificationRecord::State::kPending ? r.next_attempt_at : 0);
    time("delivered_at", r.delivered_at);
    time("updated_at", r.updated_at);
    w.Key("last_error");
    if (r.last_error.empty()) {
      w.Null();
    } else {
      w.String(r.last_error.c_str());
    }
    w.EndObject();
  }

  static Reply NotHere(const std::string& method, const std::vector<std::string>& segments) {
    std::string path;
    for (const std::string& s : segments) path += "/" + s;
    return ErrorReply(NotFound("no " + method + " endpoint at ..." + path));
  }

 private:
  AlertManager* manager_;
  AlertsApiHooks hooks_;
};

}  // namespace

std::vector<std::pair<std::string, std::string>> AlertRoutes() {
  return {{"GET", "/api/v1/alerts"},
          {"GET", "/api/v1/alerts/{fingerprint}"},
          {"POST", "/api/v1/alerts/{fingerprint}/ack"},
          {"DELETE", "/api/v1/alerts/{fingerprint}/ack"},
          {"POST", "/api/v1/alerts/{fingerprint}/resolve"},
          {"GET", "/api/v1/silences"},
          {"POST", "/api/v1/silences"},
          {"GET", "/api/v1/silences/{id}"},
          {"DELETE", "/api/v1/silences/{id}"},
          {"GET", "/api/v1/notifications"}};
}

void RegisterAlertRoutes(HttpServer& server, AlertManager& manager, AlertsApiHooks hooks) {
  auto api = std::make_shared<AlertsApi>(&manager, std::move(hooks));
  auto alerts = [api](HttpServer::Request& req, HttpServer::Response& res) {
    api->Serve("api_alerts", req, res,
               [&](const std::string& method, const std::vector<std::string>& segments,
                   const Params& params, const std::string& body) {
                 return api->Alerts(method, segments, params, body);
               });
  };
  auto silences = [api](HttpServer::Request& req, HttpServer::Response& res) {
    api->Serve("api_silences", req, res,
               [&](const std::string& method, const std::vector<std::string>& segments,
                   const Params& params, const std::string& body) {
                 return api->Silences(method, segments, params, body);
               });
  };
  server.Route("GET", "/api/v1/alerts", alerts);
  for (const char* method : {"GET", "POST", "DELETE"}) {
    server.Route(method, "/api/v1/alerts/*", alerts);
  }
  server.Route(
      "GET", "/api/v1/notifications", [api](HttpServer::Request& req, HttpServer::Response& res) {
        api->Serve("api_notifications", req, res,
                   [&](const std::string&, const std::vector<std::string>&, const Params& params,
                       const std::string&) { return api->Notifications(params); });
      });
  server.Route("GET", "/api/v1/silences", silences);
  server.Route("POST", "/api/v1/silences", silences);
  for (const char* method : {"GET", "DELETE"}) {
    server.Route(method, "/api/v1/silences/*", silences);
  }
}

}  // namespace nightjar::collector::alerting
