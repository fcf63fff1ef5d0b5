// Sliding window counts; see sliding_window.h.
#include "rules/sliding_window.h"

#include <algorithm>

namespace nightjar::collector::rules {

SlidingWindow::SlidingWindow(Duration window, size_t max_label_sets)
    : window_(std::max<int64_t>(window.count(), 1'000'000)),
      slice_(std::max<int64_t>(window_ / 60, 1'000'000)),
      max_label_sets_(max_label_sets) {}

bool SlidingWindow::Live(int64_t slice, int64_t now) const {
  return (slice + 1) * slice_ > now - window_;
}

const SlidingWindow::Entry* SlidingWindow::Add(const alerting::Labels& labels, int64_t time,
                                               int64_t now, std::optional<double> value) {
  time = std::min(time, now);
  int64_t slice = time / slice_;
  if (!Live(slice, now)) return nullptr;
  auto it = entries_.find(labels);
  if (it == entries_.end()) {
    if (entries_.size() >= max_label_sets_) {
      ++dropped_;
      return nullptr;
    }
    it = entries_.emplace(labels, Entry{}).first;
  }
  Entry& e = it->second;
  // Records mostly arrive in time order; a late one goes into its own slice's place.
  auto pos = std::lower_bound(e.slices.begin(), e.slices.end(), slice,
                              [](const auto& s, int64_t k) { return s.first < k; });
  if (pos != e.slices.end() && pos->first == slice) {
    ++pos->second;
  } else {
    e.slices.insert(pos, {slice, 1});
  }
  ++e.count;
  if (value) e.last_value = value;
  return &e;
}

void SlidingWindow::Expire(int64_t now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    Entry& e = it->second;
    while (!e.slices.empty() && !Live(e.slices.front().first, now)) {
      e.count -= e.slices.front().second;
      e.slices.pop_front();
    }
    it = e.slices.empty() ? entries_.erase(it) : std::next(it);
  }
}

}  // namespace nightjar::collector::rules
