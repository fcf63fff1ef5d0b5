// The plain parser and helpers shared by parsers; see parser.h.
#include "parsers/parser.h"

#include <cctype>

namespace nightjar::agent {
namespace {

class PlainParser final : public Parser {
 public:
  void Parse(std::string_view text, int64_t, ParsedRecord* out) override {
    out->body = otlp::AnyValueView::String(text);
  }
};

}  // namespace

std::unique_ptr<Parser> MakePlainParser() { return std::make_unique<PlainParser>(); }

std::optional<uint64_t> ParseTimeField(const std::optional<TimeFormat>& format,
                                       std::string_view text, int64_t now_unix_nanos) {
  if (format) return format->Parse(text, now_unix_nanos);
  static const TimeFormat kRfc3339 = *TimeFormat::Compile("rfc3339");
  if (auto t = kRfc3339.Parse(text, now_unix_nanos)) return t;
  // A bare number: its magnitude tells the unit (seconds until the year 5138, and so on).
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  static const TimeFormat kUnix = *TimeFormat::Compile("unix");
  static const TimeFormat kUnixMs = *TimeFormat::Compile("unix_ms");
  static const TimeFormat kUnixUs = *TimeFormat::Compile("unix_us");
  static const TimeFormat kUnixNs = *TimeFormat::Compile("unix_ns");
  const TimeFormat& unit = digits <= 11   ? kUnix
                           : digits <= 14 ? kUnixMs
                           : digits <= 17 ? kUnixUs
                                          : kUnixNs;
  return unit.Parse(text, now_unix_nanos);
}

}  // namespace nightjar::agent
