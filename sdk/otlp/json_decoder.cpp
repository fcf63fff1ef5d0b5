// OTLP/JSON decoding; see json_codec.h.
//
// Each message decoder walks the members of its object once and dispatches on the key, so
// unknown keys fall through and are ignored, as the OTLP spec requires. Error messages are
// built only on failure: the leaf names its key, each level above prepends its own.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <charconv>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "base/base64.h"
#include "base/hex.h"
#include "base/utf8.h"
#include "otlp/codec.h"
#include "otlp/json_codec.h"

namespace nightjar::otlp::internal {
namespace {

using JsonValue = rapidjson::Value;

// ----- error paths -------------------------------------------------------------------------

Status Bad(std::string_view key, std::string_view problem) {
  std::string msg(key);
  msg += ": ";
  msg += problem;
  return InvalidArgument(std::move(msg));
}

// Prefixes a child's error with its key. A child error that starts with ':' has no key of its
// own (an array element, a value of the wrong type) and is joined without a dot.
Status AtPath(const Status& status, std::string_view key, int index = -1) {
  std::string msg(key);
  if (index >= 0) msg += "[" + std::to_string(index) + "]";
  if (status.message().empty() || status.message()[0] != ':') msg += ".";
  msg += status.message();
  return Status(status.code(), std::move(msg));
}

// Returns a short description of a JSON value's type, for messages.
const char* TypeName(const JsonValue& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kNumberType:
      return "a number";
  }
  return "?";
}

Status WrongType(std::string_view key, const char* expected, const JsonValue& v) {
  return Bad(key, std::string("expected ") + expected + ", got " + TypeName(v));
}

// True when `key` is the lowerCamelCase name or the original proto field name.
bool Is(std::string_view key, std::string_view camel, std::string_view snake) {
  return key == camel || key == snake;
}
bool Is(std::string_view key, std::string_view name) { return key == name; }

std::string_view KeyOf(const JsonValue::ConstMemberIterator& m) {
  return std::string_view(m->name.GetString(), m->name.GetStringLength());
}

// ----- scalars -----------------------------------------------------------------------------

Status GetString(std::string_view key, const JsonValue& v, std::string* out) {
  if (v.IsNull()) {
    out->clear();
    return Status::Ok();
  }
  if (!v.IsString()) return WrongType(key, "a string", v);
  std::string_view s(v.GetString(), v.GetStringLength());
  // The parser refuses raw bytes that are not UTF-8, so anything invalid here came from a
  // \u escape of a lone low surrogate (JavaScript strings cut in the middle of a pair). Such
  // escapes are legal JSON; like Go's encoding/json, and like the same sender's protobuf
  // exporter, they become U+FFFD rather than costing the whole request.
  if (!IsValidUtf8(s)) {
    *out = RepairUtf8(s);
    return Status::Ok();
  }
  out->assign(s);
  return Status::Ok();
}

// Parses an optionally signed decimal integer with no other characters.
bool ParseDecimal(std::string_view s, bool allow_negative, uint64_t* magnitude, bool* negative) {
  *negative = false;
  if (!s.empty() && s[0] == '-') {
    if (!allow_negative) return false;
    *negative = true;
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 20) return false;
  uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
  }
  *magnitude = value;
  return true;
}

// Reads a JSON number that must be integral; doubles such as 1e3 count when exact.
bool IntegralDouble(const JsonValue& v, double lo, double hi, double* out) {
  if (!v.IsNumber()) return false;
  double d = v.GetDouble();
  if (!std::isfinite(d) || std::floor(d) != d || d < lo || d > hi) return false;
  *out = d;
  return true;
}

Status GetUint64(std::string_view key, const JsonValue& v, uint64_t* out) {
  if (v.IsNull()) {
    *out = 0;
    return Status::Ok();
  }
  if (v.IsUint64()) {
    *out = v.GetUint64();
    return Status::Ok();
  }
  if (v.IsString()) {
    uint64_t magnitude;
    bool negative;
    if (ParseDecimal(std::string_view(v.GetString(), v.GetStringLength()), false, &magnitude,
                     &negative)) {
      *out = magnitude;
      return Status::Ok();
    }
    return Bad(key, "expected an unsigned 64-bit integer, got \"" +
                        std::string(v.GetString(), std::min<size_t>(v.GetStringLength(), 32)) +
                        "\"");
  }
  double d;
  if (IntegralDouble(v, 0, 18446744073709549568.0, &d)) {
    *out = static_cast<uint64_t>(d);
    return Status::Ok();
  }
  return v.IsNumber() ? Bad(key, "expected an unsigned 64-bit integer, got a number out of range")
                      : WrongType(key, "an unsigned 64-bit integer (string or number)", v);
}

Status GetInt64(std::string_view key, const JsonValue& v, int64_t* out) {
  if (v.IsNull()) {
    *out = 0;
    return Status::Ok();
  }
  if (v.IsInt64()) {
    *out = v.GetInt64();
    return Status::Ok();
  }
  if (v.IsString()) {
    uint64_t magnitude;
    bool negative;
    if (ParseDecimal(std::string_view(v.GetString(), v.GetStringLength()), true, &magnitude,
                     &negative)) {
      if (!negative && magnitude <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        *out = static_cast<int64_t>(magnitude);
        return Status::Ok();
      }
      if (negative && magnitude <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) {
        *out = static_cast<int64_t>(0 - magnitude);
        return Status::Ok();
      }
      return Bad(key, "64-bit integer out of range");
    }
    return Bad(key, "expected a 64-bit integer, got \"" +
                        std::string(v.GetString(), std::min<size_t>(v.GetStringLength(), 32)) +
                        "\"");
  }
  double d;
  if (IntegralDouble(v, -9223372036854775808.0, 9223372036854774784.0, &d)) {
    *out = static_cast<int64_t>(d);
    return Status::Ok();
  }
  return v.IsNumber() ? Bad(key, "expected a 64-bit integer, got a number out of range")
                      : WrongType(key, "a 64-bit integer (string or number)", v);
}

// True for a bare JSON number that is integral but outside int64. JavaScript senders write
// every integral double (e.g. 1e21) as an int value, which protobuf would carry as a double;
// reading it as the double it denotes keeps the value instead of refusing the whole request.
bool IsIntegralBeyondInt64(const JsonValue& v) {
  if (!v.IsNumber() || v.IsInt64() || (v.IsUint64() && v.GetUint64() <= INT64_MAX)) return false;
  double d = v.GetDouble();
  return std::isfinite(d) && std::floor(d) == d &&
         (d >= 9223372036854775808.0 || d < -9223372036854775808.0);
}

Status GetInt32(std::string_view key, const JsonValue& v, int64_t lo, int64_t hi, int64_t* out) {
  int64_t value;
  Status st = GetInt64(key, v, &value);
  if (!st.ok()) return st;
  if (value < lo || value > hi) {
    return Bad(key, "value " + std::to_string(value) + " is out of range for a 32-bit integer");
  }
  *out = value;
  return Status::Ok();
}

Status GetUint32(std::string_view key, const JsonValue& v, uint32_t* out) {
  int64_t value;
  NJ_RETURN_IF_ERROR(GetInt32(key, v, 0, std::numeric_limits<uint32_t>::max(), &value));
  *out = static_cast<uint32_t>(value);
  return Status::Ok();
}

Status GetSint32(std::string_view key, const JsonValue& v, int32_t* out) {
  int64_t value;
  NJ_RETURN_IF_ERROR(GetInt32(key, v, std::numeric_limits<int32_t>::min(),
                              std::numeric_limits<int32_t>::max(), &value));
  *out = static_cast<int32_t>(value);
  return Status::Ok();
}

Status GetDouble(std::string_view key, const JsonValue& v, double* out) {
  if (v.IsNull()) {
    *out = 0;
    return Status::Ok();
  }
  if (v.IsNumber()) {
    *out = v.GetDouble();
    return Status::Ok();
  }
  if (v.IsString()) {
    std::string s(v.GetString(), v.GetStringLength());
    if (s == "NaN") {
      *out = std::numeric_limits<double>::quiet_NaN();
      return Status::Ok();
    }
    if (s == "Infinity") {
      *out = std::numeric_limits<double>::infinity();
      return Status::Ok();
    }
    if (s == "-Infinity") {
      *out = -std::numeric_limits<double>::infinity();
      return Status::Ok();
    }
    // The proto3 JSON mapping also accepts numbers in strings.
    char* end = nullptr;
    errno = 0;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size() && errno == 0 &&
        s.find_first_of("xXnN") == std::string::npos) {
      *out = d;
      return Status::Ok();
    }
    return Bad(key, "expected a number, got \"" + s.substr(0, 32) + "\"");
  }
  return WrongType(key, "a number", v);
}

Status GetBool(std::string_view key, const JsonValue& v, bool* out) {
  if (v.IsNull()) {
    *out = false;
    return Status::Ok();
  }
  if (!v.IsBool()) return WrongType(key, "a boolean", v);
  *out = v.GetBool();
  return Status::Ok();
}

// Enums are integers in OTLP/JSON; names are accepted too, as the proto3 mapping allows.
Status GetEnum(std::string_view key, const JsonValue& v, const char* const* names, int count,
               int32_t* out) {
  if (v.IsString()) {
    std::string_view s(v.GetString(), v.GetStringLength());
    for (int i = 0; i < count; ++i) {
      if (s == names[i]) {
        *out = i;
        return Status::Ok();
      }
    }
    return Bad(key, "unknown enum value \"" + std::string(s.substr(0, 64)) + "\"");
  }
  return GetSint32(key, v, out);
}

template <size_t N>
Status GetId(std::string_view key, const JsonValue& v, std::array<uint8_t, N>* out) {
  out->fill(0);
  if (v.IsNull()) return Status::Ok();
  if (!v.IsString()) return WrongType(key, "a hex string", v);
  std::string_view s(v.GetString(), v.GetStringLength());
  if (s.empty()) return Status::Ok();
  if (s.size() != 2 * N) {
    return Bad(key, "must be " + std::to_string(2 * N) + " hex digits, got " +
                        std::to_string(s.size()) + " characters");
  }
  if (!HexDecode(s, out->data())) return Bad(key, "not a hex string");
  return Status::Ok();
}

Status GetBytes(std::string_view key, const JsonValue& v, std::string* out) {
  if (v.IsNull()) {
    out->clear();
    return Status::Ok();
  }
  if (!v.IsString()) return WrongType(key, "a base64 string", v);
  auto decoded = Base64Decode(std::string_view(v.GetString(), v.GetStringLength()));
  if (!decoded) return Bad(key, "not valid base64");
  *out = std::move(*decoded);
  return Status::Ok();
}

// Calls `each(element, index)` for the elements of a JSON array, prefixing errors with
// "key[index]". null counts as an empty array.
template <typename Fn>
Status ForEach(std::string_view key, const JsonValue& v, Fn each) {
  if (v.IsNull()) return Status::Ok();
  if (!v.IsArray()) return WrongType(key, "an array", v);
  int index = 0;
  for (const JsonValue& element : v.GetArray()) {
    Status st = each(element, index);
    if (!st.ok()) return AtPath(st, key, index);
    ++index;
  }
  return Status::Ok();
}

// Runs `decode` on an object member, prefixing errors with "key.".
template <typename Fn>
Status Nested(std::string_view key, const JsonValue& v, Fn decode) {
  if (v.IsNull()) return Status::Ok();
  Status st = decode(v);
  return st.ok() ? st : AtPath(st, key);
}

// Checks that a message value is an object; its members are then walked by the caller. The
// error has no key: the caller's AtPath supplies it.
Status ExpectObject(const JsonValue& v) {
  if (v.IsObject()) return Status::Ok();
  return Bad("", std::string("expected an object, got ") + TypeName(v));
}

// Like ExpectObject, for a member whose key is known.
Status ObjectAt(std::string_view key, const JsonValue& v) {
  if (v.IsObject()) return Status::Ok();
  return WrongType(key, "an object", v);
}

// ----- common messages ---------------------------------------------------------------------

Status DecodeAttributes(const JsonValue& v, std::string_view key, Attributes* out, int depth);

Status DecodeAnyValue(const JsonValue& v, AnyValue* out, int depth) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  if (depth > kMaxValueDepth) {
    return Bad("", "values nested deeper than " + std::to_string(kMaxValueDepth) + " levels");
  }
  int set = 0;
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    const JsonValue& val = m->value;
    // A null member is the same as an absent one (proto3 JSON mapping).
    if (val.IsNull()) continue;
    if (Is(key, "stringValue", "string_value")) {
      std::string s;
      NJ_RETURN_IF_ERROR(GetString(key, val, &s));
      *out = AnyValue(std::move(s));
    } else if (Is(key, "boolValue", "bool_value")) {
      bool b;
      NJ_RETURN_IF_ERROR(GetBool(key, val, &b));
      *out = AnyValue(b);
    } else if (Is(key, "intValue", "int_value")) {
      if (IsIntegralBeyondInt64(val)) {
        *out = AnyValue(val.GetDouble());
      } else {
        int64_t i;
        NJ_RETURN_IF_ERROR(GetInt64(key, val, &i));
        *out = AnyValue(i);
      }
    } else if (Is(key, "doubleValue", "double_value")) {
      double d;
      NJ_RETURN_IF_ERROR(GetDouble(key, val, &d));
      *out = AnyValue(d);
    } else if (Is(key, "bytesValue", "bytes_value")) {
      Bytes b;
      NJ_RETURN_IF_ERROR(GetBytes(key, val, &b.data));
      *out = AnyValue(std::move(b));
    } else if (Is(key, "arrayValue", "array_value")) {
      NJ_RETURN_IF_ERROR(ObjectAt(key, val));
      AnyValue::Array array;
      for (auto am = val.MemberBegin(); am != val.MemberEnd(); ++am) {
        if (!Is(KeyOf(am), "values")) continue;
        Status st = ForEach("values", am->value, [&](const JsonValue& e, int) {
          array.emplace_back();
          return DecodeAnyValue(e, &array.back(), depth + 1);
        });
        if (!st.ok()) return AtPath(st, key);
      }
      *out = AnyValue(std::move(array));
    } else if (Is(key, "kvlistValue", "kvlist_value")) {
      NJ_RETURN_IF_ERROR(ObjectAt(key, val));
      AnyValue::KvList kvs;
      for (auto km = val.MemberBegin(); km != val.MemberEnd(); ++km) {
        if (!Is(KeyOf(km), "values")) continue;
        Status st = DecodeAttributes(km->value, "values", &kvs, depth + 1);
        if (!st.ok()) return AtPath(st, key);
      }
      *out = AnyValue(std::move(kvs));
    } else {
      continue;  // unknown key
    }
    if (++set > 1) return Bad(key, "an AnyValue may hold only one value");
  }
  return Status::Ok();
}

Status DecodeKeyValue(const JsonValue& v, KeyValue* out, int depth) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    if (Is(key, "key")) {
      NJ_RETURN_IF_ERROR(GetString(key, m->value, &out->key));
    } else if (Is(key, "value")) {
      NJ_RETURN_IF_ERROR(Nested(key, m->value, [&](const JsonValue& e) {
        return DecodeAnyValue(e, &out->value, depth);
      }));
    }
  }
  return Status::Ok();
}

Status DecodeAttributes(const JsonValue& v, std::string_view key, Attributes* out, int depth) {
  if (v.IsArray()) out->reserve(out->size() + v.Size());
  return ForEach(key, v, [&](const JsonValue& e, int) {
    out->emplace_back();
    return DecodeKeyValue(e, &out->back(), depth);
  });
}

Status DecodeResource(const JsonValue& v, Resource* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    if (Is(key, "attributes")) {
      NJ_RETURN_IF_ERROR(DecodeAttributes(m->value, key, &out->attributes, 0));
    } else if (Is(key, "droppedAttributesCount", "dropped_attributes_count")) {
      NJ_RETURN_IF_ERROR(GetUint32(key, m->value, &out->dropped_attributes_count));
    }
  }
  return Status::Ok();
}

Status DecodeScope(const JsonValue& v, InstrumentationScope* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    if (Is(key, "name")) {
      NJ_RETURN_IF_ERROR(GetString(key, m->value, &out->name));
    } else if (Is(key, "version")) {
      NJ_RETURN_IF_ERROR(GetString(key, m->value, &out->version));
    } else if (Is(key, "attributes")) {
      NJ_RETURN_IF_ERROR(DecodeAttributes(m->value, key, &out->attributes, 0));
    } else if (Is(key, "droppedAttributesCount", "dropped_attributes_count")) {
      NJ_RETURN_IF_ERROR(GetUint32(key, m->value, &out->dropped_attributes_count));
    }
  }
  return Status::Ok();
}

// ----- logs --------------------------------------------------------------------------------

constexpr const char* kSeverityNames[] = {
    "SEVERITY_NUMBER_UNSPECIFIED", "SEVERITY_NUMBER_TRACE",  "SEVERITY_NUMBER_TRACE2",
    "SEVERITY_NUMBER_TRACE3",      "SEVERITY_NUMBER_TRACE4", "SEVERITY_NUMBER_DEBUG",
    "SEVERITY_NUMBER_DEBUG2",      "SEVERITY_NUMBER_DEBUG3", "SEVERITY_NUMBER_DEBUG4",
    "SEVERITY_NUMBER_INFO",        "SEVERITY_NUMBER_INFO2",  "SEVERITY_NUMBER_INFO3",
    "SEVERITY_NUMBER_INFO4",       "SEVERITY_NUMBER_WARN",   "SEVERITY_NUMBER_WARN2",
    "SEVERITY_NUMBER_WARN3",       "SEVERITY_NUMBER_WARN4",  "SEVERITY_NUMBER_ERROR",
    "SEVERITY_NUMBER_ERROR2",      "SEVERITY_NUMBER_ERROR3", "SEVERITY_NUMBER_ERROR4",
    "SEVERITY_NUMBER_FATAL",       "SEVERITY_NUMBER_FATAL2", "SEVERITY_NUMBER_FATAL3",
    "SEVERITY_NUMBER_FATAL4"};

Status DecodeLogRecord(const JsonValue& v, LogRecord* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    const JsonValue& val = m->value;
    if (Is(key, "timeUnixNano", "time_unix_nano")) {
      NJ_RETURN_IF_ERROR(GetUint64(key, val, &out->time_unix_nano));
    } else if (Is(key, "observedTimeUnixNano", "observed_time_unix_nano")) {
      NJ_RETURN_IF_ERROR(GetUint64(key, val, &out->observed_time_unix_nano));
    } else if (Is(key, "severityNumber", "severity_number")) {
      NJ_RETURN_IF_ERROR(GetEnum(key, val, kSeverityNames, 25, &out->severity_number));
    } else if (Is(key, "severityText", "severity_text")) {
      NJ_RETURN_IF_ERROR(GetString(key, val, &out->severity_text));
    } else if (Is(key, "body")) {
      NJ_RETURN_IF_ERROR(
          Nested(key, val, [&](const JsonValue& e) { return DecodeAnyValue(e, &out->body, 0); }));
    } else if (Is(key, "attributes")) {
      NJ_RETURN_IF_ERROR(DecodeAttributes(val, key, &out->attributes, 0));
    } else if (Is(key, "droppedAttributesCount", "dropped_attributes_count")) {
      NJ_RETURN_IF_ERROR(GetUint32(key, val, &out->dropped_attributes_count));
    } else if (Is(key, "flags")) {
      NJ_RETURN_IF_ERROR(GetUint32(key, val, &out->flags));
    } else if (Is(key, "traceId", "trace_id")) {
      NJ_RETURN_IF_ERROR(GetId(key, val, &out->trace_id));
    } else if (Is(key, "spanId", "span_id")) {
      NJ_RETURN_IF_ERROR(GetId(key, val, &out->span_id));
    } else if (Is(key, "eventName", "event_name")) {
      NJ_RETURN_IF_ERROR(GetString(key, val, &out->event_name));
    }
  }
  return Status::Ok();
}

Status DecodeScopeLogs(const JsonValue& v, ScopeLogs* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    if (Is(key, "scope")) {
      NJ_RETURN_IF_ERROR(
          Nested(key, m->value, [&](const JsonValue& e) { return DecodeScope(e, &out->scope); }));
    } else if (Is(key, "logRecords", "log_records")) {
      if (m->value.IsArray()) out->log_records.reserve(m->value.Size());
      NJ_RETURN_IF_ERROR(ForEach(key, m->value, [&](const JsonValue& e, int) {
        out->log_records.emplace_back();
        return DecodeLogRecord(e, &out->log_records.back());
      }));
    } else if (Is(key, "schemaUrl", "schema_url")) {
      NJ_RETURN_IF_ERROR(GetString(key, m->value, &out->schema_url));
    }
  }
  return Status::Ok();
}

Status DecodeResourceLogs(const JsonValue& v, ResourceLogs* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    if (Is(key, "resource")) {
      NJ_RETURN_IF_ERROR(Nested(
          key, m->value, [&](const JsonValue& e) { return DecodeResource(e, &out->resource); }));
    } else if (Is(key, "scopeLogs", "scope_logs")) {
      NJ_RETURN_IF_ERROR(ForEach(key, m->value, [&](const JsonValue& e, int) {
        out->scope_logs.emplace_back();
        return DecodeScopeLogs(e, &out->scope_logs.back());
      }));
    } else if (Is(key, "schemaUrl", "schema_url")) {
      NJ_RETURN_IF_ERROR(GetString(key, m->value, &out->schema_url));
    }
  }
  return Status::Ok();
}

// ----- metrics -----------------------------------------------------------------------------

constexpr const char* kTemporalityNames[] = {"AGGREGATION_TEMPORALITY_UNSPECIFIED",
                                             "AGGREGATION_TEMPORALITY_DELTA",
                                             "AGGREGATION_TEMPORALITY_CUMULATIVE"};

// Reads one member of a number value oneof (asDouble / asInt); returns false if `key` is
// neither.
bool NumberMember(std::string_view key, const JsonValue& val, NumberValue* out, Status* st) {
  if (Is(key, "asDouble", "as_double")) {
    if (val.IsNull()) return true;
    double d;
    *st = GetDouble(key, val, &d);
    if (st->ok()) *out = d;
    return true;
  }
  if (Is(key, "asInt", "as_int")) {
    if (val.IsNull()) return true;
    if (IsIntegralBeyondInt64(val)) {
      *out = val.GetDouble();
      return true;
    }
    int64_t i;
    *st = GetInt64(key, val, &i);
    if (st->ok()) *out = i;
    return true;
  }
  return false;
}

Status DecodeExemplar(const JsonValue& v, Exemplar* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    const JsonValue& val = m->value;
    Status st;
    if (NumberMember(key, val, &out->value, &st)) {
      NJ_RETURN_IF_ERROR(st);
    } else if (Is(key, "filteredAttributes", "filtered_attributes")) {
      NJ_RETURN_IF_ERROR(DecodeAttributes(val, key, &out->filtered_attributes, 0));
    } else if (Is(key, "timeUnixNano", "time_unix_nano")) {
      NJ_RETURN_IF_ERROR(GetUint64(key, val, &out->time_unix_nano));
    } else if (Is(key, "spanId", "span_id")) {
      NJ_RETURN_IF_ERROR(GetId(key, val, &out->span_id));
    } else if (Is(key, "traceId", "trace_id")) {
      NJ_RETURN_IF_ERROR(GetId(key, val, &out->trace_id));
    }
  }
  return Status::Ok();
}

Status DecodeExemplars(std::string_view key, const JsonValue& v, std::vector<Exemplar>* out) {
  return ForEach(key, v, [&](const JsonValue& e, int) {
    out->emplace_back();
    return DecodeExemplar(e, &out->back());
  });
}

// Members shared by every data point type. Returns true if `key` was one of them.
template <typename Point>
bool CommonPointMember(std::string_view key, const JsonValue& val, Point* out, Status* st) {
  if (Is(key, "attributes")) {
    *st = DecodeAttributes(val, key, &out->attributes, 0);
  } else if (Is(key, "startTimeUnixNano", "start_time_unix_nano")) {
    *st = GetUint64(key, val, &out->start_time_unix_nano);
  } else if (Is(key, "timeUnixNano", "time_unix_nano")) {
    *st = GetUint64(key, val, &out->time_unix_nano);
  } else if (Is(key, "flags")) {
    *st = GetUint32(key, val, &out->flags);
  } else {
    return false;
  }
  return true;
}

Status GetOptionalDouble(std::string_view key, const JsonValue& val, std::optional<double>* out) {
  if (val.IsNull()) {
    out->reset();
    return Status::Ok();
  }
  double d;
  NJ_RETURN_IF_ERROR(GetDouble(key, val, &d));
  *out = d;
  return Status::Ok();
}

Status GetUint64Array(std::string_view key, const JsonValue& val, std::vector<uint64_t>* out) {
  return ForEach(key, val, [&](const JsonValue& e, int) {
    uint64_t n = 0;
    Status st = GetUint64("", e, &n);
    out->push_back(n);
    return st;
  });
}

Status DecodePoint(const JsonValue& v, NumberDataPoint* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    Status st;
    if (CommonPointMember(key, m->value, out, &st) ||
        NumberMember(key, m->value, &out->value, &st)) {
      NJ_RETURN_IF_ERROR(st);
    } else if (Is(key, "exemplars")) {
      NJ_RETURN_IF_ERROR(DecodeExemplars(key, m->value, &out->exemplars));
    }
  }
  return Status::Ok();
}

Status DecodePoint(const JsonValue& v, HistogramDataPoint* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    const JsonValue& val = m->value;
    Status st;
    if (CommonPointMember(key, val, out, &st)) {
      NJ_RETURN_IF_ERROR(st);
    } else if (Is(key, "count")) {
      NJ_RETURN_IF_ERROR(GetUint64(key, val, &out->count));
    } else if (Is(key, "sum")) {
      NJ_RETURN_IF_ERROR(GetOptionalDouble(key, val, &out->sum));
    } else if (Is(key, "min")) {
      NJ_RETURN_IF_ERROR(GetOptionalDouble(key, val, &out->min));
    } else if (Is(key, "max")) {
      NJ_RETURN_IF_ERROR(GetOptionalDouble(key, val, &out->max));
    } else if (Is(key, "bucketCounts", "bucket_counts")) {
      NJ_RETURN_IF_ERROR(GetUint64Array(key, val, &out->bucket_counts));
    } else if (Is(key, "explicitBounds", "explicit_bounds")) {
      NJ_RETURN_IF_ERROR(ForEach(key, val, [&](const JsonValue& e, int) {
        double d = 0;
        Status s = GetDouble("", e, &d);
        out->explicit_bounds.push_back(d);
        return s;
      }));
    } else if (Is(key, "exemplars")) {
      NJ_RETURN_IF_ERROR(DecodeExemplars(key, val, &out->exemplars));
    }
  }
  return Status::Ok();
}

Status DecodeBuckets(const JsonValue& v, ExponentialBuckets* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    if (Is(key, "offset")) {
      NJ_RETURN_IF_ERROR(GetSint32(key, m->value, &out->offset));
    } else if (Is(key, "bucketCounts", "bucket_counts")) {
      NJ_RETURN_IF_ERROR(GetUint64Array(key, m->value, &out->bucket_counts));
    }
  }
  return Status::Ok();
}

Status DecodePoint(const JsonValue& v, ExponentialHistogramDataPoint* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    const JsonValue& val = m->value;
    Status st;
    if (CommonPointMember(key, val, out, &st)) {
      NJ_RETURN_IF_ERROR(st);
    } else if (Is(key, "count")) {
      NJ_RETURN_IF_ERROR(GetUint64(key, val, &out->count));
    } else if (Is(key, "sum")) {
      NJ_RETURN_IF_ERROR(GetOptionalDouble(key, val, &out->sum));
    } else if (Is(key, "min")) {
      NJ_RETURN_IF_ERROR(GetOptionalDouble(key, val, &out->min));
    } else if (Is(key, "max")) {
      NJ_RETURN_IF_ERROR(GetOptionalDouble(key, val, &out->max));
    } else if (Is(key, "scale")) {
      NJ_RETURN_IF_ERROR(GetSint32(key, val, &out->scale));
    } else if (Is(key, "zeroCount", "zero_count")) {
      NJ_RETURN_IF_ERROR(GetUint64(key, val, &out->zero_count));
    } else if (Is(key, "zeroThreshold", "zero_threshold")) {
      NJ_RETURN_IF_ERROR(GetDouble(key, val, &out->zero_threshold));
    } else if (Is(key, "positive")) {
      NJ_RETURN_IF_ERROR(
          Nested(key, val, [&](const JsonValue& e) { return DecodeBuckets(e, &out->positive); }));
    } else if (Is(key, "negative")) {
      NJ_RETURN_IF_ERROR(
          Nested(key, val, [&](const JsonValue& e) { return DecodeBuckets(e, &out->negative); }));
    } else if (Is(key, "exemplars")) {
      NJ_RETURN_IF_ERROR(DecodeExemplars(key, val, &out->exemplars));
    }
  }
  return Status::Ok();
}

Status DecodeQuantile(const JsonValue& v, ValueAtQuantile* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    if (Is(key, "quantile")) {
      NJ_RETURN_IF_ERROR(GetDouble(key, m->value, &out->quantile));
    } else if (Is(key, "value")) {
      NJ_RETURN_IF_ERROR(GetDouble(key, m->value, &out->value));
    }
  }
  return Status::Ok();
}

Status DecodePoint(const JsonValue& v, SummaryDataPoint* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    const JsonValue& val = m->value;
    Status st;
    if (CommonPointMember(key, val, out, &st)) {
      NJ_RETURN_IF_ERROR(st);
    } else if (Is(key, "count")) {
      NJ_RETURN_IF_ERROR(GetUint64(key, val, &out->count));
    } else if (Is(key, "sum")) {
      NJ_RETURN_IF_ERROR(GetDouble(key, val, &out->sum));
    } else if (Is(key, "quantileValues", "quantile_values")) {
      NJ_RETURN_IF_ERROR(ForEach(key, val, [&](const JsonValue& e, int) {
        out->quantile_values.emplace_back();
        return DecodeQuantile(e, &out->quantile_values.back());
      }));
    }
  }
  return Status::Ok();
}

// Decodes the body of Gauge/Sum/Histogram/ExponentialHistogram/Summary: data points plus,
// where the type has them, temporality and monotonicity.
template <typename Data>
Status DecodeMetricData(const JsonValue& v, Data* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    const JsonValue& val = m->value;
    if (Is(key, "dataPoints", "data_points")) {
      if (val.IsArray()) out->data_points.reserve(val.Size());
      NJ_RETURN_IF_ERROR(ForEach(key, val, [&](const JsonValue& e, int) {
        out->data_points.emplace_back();
        return DecodePoint(e, &out->data_points.back());
      }));
    } else if (Is(key, "aggregationTemporality", "aggregation_temporality")) {
      if constexpr (requires { out->aggregation_temporality; }) {
        int32_t t;
        NJ_RETURN_IF_ERROR(GetEnum(key, val, kTemporalityNames, 3, &t));
        out->aggregation_temporality = static_cast<AggregationTemporality>(t);
      }
    } else if (Is(key, "isMonotonic", "is_monotonic")) {
      if constexpr (requires { out->is_monotonic; }) {
        NJ_RETURN_IF_ERROR(GetBool(key, val, &out->is_monotonic));
      }
    }
  }
  return Status::Ok();
}

template <typename Data>
Status SetMetricData(std::string_view key, const JsonValue& val, Metric* out, int* set) {
  if (val.IsNull()) return Status::Ok();
  if (++*set > 1)
    return Bad(key,
               "a metric may hold only one of gauge, sum, histogram, "
               "exponentialHistogram, summary");
  Data data;
  Status st = DecodeMetricData(val, &data);
  if (!st.ok()) return AtPath(st, key);
  out->data = std::move(data);
  return Status::Ok();
}

Status DecodeMetric(const JsonValue& v, Metric* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  int set = 0;
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    const JsonValue& val = m->value;
    if (Is(key, "name")) {
      NJ_RETURN_IF_ERROR(GetString(key, val, &out->name));
    } else if (Is(key, "description")) {
      NJ_RETURN_IF_ERROR(GetString(key, val, &out->description));
    } else if (Is(key, "unit")) {
      NJ_RETURN_IF_ERROR(GetString(key, val, &out->unit));
    } else if (Is(key, "metadata")) {
      NJ_RETURN_IF_ERROR(DecodeAttributes(val, key, &out->metadata, 0));
    } else if (Is(key, "gauge")) {
      NJ_RETURN_IF_ERROR(SetMetricData<Gauge>(key, val, out, &set));
    } else if (Is(key, "sum")) {
      NJ_RETURN_IF_ERROR(SetMetricData<Sum>(key, val, out, &set));
    } else if (Is(key, "histogram")) {
      NJ_RETURN_IF_ERROR(SetMetricData<Histogram>(key, val, out, &set));
    } else if (Is(key, "exponentialHistogram", "exponential_histogram")) {
      NJ_RETURN_IF_ERROR(SetMetricData<ExponentialHistogram>(key, val, out, &set));
    } else if (Is(key, "summary")) {
      NJ_RETURN_IF_ERROR(SetMetricData<Summary>(key, val, out, &set));
    }
  }
  return Status::Ok();
}

Status DecodeScopeMetrics(const JsonValue& v, ScopeMetrics* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    if (Is(key, "scope")) {
      NJ_RETURN_IF_ERROR(
          Nested(key, m->value, [&](const JsonValue& e) { return DecodeScope(e, &out->scope); }));
    } else if (Is(key, "metrics")) {
      NJ_RETURN_IF_ERROR(ForEach(key, m->value, [&](const JsonValue& e, int) {
        out->metrics.emplace_back();
        return DecodeMetric(e, &out->metrics.back());
      }));
    } else if (Is(key, "schemaUrl", "schema_url")) {
      NJ_RETURN_IF_ERROR(GetString(key, m->value, &out->schema_url));
    }
  }
  return Status::Ok();
}

Status DecodeResourceMetrics(const JsonValue& v, ResourceMetrics* out) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    if (Is(key, "resource")) {
      NJ_RETURN_IF_ERROR(Nested(
          key, m->value, [&](const JsonValue& e) { return DecodeResource(e, &out->resource); }));
    } else if (Is(key, "scopeMetrics", "scope_metrics")) {
      NJ_RETURN_IF_ERROR(ForEach(key, m->value, [&](const JsonValue& e, int) {
        out->scope_metrics.emplace_back();
        return DecodeScopeMetrics(e, &out->scope_metrics.back());
      }));
    } else if (Is(key, "schemaUrl", "schema_url")) {
      NJ_RETURN_IF_ERROR(GetString(key, m->value, &out->schema_url));
    }
  }
  return Status::Ok();
}

// ----- traces (validated and counted) ------------------------------------------------------

Status CountSpan(const JsonValue& v) {
  NJ_RETURN_IF_ERROR(ExpectObject(v));
  TraceId trace_id;
  SpanId span_id;
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key = KeyOf(m);
    if (Is(key, "traceId", "trace_id")) {
      NJ_RETURN_IF_ERROR(GetId(key, m->value, &trace_id));
    } else if (Is(key, "spanId", "span_id") || Is(key, "parentSpanId", "parent_span_id")) {
      NJ_RETURN_IF_ERROR(GetId(key, m->value, &span_id));
    } else if (Is(key, "attributes")) {
      Attributes attributes;
      NJ_RETURN_IF_ERROR(DecodeAttributes(m->value, key, &attributes, 0));
    } else if (Is(key, "name")) {
      std::string name;
      NJ_RETURN_IF_ERROR(GetString(key, m->value, &name));
    } else if (Is(key, "startTimeUnixNano", "start_time_unix_nano") ||
               Is(key, "endTimeUnixNano", "end_time_unix_nano")) {
      uint64_t t;
      NJ_RETURN_IF_ERROR(GetUint64(key, m->value, &t));
    }
  }
  return Status::Ok();
}

Status CountTraces(const JsonValue& root, TracesSummary* out) {
  for (auto m = root.MemberBegin(); m != root.MemberEnd(); ++m) {
    if (!Is(KeyOf(m), "resourceSpans", "resource_spans")) continue;
    NJ_RETURN_IF_ERROR(ForEach(KeyOf(m), m->value, [&](const JsonValue& rs, int) {
      NJ_RETURN_IF_ERROR(ExpectObject(rs));
      ++out->resource_spans;
      for (auto rm = rs.MemberBegin(); rm != rs.MemberEnd(); ++rm) {
        if (Is(KeyOf(rm), "resource")) {
          Resource resource;
          NJ_RETURN_IF_ERROR(Nested(KeyOf(rm), rm->value, [&](const JsonValue& e) {
            return DecodeResource(e, &resource);
          }));
        }
        if (!Is(KeyOf(rm), "scopeSpans", "scope_spans")) continue;
        NJ_RETURN_IF_ERROR(ForEach(KeyOf(rm), rm->value, [&](const JsonValue& ss, int) {
          NJ_RETURN_IF_ERROR(ExpectObject(ss));
          ++out->scope_spans;
          for (auto sm = ss.MemberBegin(); sm != ss.MemberEnd(); ++sm) {
            if (!Is(KeyOf(sm), "spans")) continue;
            NJ_RETURN_IF_ERROR(ForEach(KeyOf(sm), sm->value, [&](const JsonValue& span, int) {
              ++out->spans;
              return CountSpan(span);
            }));
          }
          return Status::Ok();
        }));
      }
      return Status::Ok();
    }));
  }
  return Status::Ok();
}

// ----- documents ---------------------------------------------------------------------------

int Hex4(std::string_view s, size_t at) {
  if (at + 4 > s.size()) return -1;
  int v = 0;
  for (size_t i = at; i < at + 4; ++i) {
    char c = s[i];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

// Returns `body` with each \uD800-\uDBFF escape that is not followed by a low-surrogate escape
// replaced by \uFFFD (same length). Backslashes only occur inside JSON strings, so no string
// tracking is needed; every other escape is copied as is.
std::string ReplaceLoneSurrogateEscapes(std::string_view body) {
  std::string out(body);
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] != '\\') continue;
    if (out[i + 1] != 'u') {
      ++i;  // skip the escaped character, which may itself be a backslash
      continue;
    }
    int cp = Hex4(out, i + 2);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      bool paired = i + 7 < out.size() && out[i + 6] == '\\' && out[i + 7] == 'u' &&
                    Hex4(out, i + 8) >= 0xDC00 && Hex4(out, i + 8) <= 0xDFFF;
      if (paired) {
        i += 11;
        continue;
      }
      out.replace(i + 2, 4, "FFFD");
    }
    i += 5;
  }
  return out;
}

// A SAX handler that builds a rapidjson::Document but converts numbers itself. RapidJSON 1.1's
// own number parsing is either not correctly rounded (default) or, with full precision,
// undefined for some inputs such as 0e308 (it calls clz(0)). The reader hands over the raw
// number text (kParseNumbersAsStringsFlag) and std::from_chars, which is exact, converts it.
class ExactNumberHandler {
 public:
  explicit ExactNumberHandler(rapidjson::Document* doc) : doc_(doc) {}

  bool Null() { return doc_->Null(); }
  bool Bool(bool b) { return doc_->Bool(b); }
  bool Int(int i) { return doc_->Int(i); }
  bool Uint(unsigned u) { return doc_->Uint(u); }
  bool Int64(int64_t i) { return doc_->Int64(i); }
  bool Uint64(uint64_t u) { return doc_->Uint64(u); }
  bool Double(double d) { return doc_->Double(d); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return doc_->String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return doc_->Key(s, n, copy); }
  bool StartObject() { return doc_->StartObject(); }
  bool EndObject(rapidjson::SizeType n) { return doc_->EndObject(n); }
  bool StartArray() { return doc_->StartArray(); }
  bool EndArray(rapidjson::SizeType n) { return doc_->EndArray(n); }

  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    const char* end = s + n;
    // The reader has already checked the JSON number grammar.
    if (std::find_if(s, end, [](char c) { return c == '.' || c == 'e' || c == 'E'; }) == end) {
      if (*s == '-') {
        int64_t i;
        auto [p, ec] = std::from_chars(s, end, i);
        if (ec == std::errc() && p == end) return doc_->Int64(i);
      } else {
        uint64_t u;
        auto [p, ec] = std::from_chars(s, end, u);
        if (ec == std::errc() && p == end) return doc_->Uint64(u);
      }
    }
    double d;
    auto [p, ec] = std::from_chars(s, end, d);
    if (ec == std::errc() && p == end) return doc_->Double(d);
    // Out of range: strtod tells underflow (a tiny value, kept) from overflow (refused).
    std::string text(s, n);
    errno = 0;
    d = std::strtod(text.c_str(), nullptr);
    if (std::isinf(d)) {
      error_ = "number " + text.substr(0, 40) + " is too large for a double";
      return false;
    }
    return doc_->Double(d);
  }

  const std::string& error() const { return error_; }

 private:
  rapidjson::Document* doc_;
  std::string error_;
};

// Parses `body` into `doc`; returns false with `error` set on failure.
bool ParseExact(std::string_view body, rapidjson::Document* doc, std::string* error,
                rapidjson::ParseErrorCode* code) {
  constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseIterativeFlag |
                              rapidjson::kParseNumbersAsStringsFlag;
  rapidjson::Reader reader;
  ExactNumberHandler handler(doc);
  auto generate = [&](rapidjson::Document&) {
    rapidjson::MemoryStream stream(body.data(), body.size());
    return !reader.Parse<kFlags>(stream, handler).IsError();
  };
  doc->Populate(generate);
  *code = reader.GetParseErrorCode();
  if (!reader.HasParseError()) return true;
  *error = "invalid JSON at byte " + std::to_string(reader.GetErrorOffset()) + ": " +
           (handler.error().empty() ? rapidjson::GetParseError_En(*code) : handler.error());
  return false;
}

// Parses `body` as one JSON object. The iterative parser keeps deep nesting off the stack.
Status ParseDocument(std::string_view body, const char* what, rapidjson::Document* doc) {
  std::string error;
  rapidjson::ParseErrorCode code;
  bool ok = ParseExact(body, doc, &error, &code);
  if (!ok && code == rapidjson::kParseErrorStringUnicodeSurrogateInvalid) {
    // A lone high surrogate escape: replace every one with U+FFFD in one linear pass and parse
    // once more (see GetString for why).
    std::string repaired = ReplaceLoneSurrogateEscapes(body);
    error.clear();
    ok = ParseExact(repaired, doc, &error, &code);
    // Strings in the DOM point into their own copies (the reader copies them), so `repaired`
    // may go away now.
  }
  if (!ok) return InvalidArgument(std::string("OTLP/JSON ") + what + ": " + error);
  if (!doc->IsObject()) {
    return InvalidArgument(std::string("OTLP/JSON ") + what + ": expected a JSON object, got " +
                           TypeName(*doc));
  }
  return Status::Ok();
}

template <typename Fn>
Status DecodeTop(std::string_view body, const char* what, Fn decode) {
  rapidjson::Document doc;
  NJ_RETURN_IF_ERROR(ParseDocument(body, what, &doc));
  Status st = decode(static_cast<const JsonValue&>(doc));
  if (!st.ok()) return st.WithContext(std::string("OTLP/JSON ") + what);
  return st;
}

}  // namespace

Result<LogsData> DecodeLogsJson(std::string_view body) {
  LogsData logs;
  NJ_RETURN_IF_ERROR(DecodeTop(body, "logs request", [&](const JsonValue& root) {
    for (auto m = root.MemberBegin(); m != root.MemberEnd(); ++m) {
      if (!Is(KeyOf(m), "resourceLogs", "resource_logs")) continue;
      NJ_RETURN_IF_ERROR(ForEach(KeyOf(m), m->value, [&](const JsonValue& e, int) {
        logs.resource_logs.emplace_back();
        return DecodeResourceLogs(e, &logs.resource_logs.back());
      }));
    }
    return Status::Ok();
  }));
  return logs;
}

Result<MetricsData> DecodeMetricsJson(std::string_view body) {
  MetricsData metrics;
  NJ_RETURN_IF_ERROR(DecodeTop(body, "metrics request", [&](const JsonValue& root) {
    for (auto m = root.MemberBegin(); m != root.MemberEnd(); ++m) {
      if (!Is(KeyOf(m), "resourceMetrics", "resource_metrics")) continue;
      NJ_RETURN_IF_ERROR(ForEach(KeyOf(m), m->value, [&](const JsonValue& e, int) {
        metrics.resource_metrics.emplace_back();
        return DecodeResourceMetrics(e, &metrics.resource_metrics.back());
      }));
    }
    return Status::Ok();
  }));
  return metrics;
}

Result<TracesSummary> DecodeTracesJson(std::string_view body) {
  TracesSummary summary;
  NJ_RETURN_IF_ERROR(DecodeTop(body, "traces request",
                               [&](const JsonValue& root) { return CountTraces(root, &summary); }));
  return summary;
}

Result<ExportResponse> DecodeResponseJson(Signal signal, std::string_view body) {
  const char* rejected_key = signal == Signal::kLogs      ? "rejectedLogRecords"
                             : signal == Signal::kMetrics ? "rejectedDataPoints"
                                                          : "rejectedSpans";
  const char* rejected_snake = signal == Signal::kLogs      ? "rejected_log_records"
                               : signal == Signal::kMetrics ? "rejected_data_points"
                                                            : "rejected_spans";
  ExportResponse response;
  NJ_RETURN_IF_ERROR(DecodeTop(body, "response", [&](const JsonValue& root) {
    for (auto m = root.MemberBegin(); m != root.MemberEnd(); ++m) {
      if (!Is(KeyOf(m), "partialSuccess", "partial_success") || m->value.IsNull()) continue;
      NJ_RETURN_IF_ERROR(ObjectAt(KeyOf(m), m->value));
      ExportResponse::PartialSuccess ps;
      for (auto p = m->value.MemberBegin(); p != m->value.MemberEnd(); ++p) {
        std::string_view key = KeyOf(p);
        Status st;
        if (Is(key, rejected_key, rejected_snake)) st = GetInt64(key, p->value, &ps.rejected);
        if (Is(key, "errorMessage", "error_message")) {
          st = GetString(key, p->value, &ps.error_message);
        }
        if (!st.ok()) return AtPath(st, KeyOf(m));
      }
      response.partial_success = std::move(ps);
    }
    return Status::Ok();
  }));
  return response;
}

Result<RpcStatus> DecodeRpcStatusJson(std::string_view body) {
  RpcStatus status;
  NJ_RETURN_IF_ERROR(DecodeTop(body, "status", [&](const JsonValue& root) {
    for (auto m = root.MemberBegin(); m != root.MemberEnd(); ++m) {
      if (Is(KeyOf(m), "code")) NJ_RETURN_IF_ERROR(GetSint32("code", m->value, &status.code));
      if (Is(KeyOf(m), "message")) {
        NJ_RETURN_IF_ERROR(GetString("message", m->value, &status.message));
      }
    }
    return Status::Ok();
  }));
  return status;
}

}  // namespace nightjar::otlp::internal
