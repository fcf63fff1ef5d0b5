// The process's own figures, in the Prometheus text exposition format (/metrics).
//
// A Registry owns metric families; a family owns one series per set of label values. Series
// are created on first use and live as long as the registry, so callers look them up once and
// keep the reference: updates are then single atomic operations on the hot path.
//
//   auto& requests = registry.Counter("nightjar_http_requests_total", "HTTP requests served.",
//                                     {"handler", "code"});
//   requests.With({"otlp_logs", "200"}).Inc();
//
// Thread-safety: everything here may be used from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace nightjar::metrics {

// A value that only goes up (resets only when the process restarts).
class Counter {
 public:
  void Inc(double v = 1) { value_.fetch_add(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Inc(double v = 1) { value_.fetch_add(v, std::memory_order_relaxed); }
  void Dec(double v = 1) { value_.fetch_sub(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into cumulative buckets with fixed upper bounds.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);

  const std::vector<double>& bounds() const { return bounds_; }
  // Returns the count in each bucket (not cumulative); the last one is +Inf.
  std::vector<uint64_t> BucketCounts() const;
  uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Bucket bounds in seconds suited to request and commit latencies (1 ms .. 10 s).
std::vector<double> LatencyBuckets();

enum class Type { kCounter, kGauge, kHistogram };

// One metric name with its help text, label names and series.
template <typename T>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> labels,
         std::function<std::unique_ptr<T>()> make)
      : name_(std::move(name)),
        help_(std::move(help)),
        labels_(std::move(labels)),
        make_(std::move(make)) {}

  // Returns the series for these label values (in the order of the label names), creating it
  // on first use. The reference stays valid for the registry's lifetime.
  T& With(const std::vector<std::string>& values) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& slot = series_[values];
    if (!slot) slot = make_();
    return *slot;
  }
  // Returns the series of a family without labels.
  T& Get() { return With({}); }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& labels() const { return labels_; }

  // Calls `fn(label_values, series)` for every series, in label order.
  template <typename Fn>
  void ForEach(Fn fn) const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [values, series] : series_) fn(values, *series);
  }

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> labels_;
  std::function<std::unique_ptr<T>()> make_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> series_;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Returns the family with this name, creating it on first call. Names must follow
  // Prometheus conventions (counters end in _total, units as suffixes like _seconds).
  Family<metrics::Counter>& Counter(const std::string& name, const std::string& help,
                                    std::vector<std::string> labels = {});
  Family<metrics::Gauge>& Gauge(const std::string& name, const std::string& help,
                                std::vector<std::string> labels = {});
  Family<metrics::Histogram>& Histogram(const std::string& name, const std::string& help,
                                        std::vector<std::string> labels = {},
                                        std::vector<double> bounds = LatencyBuckets());

  // Registers a gauge whose value is computed at each scrape (e.g. queue bytes, open files).
  void GaugeFunction(const std::string& name, const std::string& help,
                     std::function<double()> value);

  // Renders every family in the Prometheus text format, version 0.0.4.
  std::string Render() const;

 private:
  struct Entry {
    Type type;
    std::unique_ptr<Family<metrics::Counter>> counter;
    std::unique_ptr<Family<metrics::Gauge>> gauge;
    std::unique_ptr<Family<metrics::Histogram>> histogram;
    std::string help;
    std::function<double()> function;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

// Content-Type of Render()'s output.
inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace nightjar::metrics
