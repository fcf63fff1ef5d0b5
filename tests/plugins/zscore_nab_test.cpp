// Evaluates the zscore detector on the labelled NAB series (../shared/data/nab) through the
// host, as the collector would run it, and prints precision and recall per series.
//
// Measures, honestly defined (simpler than NAB's own weighted score):
//   window recall    labelled windows with at least one flagged point inside / windows
//   event precision  flagged events (flags less than an hour apart merge) touching a window /
//                    events
//   point precision  flagged points inside a window / flagged points
//   false alarms/day events outside every window per day of data
// The assertions only guard against regressions below what the default settings reach today;
// docs/performance.md ("## Plugins") records the figures and what they mean.
#include <gtest/gtest.h>

#include <cstdio>

#include "nab_data.h"
#include "plugin_host/plugin_host.h"
#include "plugin_test_support.h"

namespace nightjar::plugins {
namespace {

struct Tally {
  size_t windows = 0;
  size_t windows_hit = 0;
  size_t flagged = 0;
  size_t flagged_in_window = 0;
  size_t events = 0;
  size_t events_in_window = 0;
  double days = 0;

  void Add(const Tally& t) {
    windows += t.windows;
    windows_hit += t.windows_hit;
    flagged += t.flagged;
    flagged_in_window += t.flagged_in_window;
    events += t.events;
    events_in_window += t.events_in_window;
    days += t.days;
  }
  double recall() const { return windows ? double(windows_hit) / double(windows) : 1; }
  double event_precision() const { return events ? double(events_in_window) / double(events) : 1; }
  double point_precision() const {
    return flagged ? double(flagged_in_window) / double(flagged) : 1;
  }
  double false_alarms_per_day() const {
    return days > 0 ? double(events - events_in_window) / days : 0;
  }
};

constexpr int64_t kEventGapSeconds = 3600;

Tally Evaluate(PluginHost& host, const testing::NabSeries& series, uint64_t id) {
  Tally t;
  t.windows = series.windows.size();
  t.days = double(series.times.back() - series.times.front()) / 86400.0;
  std::vector<bool> hit(series.windows.size(), false);
  int64_t last_flag = INT64_MIN;
  bool event_in_window = false;
  auto close_event = [&] {
    if (last_flag == INT64_MIN) return;
    ++t.events;
    if (event_in_window) ++t.events_in_window;
  };
  SeriesPoint point;
  point.metric_name = series.name;
  point.series_id = id;
  std::vector<Detection> out;
  for (size_t i = 0; i < series.values.size(); ++i) {
    point.time_unix_nano = series.times[i] * 1'000'000'000;
    point.value = series.values[i];
    host.Detect(point, &out);
    if (out.empty() || !out[0].anomalous) continue;
    int64_t time = series.times[i];
    bool inside = series.InWindow(time);
    ++t.flagged;
    if (inside) ++t.flagged_in_window;
    for (size_t w = 0; w < series.windows.size(); ++w) {
      if (time >= series.windows[w].first && time <= series.windows[w].second) hit[w] = true;
    }
    if (last_flag != INT64_MIN && time - last_flag <= kEventGapSeconds) {
      event_in_window = event_in_window || inside;
    } else {
      close_event();
      event_in_window = inside;
    }
    last_flag = time;
  }
  close_event();
  for (bool h : hit) t.windows_hit += h ? 1 : 0;
  return t;
}

// Runs the detector with `options` over every series, prints a table and returns the totals.
Tally RunNab(const std::vector<testing::NabSeries>& all, OptionInputs options,
             const std::string& title) {
  auto host = PluginHost::Start(
      testing::OneInstance(testing::PluginPath("zscore"), "zscore", std::move(options)));
  EXPECT_TRUE(host->problems().empty());
  std::printf("\nzscore on NAB, %s\n", title.c_str());
  std::printf("%-55s %7s %9s %9s %9s %8s\n", "series", "windows", "recall", "ev.prec", "pt.prec",
              "FA/day");
  Tally total;
  uint64_t id = 1;
  for (const testing::NabSeries& series : all) {
    Tally t = Evaluate(*host, series, id++);
    std::printf("%-55s %3zu/%-3zu %9.2f %9.2f %9.2f %8.2f\n", series.name.c_str(), t.windows_hit,
                t.windows, t.recall(), t.event_precision(), t.point_precision(),
                t.false_alarms_per_day());
    total.Add(t);
  }
  std::printf("%-55s %3zu/%-3zu %9.2f %9.2f %9.2f %8.2f\n", "all", total.windows_hit, total.windows,
              total.recall(), total.event_precision(), total.point_precision(),
              total.false_alarms_per_day());
  return total;
}

class ZScoreOnNab : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = testing::LoadNab(testing::SharedDataPath("nab"));
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    series_ = std::move(loaded).value();
    ASSERT_EQ(series_.size(), 6u);
  }
  std::vector<testing::NabSeries> series_;
};

TEST_F(ZScoreOnNab, DefaultSettingsFindMostLabelledWindows) {
  Tally t = RunNab(series_, {}, "defaults (window 120, warmup 30, threshold 3.5)");
  // Measured when written: 11/11 windows, event precision 0.085, 1.94 false alarms per day.
  EXPECT_EQ(t.windows, 11u);
  EXPECT_GE(t.windows_hit, 10u);
  EXPECT_GE(t.event_precision(), 0.07);
  EXPECT_LE(t.false_alarms_per_day(), 2.5);
}

TEST_F(ZScoreOnNab, AHigherThresholdTradesRecallForPrecision) {
  Tally loose = RunNab(series_, {}, "threshold 3.5");
  Tally strict =
      RunNab(series_, testing::Scalars({{"threshold", "8"}}), "threshold 8 (window 120)");
  EXPECT_LE(strict.windows_hit, loose.windows_hit);
  EXPECT_LT(strict.events, loose.events);
  EXPECT_GE(strict.event_precision(), loose.event_precision());
}

}  // namespace
}  // namespace nightjar::plugins
