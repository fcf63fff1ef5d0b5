// The zscore detector plugin (plugins/zscore), loaded from its .so through the host: its
// options, the robust score it computes, warm-up, direction, flat series, series isolation and
// its memory bound; a host started in place of another keeps its unchanged instances, with what
// they learned.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "plugin_host/plugin_host.h"
#include "plugin_test_support.h"
#include "runtime/metrics.h"

namespace nightjar::plugins {
namespace {

using testing::Contains;
using testing::Scalars;

std::unique_ptr<PluginHost> Start(OptionInputs options = {}) {
  return testing::StartInstance(testing::PluginPath("zscore"), "zscore", std::move(options));
}

std::string Problem(OptionInputs options) {
  return testing::InstanceRefusal(testing::PluginPath("zscore"), "zscore", std::move(options));
}

// Feeds one point of series `id` and returns the detection.
Detection Feed(PluginHost& host, double value, uint64_t id = 1) {
  SeriesPoint point;
  point.metric_name = "m";
  point.series_id = id;
  point.value = value;
  std::vector<Detection> out = host.Detect(point);
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? Detection{} : out[0];
}

// A deterministic noisy signal around `center` (amplitude ~1).
double Noise(int i, double center = 10) {
  return center + std::sin(i * 1.7) + 0.3 * std::cos(i * 0.3);
}

TEST(ZScoreOptions, AcceptsValidOptions) {
  Start(Scalars({{"window", "60"},
                 {"warmup", "10"},
                 {"threshold", "4.5"},
                 {"direction", "up"},
                 {"min_scale", "0.5"},
                 {"max_series", "100"}}));
}

TEST(ZScoreOptions, RefusesInvalidValuesAndUnknownKeys) {
  EXPECT_TRUE(Contains(Problem(Scalars({{"window", "4"}})),
                       "option \"window\": must be between 8 and 100000, got 4"));
  EXPECT_TRUE(Contains(Problem(Scalars({{"threshold", "high"}})),
                       "option \"threshold\": expected a number, got \"high\""));
  EXPECT_TRUE(
      Contains(Problem(Scalars({{"direction", "sideways"}})), "expected one of both, up, down"));
  EXPECT_TRUE(Contains(Problem(Scalars({{"treshold", "3"}})),
                       "option \"treshold\": unknown option (did you mean \"threshold\"?)"));
  EXPECT_TRUE(Contains(Problem(Scalars({{"window", "10"}, {"warmup", "20"}})),
                       "create failed: warmup (20) must not exceed window (10)"));
}

TEST(ZScoreScore, IsTheDistanceFromTheMedianInScaledMads) {
  // Odd window 1..9: median 5, MAD 2, so 20 scores 15 / (1.4826 * 2).
  auto odd = Start(Scalars({{"window", "9"}, {"warmup", "9"}, {"threshold", "3"}}));
  for (int v = 1; v <= 9; ++v) EXPECT_EQ(Feed(*odd, v).score, 0);
  Detection d = Feed(*odd, 20);
  EXPECT_NEAR(d.score, 15 / (1.4826 * 2), 1e-9);
  EXPECT_TRUE(d.anomalous);
  EXPECT_EQ(d.reason, "value 20 is 5.1 MADs above the median 5 of the last 9 points");
  // Even window 1..10: median 5.5, MAD (2.5 + 2.5) / 2.
  auto even = Start(Scalars({{"window", "10"}, {"warmup", "10"}, {"threshold", "3"}}));
  for (int v = 1; v <= 10; ++v) Feed(*even, v);
  EXPECT_NEAR(Feed(*even, 20).score, 14.5 / (1.4826 * 2.5), 1e-9);
}

TEST(ZScoreScore, StaysQuietDuringWarmupAndOnOrdinaryNoise) {
  auto host = Start(Scalars({{"window", "50"}, {"warmup", "20"}}));
  for (int i = 0; i < 20; ++i) {
    Detection d = Feed(*host, i == 5 ? 1000 : Noise(i));  // even a wild value during warm-up
    EXPECT_FALSE(d.anomalous) << i;
    EXPECT_EQ(d.score, 0) << i;
  }
  for (int i = 20; i < 300; ++i) EXPECT_FALSE(Feed(*host, Noise(i)).anomalous) << i;
  Detection spike = Feed(*host, 25);
  EXPECT_TRUE(spike.anomalous);
  EXPECT_TRUE(Contains(spike.reason, "above the median")) << spike.reason;
  Detection dip = Feed(*host, -5);
  EXPECT_TRUE(dip.anomalous);
  EXPECT_TRUE(Contains(dip.reason, "below the median")) << dip.reason;
}

TEST(ZScoreScore, WatchesOnlyTheConfiguredDirection) {
  auto up = Start(Scalars({{"direction", "up"}, {"warmup", "30"}}));
  auto down = Start(Scalars({{"direction", "down"}, {"warmup", "30"}}));
  for (int i = 0; i < 60; ++i) {
    Feed(*up, Noise(i));
    Feed(*down, Noise(i));
  }
  EXPECT_TRUE(Feed(*up, 30).anomalous);
  EXPECT_FALSE(Feed(*up, -10).anomalous);
  EXPECT_GT(Feed(*up, -10).score, 3.5);  // scored, just not flagged
  EXPECT_FALSE(Feed(*down, 30).anomalous);
  EXPECT_TRUE(Feed(*down, -10).anomalous);
}

TEST(ZScoreScore, FlatSeriesNeedAFloorUnderTheSpread) {
  auto bare = Start(Scalars({{"warmup", "10"}}));
  auto floored = Start(Scalars({{"warmup", "10"}, {"min_scale", "0.1"}}));
  for (int i = 0; i < 20; ++i) {
    Feed(*bare, 5.0);
    Feed(*floored, 5.0);
  }
  EXPECT_EQ(Feed(*bare, 5.0).score, 0);
  Detection tiny = Feed(*bare, 5.01);
  EXPECT_TRUE(tiny.anomalous);  // zero spread: any change is "infinitely" unusual...
  EXPECT_EQ(tiny.score, 1e6);   // ...capped at a finite score
  Detection floored_tiny = Feed(*floored, 5.01);
  EXPECT_FALSE(floored_tiny.anomalous);
  EXPECT_NEAR(floored_tiny.score, 0.1, 1e-9);
  EXPECT_TRUE(Feed(*floored, 6).anomalous);
}

TEST(ZScoreScore, AdaptsToALastingLevelShift) {
  auto host = Start(Scalars({{"window", "40"}, {"warmup", "20"}}));
  for (int i = 0; i < 100; ++i) Feed(*host, Noise(i, 10));
  EXPECT_TRUE(Feed(*host, Noise(100, 50)).anomalous);
  int flagged = 1;
  for (int i = 101; i < 200; ++i) flagged += Feed(*host, Noise(i, 50)).anomalous ? 1 : 0;
  EXPECT_LE(flagged, 21);  // about half a window, then the new level is normal
  EXPECT_FALSE(Feed(*host, Noise(200, 50)).anomalous);
}

TEST(ZScoreSeries, KeepsSeriesApartAndIgnoresGaps) {
  auto host = Start(Scalars({{"warmup", "10"}}));
  for (int i = 0; i < 50; ++i) {
    Feed(*host, Noise(i, 10), 1);
    Feed(*host, Noise(i, 10) * 20, 2);  // a much wider series
  }
  EXPECT_TRUE(Feed(*host, 30, 1).anomalous);
  EXPECT_FALSE(Feed(*host, 210, 2).anomalous);
  Detection gap = Feed(*host, std::numeric_limits<double>::quiet_NaN(), 1);
  EXPECT_FALSE(gap.anomalous);
  EXPECT_EQ(gap.score, 0);
  EXPECT_FALSE(Feed(*host, Noise(51, 10), 1).anomalous);

  // Without an id the host derives one per series from the name and attributes.
  otlp::Attributes a = {{"host", otlp::AnyValue("a")}};
  otlp::Attributes b = {{"host", otlp::AnyValue("b")}};
  SeriesPoint point;
  point.metric_name = "cpu";
  for (int i = 0; i < 50; ++i) {
    point.attributes = &a;
    point.value = Noise(i);
    host->Detect(point);
    point.attributes = &b;
    point.value = Noise(i) + 100;
    host->Detect(point);
  }
  point.attributes = &a;
  point.value = 110;
  EXPECT_TRUE(host->Detect(point).at(0).anomalous);
  point.attributes = &b;
  EXPECT_FALSE(host->Detect(point).at(0).anomalous);
}

TEST(ZScoreSeries, ForgetsTheLeastRecentlySeenSeriesBeyondMaxSeries) {
  auto host = Start(Scalars({{"warmup", "10"}, {"max_series", "2"}}));
  for (int i = 0; i < 20; ++i) Feed(*host, Noise(i), 1);
  for (int i = 0; i < 20; ++i) Feed(*host, Noise(i), 2);
  EXPECT_TRUE(Feed(*host, 100, 1).anomalous);             // 1 is remembered, and now most recent
  for (int i = 0; i < 20; ++i) Feed(*host, Noise(i), 3);  // evicts 2, the least recent
  EXPECT_TRUE(Feed(*host, 100, 1).anomalous);
  Detection forgotten = Feed(*host, 100, 2);  // 2 starts over: warming up again
  EXPECT_FALSE(forgotten.anomalous);
  EXPECT_EQ(forgotten.score, 0);
}

TEST(ZScoreReload, AnUnchangedInstanceKeepsWhatItLearnedAndAChangedOneStartsOver) {
  metrics::Registry registry;
  PluginHostServices services{&Clock::System(), &registry};
  OptionInputs learned = Scalars({{"window", "9"}, {"warmup", "9"}, {"threshold", "3"}});
  PluginHostConfig config = testing::OneInstance(testing::PluginPath("zscore"), "zscore", learned);
  std::unique_ptr<PluginHost> first = PluginHost::Start(config, services);
  for (int v = 1; v <= 9; ++v) Feed(*first, v);
  int64_t created = first->Stats()[0].instances[0].created_unix_nano;
  ASSERT_GT(created, 0);

  // The same configuration: the new host shares the instance, so 20 is scored against 1..9 at
  // once, even after the first host is gone.
  std::unique_ptr<PluginHost> second = PluginHost::Start(config, services, first.get());
  first.reset();
  Detection kept = Feed(*second, 20);
  EXPECT_TRUE(kept.anomalous);
  EXPECT_NEAR(kept.score, 15 / (1.4826 * 2), 1e-9);
  EXPECT_EQ(second->Stats()[0].instances[0].created_unix_nano, created);

  // Another threshold: a new instance, warming up again.
  PluginHostConfig changed =
      testing::OneInstance(testing::PluginPath("zscore"), "zscore",
                           Scalars({{"window", "9"}, {"warmup", "9"}, {"threshold", "4"}}));
  std::unique_ptr<PluginHost> third = PluginHost::Start(changed, services, second.get());
  second.reset();
  Detection fresh = Feed(*third, 20);
  EXPECT_FALSE(fresh.anomalous);
  EXPECT_EQ(fresh.score, 0);
  EXPECT_GT(third->Stats()[0].instances[0].created_unix_nano, created);

  // A host keeping a private registry shares nothing (the instance's counters live in it).
  std::unique_ptr<PluginHost> own = PluginHost::Start(changed, {}, third.get());
  EXPECT_NE(own->Stats()[0].instances[0].created_unix_nano,
            third->Stats()[0].instances[0].created_unix_nano);
}

}  // namespace
}  // namespace nightjar::plugins
