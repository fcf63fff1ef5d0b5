// zscore: an anomaly detector plugin scoring each point by a rolling robust z-score.
//
// For every series it keeps the last `window` values. Once `warmup` values are in, a new point
// x is scored against them as |x - median| / (1.4826 * MAD), the median absolute deviation
// scaled so that the score reads like a z-score for normally distributed data, but is not
// dragged by the outliers it is looking for. When more than half the window is one value the
// MAD is 0; the mean absolute deviation (scaled by 1.2533) stands in, and `min_scale` puts a
// floor under both so that a perfectly flat series does not turn every tiny change into an
// alarm. A point is anomalous when its score reaches `threshold` in the watched `direction`.
// The point then joins the window, anomalous or not: a lasting level shift becomes the new
// normal after about half a window.
//
// Memory: at most `max_series` series (least recently seen are forgotten first), each holding
// 2 * window doubles.
//
// Thread-safety: an instance keeps per-series state and is not thread-safe; the host
// serialises its calls.
#include <nightjar/plugin.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using nightjar::sdk::Context;
using nightjar::sdk::Detection;
using nightjar::sdk::MetricPoint;
using nightjar::sdk::Option;

// Scores are capped so that a deviation from a zero spread stays a finite number.
constexpr double kMaxScore = 1e6;
// Scale factors that make MAD and mean absolute deviation estimate a normal sigma.
constexpr double kMadToSigma = 1.4826;
constexpr double kMeanAdToSigma = 1.2533;

// The last `window` values of one series, in arrival order (ring) and sorted.
class Window {
 public:
  explicit Window(size_t capacity) : capacity_(capacity) {
    ring_.reserve(capacity);
    sorted_.reserve(capacity);
  }

  size_t size() const { return sorted_.size(); }

  void Add(double x) {
    if (ring_.size() < capacity_) {
      ring_.push_back(x);
    } else {
      double old = ring_[next_];
      sorted_.erase(std::lower_bound(sorted_.begin(), sorted_.end(), old));
      ring_[next_] = x;
      next_ = (next_ + 1) % capacity_;
    }
    sorted_.insert(std::upper_bound(sorted_.begin(), sorted_.end(), x), x);
  }

  double Median() const {
    size_t n = sorted_.size();
    return n % 2 == 1 ? sorted_[n / 2] : (sorted_[n / 2 - 1] + sorted_[n / 2]) / 2;
  }

  // Returns the median of |v - median| by merging outward from the median: the deviations to
  // its left and right are each already sorted, so the k-th smallest needs no sort.
  double Mad(double median) const {
    size_t n = sorted_.size();
    auto right = std::lower_bound(sorted_.begin(), sorted_.end(), median) - sorted_.begin();
    ptrdiff_t left = right - 1;
    size_t need_low = (n - 1) / 2;  // index of the lower median deviation
    double low = 0;
    double high = 0;
    for (size_t k = 0; k <= n / 2; ++k) {
      double d;
      bool take_right = left < 0 || (static_cast<size_t>(right) < n &&
                                     sorted_[right] - median <= median - sorted_[left]);
      if (take_right) {
        d = sorted_[right++] - median;
      } else {
        d = median - sorted_[left--];
      }
      if (k == need_low) low = d;
      if (k == n / 2) high = d;
    }
    return n % 2 == 1 ? low : (low + high) / 2;
  }

  double MeanAbsoluteDeviation(double median) const {
    double sum = 0;
    for (double v : sorted_) sum += std::fabs(v - median);
    return sorted_.empty() ? 0 : sum / static_cast<double>(sorted_.size());
  }

 private:
  size_t capacity_;
  std::vector<double> ring_;
  std::vector<double> sorted_;
  size_t next_ = 0;
};

class ZScoreDetector : public nightjar::sdk::Detector {
 public:
  static constexpr nightjar::sdk::PluginInfo kInfo{
      "zscore", "1.0.0",
      "Flags points far from the rolling median of their series, in robust z-scores (MAD)."};
  static constexpr Option kOptions[] = {
      Option::Int("window", "120", "Points per series the median and MAD are computed over.")
          .Range(8, 100000),
      Option::Int("warmup", "30", "Points a series needs before it is scored.").Range(3, 100000),
      Option::Double("threshold", "3.5", "Score at which a point is anomalous.").Range(0.1, 1e6),
      Option::String("direction", "both", "Which deviations count: both, up or down.")
          .Choices("both|up|down"),
      Option::Double("min_scale", "0",
                     "Floor under the spread (in the metric's unit), so that flat series do "
                     "not flag tiny changes.")
          .Range(0, 1e300),
      Option::Int("max_series", "10000",
                  "Series remembered at once; the least recently seen are forgotten first.")
          .Range(1, 10000000),
  };

  explicit ZScoreDetector(const Context& context)
      : window_(static_cast<size_t>(context.options().Int("window"))),
        warmup_(static_cast<size_t>(context.options().Int("warmup"))),
        threshold_(context.options().Double("threshold")),
        min_scale_(context.options().Double("min_scale")),
        max_series_(static_cast<size_t>(context.options().Int("max_series"))) {
    if (warmup_ > window_) {
      throw nightjar::sdk::Error("warmup (" + std::to_string(warmup_) +
                                 ") must not exceed window (" + std::to_string(window_) + ")");
    }
    std::string direction = context.options().String("direction");
    up_ = direction != "down";
    down_ = direction != "up";
  }

  void Detect(const MetricPoint& point, Detection& result) override {
    double x = point.value();
    if (!std::isfinite(x)) return;  // NaN marks a gap (staleness); it neither scores nor counts
    Window& window = SeriesWindow(point.series_id());
    if (window.size() >= warmup_) Score(window, x, result);
    window.Add(x);
  }

 private:
  struct Entry {
    Window window;
    std::list<uint64_t>::iterator lru;
  };

  Window& SeriesWindow(uint64_t id) {
    auto it = series_.find(id);
    if (it != series_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      return it->second.window;
    }
    if (series_.size() >= max_series_) {
      series_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(id);
    return series_.emplace(id, Entry{Window(window_), lru_.begin()}).first->second.window;
  }

  void Score(const Window& window, double x, Detection& result) const {
    double median = window.Median();
    double scale = kMadToSigma * window.Mad(median);
    if (scale == 0) scale = kMeanAdToSigma * window.MeanAbsoluteDeviation(median);
    scale = std::max(scale, min_scale_);
    double deviation = x - median;
    double score = 0;
    if (deviation != 0)
      score = scale > 0 ? std::min(std::fabs(deviation) / scale, kMaxScore) : kMaxScore;
    result.SetScore(score);
    bool watched = deviation > 0 ? up_ : down_;
    if (score < threshold_ || !watched) return;
    char reason[160];
    std::snprintf(reason, sizeof(reason),
                  "value %.6g is %.1f MADs %s the median %.6g of the last %zu points", x, score,
                  deviation > 0 ? "above" : "below", median, window.size());
    result.SetAnomalous(reason);
  }

  size_t window_;
  size_t warmup_;
  double threshold_;
  double min_scale_;
  size_t max_series_;
  bool up_ = true;
  bool down_ = true;
  std::unordered_map<uint64_t, Entry> series_;
  std::list<uint64_t> lru_;  // most recently seen first
};

}  // namespace

NJ_PLUGIN(ZScoreDetector)
