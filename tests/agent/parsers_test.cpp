// Tests of parsers: severity words, timestamp formats, the JSON and regex parsers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parsers/parser.h"
#include "parsers/severity.h"
#include "parsers/timestamp.h"

namespace nightjar::agent {
namespace {

using ::testing::Optional;

constexpr int64_t kNow = 1'714'564'800'000'000'000;  // 2024-05-01T12:00:00Z
constexpr uint64_t kSecond = 1'000'000'000;

TEST(Severity, MapsCommonLevelWordsToOtlpNumbers) {
  EXPECT_EQ(SeverityFromText("TRACE"), 1);
  EXPECT_EQ(SeverityFromText("debug"), 5);
  EXPECT_EQ(SeverityFromText("Info"), 9);
  EXPECT_EQ(SeverityFromText("INFORMATIONAL"), 9);
  EXPECT_EQ(SeverityFromText("notice"), 10);
  EXPECT_EQ(SeverityFromText("WARN"), 13);
  EXPECT_EQ(SeverityFromText("warning"), 13);
  EXPECT_EQ(SeverityFromText("ERROR"), 17);
  EXPECT_EQ(SeverityFromText("err"), 17);
  EXPECT_EQ(SeverityFromText("CRITICAL"), 18);
  EXPECT_EQ(SeverityFromText("alert"), 21);
  EXPECT_EQ(SeverityFromText("FATAL"), 21);
  EXPECT_EQ(SeverityFromText("emerg"), 22);
  EXPECT_EQ(SeverityFromText("panic"), 22);
}

TEST(Severity, HandlesStepsLettersAndDecoration) {
  EXPECT_EQ(SeverityFromText("INFO2"), 10);
  EXPECT_EQ(SeverityFromText("DEBUG4"), 8);
  EXPECT_EQ(SeverityFromText("W"), 13);
  EXPECT_EQ(SeverityFromText("e"), 17);
  EXPECT_EQ(SeverityFromText(" [ERROR] "), 17);
  EXPECT_EQ(SeverityFromText("<warn>:"), 13);
}

TEST(Severity, UnknownWordsAreUnspecified) {
  EXPECT_EQ(SeverityFromText(""), 0);
  EXPECT_EQ(SeverityFromText("banana"), 0);
  EXPECT_EQ(SeverityFromText("x"), 0);
  EXPECT_EQ(SeverityFromText("INFO9"), 0);
  EXPECT_EQ(SeverityFromText("a very long word that is not a level"), 0);
}

std::optional<uint64_t> Parse(const std::string& format, const std::string& text,
                              TimeFormat::Zone zone = TimeFormat::Zone::kUtc) {
  Result<TimeFormat> f = TimeFormat::Compile(format, zone);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? f->Parse(text, kNow) : std::nullopt;
}

TEST(TimeFormat, ParsesRfc3339WithFractionsAndZones) {
  uint64_t base = static_cast<uint64_t>(kNow);
  EXPECT_THAT(Parse("rfc3339", "2024-05-01T12:00:00Z"), Optional(base));
  EXPECT_THAT(Parse("rfc3339", "2024-05-01T12:00:00.5Z"), Optional(base + kSecond / 2));
  EXPECT_THAT(Parse("rfc3339", "2024-05-01 12:00:00.123456789"), Optional(base + 123456789));
  EXPECT_THAT(Parse("rfc3339", "2024-05-01T14:00:00+02:00"), Optional(base));
  EXPECT_THAT(Parse("iso8601", "2024-05-01T07:00:00-0500"), Optional(base));
  EXPECT_THAT(Parse("rfc3339", "2024-05-01T12:00:00,250Z"), Optional(base + kSecond / 4));
  EXPECT_EQ(Parse("rfc3339", "2024-05-01"), std::nullopt);
  EXPECT_EQ(Parse("rfc3339", "2024-13-01T12:00:00Z"), std::nullopt);
  EXPECT_EQ(Parse("rfc3339", "2024-05-01T12:00:00Zjunk"), std::nullopt);
}

TEST(TimeFormat, ParsesEpochNumbers) {
  EXPECT_THAT(Parse("unix", "1714564800"), Optional(static_cast<uint64_t>(kNow)));
  EXPECT_THAT(Parse("unix", "1714564800.25"), Optional(static_cast<uint64_t>(kNow) + kSecond / 4));
  EXPECT_THAT(Parse("unix_ms", "1714564800123"), Optional(static_cast<uint64_t>(kNow) + 123000000));
  EXPECT_THAT(Parse("unix_us", "1714564800000001"), Optional(static_cast<uint64_t>(kNow) + 1000));
  EXPECT_THAT(Parse("unix_ns", "1714564800000000007"), Optional(static_cast<uint64_t>(kNow) + 7));
  EXPECT_EQ(Parse("unix", "-5"), std::nullopt);
  EXPECT_EQ(Parse("unix", "12x"), std::nullopt);
  EXPECT_EQ(Parse("unix_ns", "99999999999999999999"), std::nullopt);
}

TEST(TimeFormat, ParsesPatterns) {
  uint64_t base = static_cast<uint64_t>(kNow);
  EXPECT_THAT(Parse("%Y-%m-%d %H:%M:%S,%f", "2024-05-01 12:00:00,042"), Optional(base + 42000000));
  EXPECT_THAT(Parse("%d/%b/%Y:%H:%M:%S %z", "01/May/2024:14:00:00 +0200"), Optional(base));
  EXPECT_THAT(Parse("%a, %d %B %Y %T GMT", "Wednesday, 01 May 2024 12:00:00 GMT"), Optional(base));
  EXPECT_THAT(Parse("%m/%d/%y %I:%M:%S %p", "05/01/24 12:00:00 PM"), Optional(base));
  EXPECT_THAT(Parse("%m/%d/%y %I:%M:%S %p", "05/01/24 12:00:00 am"),
              Optional(base - 12 * 3600 * kSecond));
  EXPECT_THAT(Parse("%s", "1714564800"), Optional(base));
  EXPECT_THAT(Parse("%FT%T", "2024-05-01T12:00:00"), Optional(base));
  EXPECT_EQ(Parse("%Y-%m-%d", "2024-05-01 extra"), std::nullopt);
}

TEST(TimeFormat, SyslogTimesWithoutAYearTakeTheRightYear) {
  // The year comes from "now" (2024-05-01)...
  EXPECT_THAT(Parse("%b %e %H:%M:%S", "May  1 12:00:00"), Optional(static_cast<uint64_t>(kNow)));
  // ... unless that would be far in the future: a December line read in May is last year's.
  std::optional<uint64_t> december = Parse("%b %e %H:%M:%S", "Dec 31 23:59:59");
  ASSERT_TRUE(december.has_value());
  EXPECT_LT(*december, static_cast<uint64_t>(kNow));
}

TEST(TimeFormat, LocalZoneAppliesTheHostOffset) {
  setenv("TZ", "Europe/Paris", 1);
  tzset();
  // 14:00 in Paris (CEST, UTC+2) on 1 May is 12:00 UTC.
  EXPECT_THAT(Parse("%Y-%m-%d %H:%M:%S", "2024-05-01 14:00:00", TimeFormat::Zone::kLocal),
              Optional(static_cast<uint64_t>(kNow)));
  unsetenv("TZ");
  tzset();
}

TEST(TimeFormat, UnknownDirectivesAreRefusedAtCompileTime) {
  EXPECT_FALSE(TimeFormat::Compile("%Q").ok());
  EXPECT_FALSE(TimeFormat::Compile("%Y-%").ok());
  EXPECT_FALSE(TimeFormat::Compile("").ok());
}

TEST(TimeFormat, DaysFromCivilMatchesKnownDates) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(2024, 5, 1), 19844);
}

const otlp::KeyValueView* Find(const ParsedRecord& r, std::string_view key) {
  for (const auto& kv : r.attributes) {
    if (kv.key == key) return &kv;
  }
  return nullptr;
}

TEST(JsonParser, ExtractsTimeSeverityMessageAndAttributes) {
  auto parser = MakeJsonParser(FieldKeys{"ts", "level", "msg", std::nullopt});
  ParsedRecord r;
  std::string line = R"({"ts":"2024-05-01T12:00:00Z","level":"warn","msg":"disk low","free_mb":12,)"
                     R"("ratio":0.5,"ok":false,"user":{"id":7,"tags":["a","b"]},"none":null})";
  parser->Parse(line, kNow, &r);
  EXPECT_FALSE(r.failed);
  EXPECT_EQ(r.time_unix_nano, static_cast<uint64_t>(kNow));
  EXPECT_EQ(r.severity_number, 13);
  EXPECT_EQ(r.severity_text, "warn");
  ASSERT_EQ(r.body.kind(), otlp::AnyValueView::Kind::kString);
  EXPECT_EQ(r.body.text(), "disk low");
  ASSERT_NE(Find(r, "free_mb"), nullptr);
  EXPECT_EQ(Find(r, "free_mb")->value.int_value(), 12);
  EXPECT_EQ(Find(r, "ratio")->value.double_value(), 0.5);
  EXPECT_FALSE(Find(r, "ok")->value.bool_value());
  ASSERT_EQ(Find(r, "user")->value.kind(), otlp::AnyValueView::Kind::kModel);
  const otlp::AnyValue& user = *Find(r, "user")->value.model();
  ASSERT_EQ(user.kind(), otlp::ValueKind::kKvList);
  EXPECT_EQ(user.kvlist_value()[0].value, otlp::AnyValue(int64_t{7}));
  EXPECT_EQ(user.kvlist_value()[1].value, otlp::AnyValue(otlp::AnyValue::Array{"a", "b"}));
  EXPECT_EQ(Find(r, "none")->value.kind(), otlp::AnyValueView::Kind::kEmpty);
  EXPECT_EQ(Find(r, "ts"), nullptr);  // moved into the time field
}

TEST(JsonParser, NumericTimesAndBunyanLevels) {
  auto parser = MakeJsonParser(FieldKeys{});
  ParsedRecord r;
  parser->Parse(R"({"time":1714564800123,"level":50,"message":"x"})", kNow, &r);
  EXPECT_EQ(r.time_unix_nano, static_cast<uint64_t>(kNow) + 123000000);
  EXPECT_EQ(r.severity_number, 17);
  ASSERT_NE(Find(r, "level"), nullptr);  // the number stays visible
}

TEST(JsonParser, KeepsAnUnparsableTimeAsAnAttribute) {
  auto parser = MakeJsonParser(FieldKeys{});
  ParsedRecord r;
  parser->Parse(R"({"time":"yesterday","message":"x"})", kNow, &r);
  EXPECT_TRUE(r.time_failed);
  EXPECT_EQ(r.time_unix_nano, 0u);
  ASSERT_NE(Find(r, "time"), nullptr);
  EXPECT_EQ(Find(r, "time")->value.text(), "yesterday");
}

TEST(JsonParser, WithoutAMessageTheLineIsTheBody) {
  auto parser = MakeJsonParser(FieldKeys{});
  ParsedRecord r;
  std::string line = R"({"a":1})";
  parser->Parse(line, kNow, &r);
  EXPECT_FALSE(r.failed);
  EXPECT_EQ(r.body.text(), line);
}

TEST(JsonParser, MalformedLinesAreShippedWholeAndFlagged) {
  auto parser = MakeJsonParser(FieldKeys{});
  for (std::string line : {"not json", "{\"a\":", "[1,2]", "{\"a\":1} trailing", "42", ""}) {
    ParsedRecord r;
    parser->Parse(line, kNow, &r);
    EXPECT_TRUE(r.failed) << line;
    EXPECT_EQ(r.body.text(), line);
    EXPECT_TRUE(r.attributes.empty());
  }
}

TEST(JsonParser, DeepNestingFallsBackInsteadOfRecursing) {
  auto parser = MakeJsonParser(FieldKeys{});
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  ParsedRecord r;
  parser->Parse(deep, kNow, &r);
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.body.text().size(), deep.size());
}

TEST(RegexParser, NamedGroupsBecomeFields) {
  auto parser =
      MakeRegexParser(R"(^(?<time>\S+) (?<level>\w+) \[(?<component>[^\]]+)\] (?<message>.*)$)",
                      FieldKeys{"time", "level", "message", std::nullopt});
  ASSERT_TRUE(parser.ok());
  ParsedRecord r;
  (*parser)->Parse("2024-05-01T12:00:00Z ERROR [db] connection lost", kNow, &r);
  EXPECT_FALSE(r.failed);
  EXPECT_EQ(r.time_unix_nano, static_cast<uint64_t>(kNow));
  EXPECT_EQ(r.severity_number, 17);
  EXPECT_EQ(r.severity_text, "ERROR");
  EXPECT_EQ(r.body.text(), "connection lost");
  ASSERT_EQ(r.attributes.size(), 1u);
  EXPECT_EQ(r.attributes[0].key, "component");
  EXPECT_EQ(r.attributes[0].value.text(), "db");
}

TEST(RegexParser, NonMatchingLinesAreKeptWhole) {
  auto parser = MakeRegexParser(R"(^(?<level>[A-Z]+): (?<message>.*)$)", FieldKeys{});
  ASSERT_TRUE(parser.ok());
  ParsedRecord r;
  (*parser)->Parse("lowercase: nope", kNow, &r);
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.body.text(), "lowercase: nope");
}

TEST(RegexParser, RefusesPatternsWithoutNamedGroupsOrInvalid) {
  EXPECT_FALSE(MakeRegexParser("^(\\w+)$", FieldKeys{}).ok());
  auto bad = MakeRegexParser("(?<x>", FieldKeys{});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), ::testing::HasSubstr("offset"));
}

TEST(RegexParser, CatastrophicBacktrackingIsBounded) {
  auto parser = MakeRegexParser(R"(^(?<message>(a+)+)b$)", FieldKeys{});
  ASSERT_TRUE(parser.ok());
  ParsedRecord r;
  (*parser)->Parse(std::string(5000, 'a') + "c", kNow, &r);  // would take ages unbounded
  EXPECT_TRUE(r.failed);
}

TEST(PlainParser, TheLineIsTheBody) {
  auto parser = MakePlainParser();
  ParsedRecord r;
  parser->Parse("hello", kNow, &r);
  EXPECT_EQ(r.body.text(), "hello");
  EXPECT_FALSE(r.failed);
}

}  // namespace
}  // namespace nightjar::agent
