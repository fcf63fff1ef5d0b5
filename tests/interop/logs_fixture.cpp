// Reads a logs fixture into the model; see logs_fixture.h.
#include "logs_fixture.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <charconv>

#include "base/hex.h"
#include "test_env.h"

namespace nightjar::interop {
namespace {

using JsonValue = rapidjson::Value;

std::string Str(const JsonValue& v) { return std::string(v.GetString(), v.GetStringLength()); }

Result<uint64_t> ParseUint64(const JsonValue& v, const char* what) {
  if (!v.IsString()) return InvalidArgument(std::string(what) + ": expected a decimal string");
  uint64_t out = 0;
  std::string s = Str(v);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || end != s.data() + s.size()) {
    return InvalidArgument(std::string(what) + ": bad number " + s);
  }
  return out;
}

Result<otlp::AnyValue> ParseValue(const JsonValue& tagged);

Result<otlp::Attributes> ParseMap(const JsonValue& map) {
  if (!map.IsObject()) return InvalidArgument("map: expected an object");
  otlp::Attributes out;
  for (auto m = map.MemberBegin(); m != map.MemberEnd(); ++m) {
    Result<otlp::AnyValue> value = ParseValue(m->value);
    if (!value.ok()) return value.status().WithContext(Str(m->name));
    out.push_back({Str(m->name), std::move(value).value()});
  }
  return out;
}

Result<otlp::AnyValue> ParseValue(const JsonValue& tagged) {
  if (!tagged.IsObject() || tagged.MemberCount() != 1) {
    return InvalidArgument("a value needs exactly one tag");
  }
  const std::string tag = Str(tagged.MemberBegin()->name);
  const JsonValue& v = tagged.MemberBegin()->value;
  if (tag == "string" && v.IsString()) return otlp::AnyValue(Str(v));
  if (tag == "bool" && v.IsBool()) return otlp::AnyValue(v.GetBool());
  if (tag == "double" && v.IsNumber()) return otlp::AnyValue(v.GetDouble());
  if (tag == "null") return otlp::AnyValue();
  if (tag == "int" && v.IsString()) {
    int64_t out = 0;
    std::string s = Str(v);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc() || end != s.data() + s.size()) return InvalidArgument("bad int " + s);
    return otlp::AnyValue(out);
  }
  if (tag == "bytes" && v.IsString()) {
    std::string hex = Str(v);
    std::string bytes(hex.size() / 2, '\0');
    if (hex.size() % 2 != 0 || !HexDecode(hex, reinterpret_cast<uint8_t*>(bytes.data()))) {
      return InvalidArgument("bad hex " + hex);
    }
    return otlp::AnyValue(otlp::Bytes{std::move(bytes)});
  }
  if (tag == "array" && v.IsArray()) {
    otlp::AnyValue::Array array;
    for (const JsonValue& e : v.GetArray()) {
      Result<otlp::AnyValue> value = ParseValue(e);
      if (!value.ok()) return value.status().WithContext("array");
      array.push_back(std::move(value).value());
    }
    return otlp::AnyValue(std::move(array));
  }
  if (tag == "map") {
    Result<otlp::Attributes> kvs = ParseMap(v);
    if (!kvs.ok()) return kvs.status();
    return otlp::AnyValue(std::move(kvs).value());
  }
  return InvalidArgument("unknown or malformed tag " + tag);
}

template <size_t N>
Status ParseId(const JsonValue& record, const char* key, std::array<uint8_t, N>* out) {
  auto it = record.FindMember(key);
  if (it == record.MemberEnd()) return Status::Ok();
  std::string hex = Str(it->value);
  if (hex.size() != 2 * N || !HexDecode(hex, out->data())) {
    return InvalidArgument(std::string(key) + ": bad id " + hex);
  }
  return Status::Ok();
}

Result<otlp::LogRecord> ParseRecord(const JsonValue& r) {
  otlp::LogRecord out;
  NJ_ASSIGN_OR_RETURN(out.time_unix_nano, ParseUint64(r["time_unix_nano"], "time_unix_nano"));
  NJ_ASSIGN_OR_RETURN(out.observed_time_unix_nano,
                      ParseUint64(r["observed_time_unix_nano"], "observed_time_unix_nano"));
  if (r.HasMember("severity_number")) out.severity_number = r["severity_number"].GetInt();
  if (r.HasMember("severity_text")) out.severity_text = Str(r["severity_text"]);
  if (r.HasMember("event_name")) out.event_name = Str(r["event_name"]);
  if (r.HasMember("body")) {
    NJ_ASSIGN_OR_RETURN(out.body, ParseValue(r["body"]));
  }
  if (r.HasMember("attributes")) {
    NJ_ASSIGN_OR_RETURN(out.attributes, ParseMap(r["attributes"]));
  }
  NJ_RETURN_IF_ERROR(ParseId(r, "trace_id", &out.trace_id));
  NJ_RETURN_IF_ERROR(ParseId(r, "span_id", &out.span_id));
  // OTLP carries the W3C trace flags in the low byte of LogRecord.flags.
  if (r.HasMember("trace_flags")) out.flags = r["trace_flags"].GetUint();
  return out;
}

}  // namespace

Result<otlp::LogsData> LoadLogsFixture(const std::filesystem::path& path) {
  NJ_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  rapidjson::Document doc;
  // Full precision: the fixture's doubles (5e-324, 1/3) must come out bit-exact, as they do
  // from JSON.parse on the sending side.
  doc.Parse<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseValidateEncodingFlag>(
      text.data(), text.size());
  if (doc.HasParseError()) {
    return InvalidArgument(path.string() + ": " + rapidjson::GetParseError_En(doc.GetParseError()));
  }

  otlp::ResourceLogs resource_logs;
  const JsonValue& resource = doc["resource"];
  NJ_ASSIGN_OR_RETURN(resource_logs.resource.attributes, ParseMap(resource["attributes"]));
  if (resource.HasMember("schema_url")) resource_logs.schema_url = Str(resource["schema_url"]);

  for (const JsonValue& s : doc["scopes"].GetArray()) {
    otlp::ScopeLogs scope_logs;
    scope_logs.scope.name = Str(s["name"]);
    if (s.HasMember("version")) scope_logs.scope.version = Str(s["version"]);
    if (s.HasMember("schema_url")) scope_logs.schema_url = Str(s["schema_url"]);
    if (s.HasMember("attributes")) {
      NJ_ASSIGN_OR_RETURN(scope_logs.scope.attributes, ParseMap(s["attributes"]));
    }
    for (const JsonValue& r : s["records"].GetArray()) {
      Result<otlp::LogRecord> record = ParseRecord(r);
      if (!record.ok()) return record.status().WithContext(path.string());
      scope_logs.log_records.push_back(std::move(record).value());
    }
    resource_logs.scope_logs.push_back(std::move(scope_logs));
  }

  otlp::LogsData logs;
  logs.resource_logs.push_back(std::move(resource_logs));
  return logs;
}

}  // namespace nightjar::interop
