// Suspension with backoff of hooks that keep failing, driven by a fake clock: when an instance
// is suspended, for how long, what is skipped meanwhile, and how it shows in stats, metrics and
// the log.
#include "plugin_host/failure_backoff.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "base/logging.h"
#include "plugin_host/plugin_host.h"
#include "plugin_test_support.h"
#include "runtime/clock.h"
#include "runtime/metrics.h"

namespace nightjar::plugins {
namespace {

using std::chrono::seconds;
using testing::Contains;

constexpr int64_t kSecond = 1'000'000'000;

TEST(FailureBackoff, SuspendsAfterConsecutiveFailuresAndDoublesUpToMax) {
  FailureBackoff backoff(SuspendPolicy{3, seconds(10), seconds(25)});
  EXPECT_EQ(backoff.OnFailure(0), std::nullopt);
  backoff.OnSuccess();  // a success in between resets the count
  EXPECT_EQ(backoff.OnFailure(1), std::nullopt);
  EXPECT_EQ(backoff.OnFailure(2), std::nullopt);
  EXPECT_EQ(backoff.OnFailure(3), Duration(seconds(10)));
  EXPECT_TRUE(backoff.SuspendedAt(3 + 10 * kSecond - 1));
  EXPECT_FALSE(backoff.SuspendedAt(3 + 10 * kSecond));
  // On probation: the next failure suspends at once, twice as long, capped at max.
  EXPECT_EQ(backoff.OnFailure(20 * kSecond), Duration(seconds(20)));
  EXPECT_EQ(backoff.OnFailure(50 * kSecond), Duration(seconds(25)));
  EXPECT_EQ(backoff.OnFailure(80 * kSecond), Duration(seconds(25)));
  backoff.OnSuccess();
  EXPECT_FALSE(backoff.SuspendedAt(80 * kSecond));
  EXPECT_EQ(backoff.OnFailure(90 * kSecond), std::nullopt);
  EXPECT_EQ(backoff.consecutive_failures(), 1u);
}

TEST(FailureBackoff, ZeroAfterFailuresNeverSuspends) {
  FailureBackoff backoff(SuspendPolicy{0, seconds(10), seconds(10)});
  for (int i = 0; i < 100; ++i) EXPECT_EQ(backoff.OnFailure(i), std::nullopt);
  EXPECT_EQ(backoff.consecutive_failures(), 100u);
}

// Captures log lines for the test's lifetime.
class LogCapture {
 public:
  LogCapture() {
    log::SetSinkForTesting([this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.emplace_back(line);
    });
  }
  ~LogCapture() { log::SetSinkForTesting(nullptr); }
  // Returns how many captured lines contain `part`.
  size_t Count(std::string_view part) {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t n = 0;
    for (const std::string& line : lines_) n += Contains(line, part) ? 1 : 0;
    return n;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

class PluginSuspension : public ::testing::Test {
 protected:
  void SetUp() override {
    PluginHostConfig config = testing::OneInstance(testing::FixturePath("good"), "fixture",
                                                   testing::Scalars({{"word", "w"}}), "flaky");
    config.suspend = SuspendPolicy{3, seconds(10), seconds(25)};
    host_ = PluginHost::Start(config, PluginHostServices{&clock_, &registry_});
    ASSERT_TRUE(host_->has_classifiers());
  }

  // Returns true when the instance ran and added its label.
  bool Runs(const std::string& body) {
    return testing::Label(host_->Classify(testing::Record(body), {}), "fixture.word").has_value();
  }

  InstanceStats Stats() { return host_->Stats().at(0).instances.at(0); }

  bool MetricsSay(const std::string& line) { return Contains(registry_.Render(), line + "\n"); }

  FakeClock clock_;
  metrics::Registry registry_;
  std::unique_ptr<PluginHost> host_;
};

TEST_F(PluginSuspension, SuspendsAHookThatKeepsFailingAndResumesWithBackoff) {
  LogCapture log;
  EXPECT_FALSE(Runs("fail"));
  EXPECT_FALSE(Runs("fail"));
  EXPECT_EQ(Stats().state, "running");
  EXPECT_EQ(Stats().consecutive_failures, 2u);
  EXPECT_EQ(Stats().error, "asked to fail");
  EXPECT_EQ(log.Count("classify failed"), 1u);  // only the first failure of a streak is logged

  EXPECT_FALSE(Runs("fail"));  // the third in a row suspends
  EXPECT_EQ(log.Count("classify failed 3 times in a row; will suspend it for 10s"), 1u);
  InstanceStats s = Stats();
  EXPECT_EQ(s.state, "suspended");
  EXPECT_EQ(s.suspensions, 1u);
  EXPECT_EQ(s.suspended_until_unix_nano, clock_.NowUnixNanos() + 10 * kSecond);
  EXPECT_TRUE(MetricsSay("nightjar_plugin_suspended{plugin=\"fixture\",instance=\"flaky\"} 1"));

  // Suspended: calls are skipped, not made.
  EXPECT_FALSE(Runs("fine"));
  clock_.Advance(seconds(9));
  EXPECT_FALSE(Runs("fine"));
  s = Stats();
  EXPECT_EQ(s.calls, 3u);
  EXPECT_EQ(s.skipped, 2u);
  EXPECT_EQ(s.errors, 3u);
  EXPECT_TRUE(MetricsSay("nightjar_plugin_skipped_total{plugin=\"fixture\",instance=\"flaky\"} 2"));
  EXPECT_TRUE(MetricsSay("nightjar_plugin_errors_total{plugin=\"fixture\",instance=\"flaky\"} 3"));

  // After the suspension one more failure suspends again at once, for twice as long...
  clock_.Advance(seconds(1));
  EXPECT_FALSE(Runs("fail"));
  EXPECT_EQ(log.Count("will suspend it for 20s"), 1u);
  clock_.Advance(seconds(19));
  EXPECT_FALSE(Runs("fine"));
  clock_.Advance(seconds(1));
  EXPECT_FALSE(Runs("fail"));
  EXPECT_EQ(log.Count("will suspend it for 25s"), 1u);  // ...capped at max
  EXPECT_EQ(Stats().suspensions, 3u);

  // A success ends it all: running, and the next single failure does not suspend.
  clock_.Advance(seconds(25));
  EXPECT_TRUE(Runs("fine"));
  s = Stats();
  EXPECT_EQ(s.state, "running");
  EXPECT_EQ(s.consecutive_failures, 0u);
  EXPECT_TRUE(MetricsSay("nightjar_plugin_suspended{plugin=\"fixture\",instance=\"flaky\"} 0"));
  EXPECT_FALSE(Runs("fail"));
  EXPECT_EQ(Stats().state, "running");
  EXPECT_TRUE(
      MetricsSay("nightjar_plugin_suspensions_total{plugin=\"fixture\",instance=\"flaky\"} 3"));
}

TEST_F(PluginSuspension, TheSuspendedGaugeFollowsTheClockWhenStatsAreRead) {
  for (int i = 0; i < 3; ++i) Runs("fail");
  EXPECT_TRUE(MetricsSay("nightjar_plugin_suspended{plugin=\"fixture\",instance=\"flaky\"} 1"));
  clock_.Advance(seconds(10));
  // No call since the suspension ended; looking at the stats refreshes the gauge.
  EXPECT_EQ(Stats().state, "running");
  EXPECT_TRUE(MetricsSay("nightjar_plugin_suspended{plugin=\"fixture\",instance=\"flaky\"} 0"));
}

TEST(PluginSuspensionNotifier, ASuspendedNotifierAsksToRetryWhenItResumes) {
  FakeClock clock;
  PluginHostConfig config =
      testing::OneInstance(testing::FixturePath("notifier"), "fixture_notifier",
                           testing::Scalars({{"word", "w"}}), "pager");
  config.suspend = SuspendPolicy{2, seconds(30), seconds(60)};
  auto host = PluginHost::Start(config, PluginHostServices{&clock, nullptr});
  Notification broken;
  broken.group_key = "error";
  auto first = host->Notify("pager", broken);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->kind, NotifyOutcome::Kind::kRetryLater);
  EXPECT_EQ(first->message, "the notifier plugin failed: notifier broke");
  ASSERT_TRUE(host->Notify("pager", broken).ok());  // second failure: suspended for 30 s
  clock.Advance(seconds(12));
  Notification fine;
  fine.group_key = "ok";
  auto skipped = host->Notify("pager", fine);
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(skipped->kind, NotifyOutcome::Kind::kRetryLater);
  EXPECT_EQ(skipped->retry_after, seconds(18));
  clock.Advance(seconds(18));
  auto delivered = host->Notify("pager", fine);
  ASSERT_TRUE(delivered.ok());
  EXPECT_EQ(delivered->kind, NotifyOutcome::Kind::kDelivered);
}

}  // namespace
}  // namespace nightjar::plugins
