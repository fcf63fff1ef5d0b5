// The JSON parser: one JSON object per record; see parser.h.
//
// Lines come from files anyone on the host may write, so the parser treats them as untrusted:
// RapidJSON parses iteratively (no recursion, however deep the nesting), in place in a scratch
// copy (the original text stays intact for the fallback), with memory pools reused from line to
// line, and conversion into OTLP values stops at a fixed depth.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cctype>
#include <cstdio>
#include <deque>

#include "base/utf8.h"
#include "parsers/parser.h"
#include "parsers/severity.h"

namespace nightjar::agent {
namespace {

// Nesting deeper than this is not converted: the record falls back to the raw text.
constexpr int kMaxDepth = 32;

using Pool = rapidjson::MemoryPoolAllocator<rapidjson::CrtAllocator>;
using Document = rapidjson::GenericDocument<rapidjson::UTF8<>, Pool, Pool>;
using Value = rapidjson::GenericValue<rapidjson::UTF8<>, Pool>;

constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

std::string_view Raw(const Value& v) {
  return std::string_view(v.GetString(), v.GetStringLength());
}

// Returns the text of a JSON number, for time fields written as numbers since the epoch.
std::string NumberText(const Value& v) {
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.9f", v.GetDouble());
  return buffer;
}

class JsonParser final : public Parser {
 public:
  explicit JsonParser(FieldKeys keys)
      : keys_(std::move(keys)), value_pool_(64 * 1024), stack_pool_(16 * 1024) {}

  void Parse(std::string_view text, int64_t now_unix_nanos, ParsedRecord* out) override {
    nested_.clear();
    repaired_.clear();
    value_pool_.Clear();
    stack_pool_.Clear();
    scratch_.assign(text);
    Document doc(&value_pool_, 1024, &stack_pool_);
    doc.ParseInsitu<kParseFlags>(scratch_.data());
    if (doc.HasParseError() || !doc.IsObject()) {
      Fail(text, out);
      return;
    }
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
      std::string_view key = Text(it->name);
      const Value& value = it->value;
      if (key == keys_.message_key && out->body.kind() == otlp::AnyValueView::Kind::kEmpty) {
        if (!ToView(value, &out->body)) return Fail(text, out);
        continue;
      }
      if (key == keys_.severity_key && out->severity_text.empty() && Severity(value, out)) {
        continue;
      }
      if (key == keys_.time_key && out->time_unix_nano == 0 &&
          (value.IsString() || value.IsNumber())) {
        std::string number = value.IsNumber() ? NumberText(value) : std::string();
        auto t = ParseTimeField(keys_.time_format, value.IsNumber() ? number : Text(value),
                                now_unix_nanos);
        if (t) {
          out->time_unix_nano = *t;
          continue;
        }
        out->time_failed = true;  // kept below as an attribute, so nothing is lost
      }
      otlp::AnyValueView v;
      if (!ToView(value, &v)) return Fail(text, out);
      out->attributes.push_back(otlp::KeyValueView{key, v});
    }
    if (out->body.kind() == otlp::AnyValueView::Kind::kEmpty) {
      // No message member: the record's text is the body, so that a reader of the body alone
      // still sees everything.
      out->body = otlp::AnyValueView::String(text);
    }
  }

 private:
  void Fail(std::string_view text, ParsedRecord* out) {
    out->Clear();
    out->failed = true;
    out->body = otlp::AnyValueView::String(text);
  }

  bool Severity(const Value& value, ParsedRecord* out) {
    if (value.IsInt()) {
      // bunyan and pino write levels as numbers: 10 trace, 20 debug, 30 info, 40 warn,
      // 50 error, 60 fatal. The number stays visible as an attribute.
      static constexpr std::pair<int, int32_t> kNumeric[] = {{10, 1},  {20, 5},  {30, 9},
                                                             {40, 13}, {50, 17}, {60, 21}};
      for (const auto& [level, n] : kNumeric) {
        if (value.GetInt() == level) out->severity_number = n;
      }
      return false;
    }
    if (!value.IsString()) return false;
    std::string_view text = Text(value);
    int32_t number = SeverityFromText(text);
    if (number == 0) return false;
    out->severity_text = text;
    out->severity_number = number;
    return true;
  }

  // Converts a JSON value: scalars as views into the scratch copy, nested values as model values
  // kept in nested_ (a deque, so that earlier addresses stay valid).
  bool ToView(const Value& value, otlp::AnyValueView* out) {
    if (value.IsString()) {
      *out = otlp::AnyValueView::String(Text(value));
      return true;
    }
    if (value.IsBool()) {
      *out = otlp::AnyValueView::Bool(value.GetBool());
      return true;
    }
    if (value.IsNull()) {
      *out = otlp::AnyValueView();
      return true;
    }
    if (value.IsInt64()) {
      *out = otlp::AnyValueView::Int(value.GetInt64());
      return true;
    }
    if (value.IsNumber()) {
      *out = otlp::AnyValueView::Double(value.GetDouble());
      return true;
    }
    otlp::AnyValue model;
    if (!ToModel(value, 0, &model)) return false;
    nested_.push_back(std::move(model));
    *out = otlp::AnyValueView::Model(&nested_.back());
    return true;
  }

  bool ToModel(const Value& value, int depth, otlp::AnyValue* out) {
    if (depth > kMaxDepth) return false;
    switch (value.GetType()) {
      case rapidjson::kNullType:
        *out = otlp::AnyValue();
        return true;
      case rapidjson::kFalseType:
      case rapidjson::kTrueType:
        *out = otlp::AnyValue(value.GetBool());
        return true;
      case rapidjson::kNumberType:
        *out = value.IsInt64() ? otlp::AnyValue(static_cast<int64_t>(value.GetInt64()))
                               : otlp::AnyValue(value.GetDouble());
        return true;
      case rapidjson::kStringType:
        *out = otlp::AnyValue(std::string(Text(value)));
        return true;
      case rapidjson::kArrayType: {
        otlp::AnyValue::Array array;
        array.reserve(value.Size());
        for (const Value& element : value.GetArray()) {
          if (!ToModel(element, depth + 1, &array.emplace_back())) return false;
        }
        *out = otlp::AnyValue(std::move(array));
        return true;
      }
      case rapidjson::kObjectType: {
        otlp::AnyValue::KvList list;
        list.reserve(value.MemberCount());
        for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
          otlp::KeyValue& kv = list.emplace_back();
          kv.key = std::string(Text(it->name));
          if (!ToModel(it->value, depth + 1, &kv.value)) return false;
        }
        *out = otlp::AnyValue(std::move(list));
        return true;
      }
    }
    return false;
  }

  // Returns a string member's text as valid UTF-8. The input bytes are valid, but an escape
  // such as "\ude00" (a lone surrogate) decodes to bytes that are not; those strings are
  // repaired (kept in repaired_, a deque so that earlier views stay valid).
  std::string_view Text(const Value& v) {
    std::string_view raw = Raw(v);
    if (FindInvalidUtf8(raw) == std::string_view::npos) return raw;
    repaired_.push_back(RepairUtf8(raw));
    return repaired_.back();
  }

  FieldKeys keys_;
  std::deque<std::string> repaired_;
  Pool value_pool_;
  Pool stack_pool_;
  std::string scratch_;
  std::deque<otlp::AnyValue> nested_;
};

}  // namespace

std::unique_ptr<Parser> MakeJsonParser(FieldKeys keys) {
  return std::make_unique<JsonParser>(std::move(keys));
}

}  // namespace nightjar::agent
