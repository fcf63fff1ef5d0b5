// The JSON number oracle; see fuzz_oracle.h.
//
// Round trips cannot see a number that is misread: the wrong value then round-trips perfectly.
// So every number token of a JSON input is also decoded on its own, as the doubleValue of a log
// body, and compared with glibc's strtod, which rounds correctly.
#include <rapidjson/reader.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_oracle.h"

namespace nightjar::fuzz {
namespace {

// Checking a few numbers per input is enough: the fuzzer varies which ones.
constexpr size_t kMaxNumbers = 16;

// Collects the text of number tokens from RapidJSON's SAX parse; with
// kParseNumbersAsStringsFlag every number arrives through RawNumber, unconverted.
struct NumberCollector : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, NumberCollector> {
  bool RawNumber(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    if (numbers.size() < kMaxNumbers) numbers.emplace_back(text, length);
    return true;
  }
  std::vector<std::string> numbers;
};

std::string Show(double d) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.17g (%a)", d, d);
  return buffer;
}

void CheckNumber(const std::string& number) {
  errno = 0;
  const double expected = std::strtod(number.c_str(), nullptr);
  const bool overflow = errno == ERANGE && std::isinf(expected);
  const std::string body =
      R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"doubleValue":)" + number +
      "}}]}]}]}";
  Result<otlp::LogsData> decoded = otlp::DecodeLogs(body, otlp::Encoding::kJson);
  if (!decoded.ok()) {
    // A number beyond the range of double is refused rather than turned into infinity.
    Expect(overflow, "json-number-refused", number + " is refused: " + decoded.status().ToString());
    return;
  }
  const otlp::AnyValue& value = decoded->resource_logs[0].scope_logs[0].log_records[0].body;
  Expect(value.kind() == otlp::ValueKind::kDouble, "json-number-misread",
         number + " is not decoded as a double");
  // == rather than the bits: "-0" is an integer token, read as 0, and that is not worth a failure.
  Expect(
      value.double_value() == expected, "json-number-misread",
      number + " is decoded as " + Show(value.double_value()) + ", strtod gives " + Show(expected));
}

}  // namespace

void CheckJsonNumbers(std::string_view input) {
  NumberCollector collector;
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(input.data(), input.size());
  // A parse error only ends the collection: numbers before it were read all the same.
  reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag>(stream,
                                                                                       collector);
  for (const std::string& number : collector.numbers) CheckNumber(number);
}

}  // namespace nightjar::fuzz
