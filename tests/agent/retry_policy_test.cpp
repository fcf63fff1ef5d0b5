// Tests of the export retry rules: which statuses retry, backoff growth and jitter, Retry-After.
#include "exporter/retry_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nightjar::agent {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::Optional;

constexpr int64_t kNow = 1'445'412'480'000'000'000;  // Wed, 21 Oct 2015 07:28:00 GMT

TEST(RetryPolicy, RetriesOnlyWhatOtlpSaysToRetry) {
  for (int status : {429, 502, 503, 504}) EXPECT_TRUE(IsRetryableStatus(status)) << status;
  for (int status : {200, 400, 401, 403, 404, 413, 500, 501}) {
    EXPECT_FALSE(IsRetryableStatus(status)) << status;
  }
}

TEST(RetryPolicy, BackoffGrowsExponentiallyUpToTheCap) {
  RetryOptions options;
  options.initial_interval = milliseconds(100);
  options.max_interval = milliseconds(800);
  options.multiplier = 2;
  options.jitter = 0;
  Backoff backoff(options, 1);
  EXPECT_EQ(backoff.Next(), milliseconds(100));
  EXPECT_EQ(backoff.Next(), milliseconds(200));
  EXPECT_EQ(backoff.Next(), milliseconds(400));
  EXPECT_EQ(backoff.Next(), milliseconds(800));
  EXPECT_EQ(backoff.Next(), milliseconds(800));
  backoff.Reset();
  EXPECT_EQ(backoff.Next(), milliseconds(100));
}

TEST(RetryPolicy, JitterSpreadsWaitsWithinItsBounds) {
  RetryOptions options;
  options.initial_interval = seconds(1);
  options.multiplier = 1;
  options.jitter = 0.5;
  Backoff backoff(options, 42);
  Duration lowest = seconds(10);
  Duration highest{0};
  for (int i = 0; i < 1000; ++i) {
    Duration d = backoff.Next();
    lowest = std::min(lowest, d);
    highest = std::max(highest, d);
    ASSERT_GE(d, milliseconds(500));
    ASSERT_LE(d, milliseconds(1500));
  }
  // The draws really spread (agents coming back do not hit the collector in step).
  EXPECT_LT(lowest, milliseconds(600));
  EXPECT_GT(highest, milliseconds(1400));
}

TEST(RetryPolicy, RetryAfterInSeconds) {
  EXPECT_THAT(ParseRetryAfter("120", kNow), Optional(Duration(seconds(120))));
  EXPECT_THAT(ParseRetryAfter(" 0 ", kNow), Optional(Duration(seconds(0))));
}

TEST(RetryPolicy, RetryAfterAsAnHttpDateInAllThreeForms) {
  EXPECT_THAT(ParseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", kNow),
              Optional(Duration(seconds(30))));
  EXPECT_THAT(ParseRetryAfter("Wednesday, 21-Oct-15 07:29:00 GMT", kNow),
              Optional(Duration(seconds(60))));
  EXPECT_THAT(ParseRetryAfter("Wed Oct 21 07:28:05 2015", kNow), Optional(Duration(seconds(5))));
  // A date in the past means "now".
  EXPECT_THAT(ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", kNow), Optional(Duration(0)));
}

TEST(RetryPolicy, MalformedRetryAfterIsIgnored) {
  EXPECT_EQ(ParseRetryAfter("", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-5", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("1.5", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("Wed, 32 Oct 2015 07:28:30 GMT", kNow), std::nullopt);
}

}  // namespace
}  // namespace nightjar::agent
