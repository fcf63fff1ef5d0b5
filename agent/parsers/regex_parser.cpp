// The regex parser: named groups become attributes; see parser.h.
#include "common/regex.h"
#include "parsers/parser.h"
#include "parsers/severity.h"

namespace nightjar::agent {
namespace {

class RegexParser final : public Parser {
 public:
  RegexParser(Regex regex, FieldKeys keys) : regex_(std::move(regex)), keys_(std::move(keys)) {}

  void Parse(std::string_view text, int64_t now_unix_nanos, ParsedRecord* out) override {
    if (!regex_.Search(text)) {
      out->failed = true;
      out->body = otlp::AnyValueView::String(text);
      return;
    }
    for (const Regex::NamedGroup& group : regex_.named_groups()) {
      std::optional<std::string_view> value = regex_.Group(group.index);
      if (!value) continue;  // an optional group that did not take part
      if (group.name == keys_.message_key) {
        out->body = otlp::AnyValueView::String(*value);
        continue;
      }
      if (group.name == keys_.severity_key) {
        int32_t number = SeverityFromText(*value);
        if (number != 0) {
          out->severity_text = *value;
          out->severity_number = number;
          continue;
        }
      }
      if (group.name == keys_.time_key) {
        auto t = ParseTimeField(keys_.time_format, *value, now_unix_nanos);
        if (t) {
          out->time_unix_nano = *t;
          continue;
        }
        out->time_failed = true;
      }
      out->attributes.push_back(otlp::KeyValueView{group.name, otlp::AnyValueView::String(*value)});
    }
    // Without a message group the whole text stays the body.
    if (out->body.kind() == otlp::AnyValueView::Kind::kEmpty) {
      out->body = otlp::AnyValueView::String(text);
    }
  }

 private:
  Regex regex_;
  FieldKeys keys_;
};

}  // namespace

Result<std::unique_ptr<Parser>> MakeRegexParser(std::string_view pattern, FieldKeys keys) {
  Result<Regex> regex = Regex::Compile(pattern);
  if (!regex.ok()) return regex.status();
  if (regex->named_groups().empty()) {
    return InvalidArgument("the pattern has no named group such as (?<level>\\w+)");
  }
  return std::unique_ptr<Parser>(std::make_unique<RegexParser>(std::move(*regex), std::move(keys)));
}

}  // namespace nightjar::agent
