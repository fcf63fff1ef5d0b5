// Tests of named time intervals (collector/alerting/time_interval.h): parsing with
// line-precise errors, and matching in UTC and in a zone with daylight saving time.
#include "alerting/time_interval.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctz/civil_time.h>

namespace nightjar::collector::alerting {
namespace {

using ::testing::HasSubstr;

// Returns the unix time in nanoseconds of a civil time in `zone`.
int64_t At(const char* zone, int y, int mo, int d, int h, int mi) {
  cctz::time_zone tz;
  EXPECT_TRUE(cctz::load_time_zone(zone, &tz));
  auto tp = cctz::convert(cctz::civil_second(y, mo, d, h, mi, 0), tz);
  return std::chrono::duration_cast<std::chrono::nanoseconds>(tp.time_since_epoch()).count();
}

Result<std::vector<NamedTimeInterval>> Parse(const std::string& yaml) {
  auto root = ConfigNode::LoadString(yaml, "collector.yaml");
  if (!root.ok()) return root.status();
  std::vector<NamedTimeInterval> out = ReadTimeIntervals(*root);
  if (!root->ok()) return root->status();
  return out;
}

TEST(TimeInterval, BusinessHoursInUtc) {
  auto parsed = Parse(R"(
time_intervals:
  - name: business
    time_intervals:
      - times: [{start_time: "09:00", end_time: "17:30"}]
        weekdays: ["monday:friday"]
)");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 1u);
  const NamedTimeInterval& business = (*parsed)[0];
  // 2026-12-03 is a Thursday.
  EXPECT_TRUE(Contains(business, At("UTC", 2026, 12, 3, 9, 0)));
  EXPECT_TRUE(Contains(business, At("UTC", 2026, 12, 3, 17, 29)));
  EXPECT_FALSE(Contains(business, At("UTC", 2026, 12, 3, 17, 30)));  // the end is excluded
  EXPECT_FALSE(Contains(business, At("UTC", 2026, 12, 3, 8, 59)));
  EXPECT_FALSE(Contains(business, At("UTC", 2026, 12, 5, 10, 0)));  // Saturday
  EXPECT_FALSE(Contains(business, At("UTC", 2026, 12, 6, 10, 0)));  // Sunday
}

TEST(TimeInterval, ReadsFieldsInTheGivenZoneAcrossDaylightSaving) {
  auto parsed = Parse(R"(
time_intervals:
  - name: berlin-mornings
    time_intervals:
      - times: [{start_time: "08:00", end_time: "10:00"}]
        location: Europe/Berlin
)");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const NamedTimeInterval& mornings = (*parsed)[0];
  // Winter: UTC+1; summer: UTC+2.
  EXPECT_TRUE(Contains(mornings, At("UTC", 2026, 1, 15, 7, 30)));
  EXPECT_FALSE(Contains(mornings, At("UTC", 2026, 1, 15, 9, 30)));
  EXPECT_TRUE(Contains(mornings, At("UTC", 2026, 7, 15, 6, 30)));
  EXPECT_FALSE(Contains(mornings, At("UTC", 2026, 7, 15, 8, 30)));
}

TEST(TimeInterval, DaysMonthsAndYearsWithNegativeDaysFromTheMonthsEnd) {
  auto parsed = Parse(R"(
time_intervals:
  - name: month-end-freeze
    time_intervals:
      - days_of_month: ["-2:-1"]
        months: ["february", "11:12"]
        years: ["2026"]
      - days_of_month: ["1"]
        months: ["march"]
)");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const NamedTimeInterval& freeze = (*parsed)[0];
  EXPECT_TRUE(Contains(freeze, At("UTC", 2026, 2, 27, 12, 0)));  // 28-day February
  EXPECT_TRUE(Contains(freeze, At("UTC", 2026, 2, 28, 23, 59)));
  EXPECT_FALSE(Contains(freeze, At("UTC", 2026, 2, 26, 12, 0)));
  EXPECT_TRUE(Contains(freeze, At("UTC", 2026, 11, 29, 0, 0)));   // 30-day November
  EXPECT_FALSE(Contains(freeze, At("UTC", 2026, 12, 29, 0, 0)));  // 31-day December: -3
  EXPECT_FALSE(Contains(freeze, At("UTC", 2027, 2, 27, 12, 0)));  // another year
  EXPECT_TRUE(Contains(freeze, At("UTC", 2031, 3, 1, 5, 0)));     // the second interval
  EXPECT_FALSE(Contains(freeze, At("UTC", 2026, 4, 1, 5, 0)));
}

TEST(TimeInterval, AnIntervalWithoutFieldsMatchesAlways) {
  auto parsed = Parse("time_intervals:\n  - name: always\n    time_intervals: [{}]\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(Contains((*parsed)[0], At("UTC", 2026, 6, 1, 3, 0)));
}

TEST(TimeInterval, ErrorsNameTheLineAndWhatIsWrong) {
  auto bad_day =
      Parse("time_intervals:\n  - name: x\n    time_intervals:\n      - weekdays: [funday]\n");
  EXPECT_THAT(bad_day.status().message(), HasSubstr("collector.yaml:4:"));
  EXPECT_THAT(bad_day.status().message(), HasSubstr("\"funday\" is not a weekday"));

  auto wraps = Parse(
      "time_intervals:\n  - name: x\n    time_intervals:\n"
      "      - times: [{start_time: \"22:00\", end_time: \"06:00\"}]\n");
  EXPECT_THAT(wraps.status().message(), HasSubstr("later than start_time"));

  auto bad_time = Parse(
      "time_intervals:\n  - name: x\n    time_intervals:\n"
      "      - times: [{start_time: \"9\", end_time: \"24:01\"}]\n");
  EXPECT_THAT(bad_time.status().message(), HasSubstr("HH:MM"));

  auto zone =
      Parse("time_intervals:\n  - name: x\n    time_intervals:\n      - location: Mars/Olympus\n");
  EXPECT_THAT(zone.status().message(), HasSubstr("not a time zone"));

  auto zero = Parse(
      "time_intervals:\n  - name: x\n    time_intervals:\n      - days_of_month: [\"0:5\"]\n");
  EXPECT_THAT(zero.status().message(), HasSubstr("not a day of the month"));

  auto twice = Parse("time_intervals:\n  - name: x\n  - name: x\n");
  EXPECT_THAT(twice.status().message(), HasSubstr("used twice"));
}

}  // namespace
}  // namespace nightjar::collector::alerting
