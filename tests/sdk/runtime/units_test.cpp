// Tests of duration and byte-size parsing.
#include "runtime/units.h"

#include <gtest/gtest.h>

namespace nightjar {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(Units, ParsesDurations) {
  EXPECT_EQ(ParseDuration("30s"), seconds(30));
  EXPECT_EQ(ParseDuration("250ms"), milliseconds(250));
  EXPECT_EQ(ParseDuration("1h30m"), minutes(90));
  EXPECT_EQ(ParseDuration("1.5s"), milliseconds(1500));
  EXPECT_EQ(ParseDuration("7d"), hours(168));
  EXPECT_EQ(ParseDuration("0"), Duration::zero());
  EXPECT_EQ(ParseDuration(""), std::nullopt);
  EXPECT_EQ(ParseDuration("30"), std::nullopt);
  EXPECT_EQ(ParseDuration("5 m"), std::nullopt);
  EXPECT_EQ(ParseDuration("5y"), std::nullopt);
  EXPECT_EQ(ParseDuration("-5s"), std::nullopt);
  EXPECT_EQ(ParseDuration("99999999999999d"), std::nullopt);
}

TEST(Units, FormatsDurationsBackToTheSameValue) {
  for (Duration d : {Duration(seconds(30)), Duration(minutes(90)), Duration(milliseconds(250)),
                     Duration(hours(49)), Duration(std::chrono::microseconds(7))}) {
    EXPECT_EQ(ParseDuration(FormatDuration(d)), d) << FormatDuration(d);
  }
  EXPECT_EQ(FormatDuration(minutes(90)), "1h30m");
  EXPECT_EQ(FormatDuration(Duration::zero()), "0s");
}

TEST(Units, ParsesByteSizes) {
  EXPECT_EQ(ParseByteSize("1048576"), 1048576u);
  EXPECT_EQ(ParseByteSize("64MiB"), 64u << 20);
  EXPECT_EQ(ParseByteSize("64mib"), 64u << 20);
  EXPECT_EQ(ParseByteSize("20MB"), 20'000'000u);
  EXPECT_EQ(ParseByteSize("1.5GiB"), 3ull << 29);
  EXPECT_EQ(ParseByteSize("512B"), 512u);
  EXPECT_EQ(ParseByteSize("lots"), std::nullopt);
  EXPECT_EQ(ParseByteSize("5 MB"), std::nullopt);
  EXPECT_EQ(FormatByteSize(64u << 20), "64MiB");
  EXPECT_EQ(FormatByteSize(1000), "1000B");
}

}  // namespace
}  // namespace nightjar
