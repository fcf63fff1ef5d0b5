// Counting matches per label set over a sliding time window: what turns "a timeout line" into
// "more than 20 timeouts from one service in 5 minutes", and what lets such an alert clear
// when the lines stop.
//
// Matches are counted in 60 slices of window/60 each (at least 1 ms), so memory per label set
// is bounded whatever the rate. A match counts from its time until its slice has left the
// window: for between `window` and `window + window/60` (an alert clears at most a sixtieth of
// the window late, never early). Times are the records' indexed times; a time ahead of `now`
// counts as `now`, one already out of the window does not count.
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <utility>

#include "alerting/rule_evaluation.h"
#include "runtime/units.h"

namespace nightjar::collector::rules {

class SlidingWindow {
 public:
  struct Entry {
    std::deque<std::pair<int64_t, int64_t>> slices;  // (slice index, matches), oldest first
    int64_t count = 0;
    std::optional<double> last_value;  // the value the last match gave, if any
  };

  SlidingWindow(Duration window, size_t max_label_sets);

  // Counts one match for `labels` at `time` (unix ns), as seen at `now`. Returns the entry, or
  // null when the match is outside the window or a new label set would exceed the limit.
  const Entry* Add(const alerting::Labels& labels, int64_t time, int64_t now,
                   std::optional<double> value);

  // Forgets slices that left the window at `now`, and label sets with no match left.
  void Expire(int64_t now);

  const std::map<alerting::Labels, Entry>& entries() const { return entries_; }
  Duration window() const { return Duration(window_); }
  // Returns how many matches were refused because of the label set limit.
  int64_t dropped() const { return dropped_; }

 private:
  bool Live(int64_t slice, int64_t now) const;

  int64_t window_;
  int64_t slice_;
  size_t max_label_sets_;
  std::map<alerting::Labels, Entry> entries_;
  int64_t dropped_ = 0;
};

}  // namespace nightjar::collector::rules
