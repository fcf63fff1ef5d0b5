// A scraper reads one family of host metrics (cpu, memory, ...) from /proc and /sys under a
// root path and appends them, in OTLP's model, to the metrics of one collection.
//
// Scrapers keep what they need from one collection to the next (e.g. CPU times, to compute
// utilization), so each belongs to one thread: the host metrics thread, or a test.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "inputs/host_metrics/semconv.h"
#include "otlp/model.h"

namespace nightjar::agent::host_metrics {

// What every scraper needs to know about one collection.
struct ScrapeContext {
  std::string root = "/";        // the host's file system root
  uint64_t now_unix_nanos = 0;   // the points' time
  uint64_t boot_unix_nanos = 0;  // the start time of cumulative sums
};

class Scraper {
 public:
  virtual ~Scraper() = default;
  // Returns the family's name as in the configuration ("cpu", "memory", ...).
  virtual std::string_view name() const = 0;
  // Appends this family's metrics to `out`. A failure leaves `out` as it was.
  virtual Status Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) = 0;
};

// Builds the metrics of one scrape: one Metric per spec, points added to it in call order;
// Finish() leaves out the metrics that got no point.
class MetricsBuilder {
 public:
  explicit MetricsBuilder(const ScrapeContext& context) : context_(context) {}

  // Adds a point with an integer value (converted when the spec says double).
  void Add(const MetricSpec& spec, otlp::Attributes attributes, int64_t value);
  // Adds a point with a double value.
  void AddDouble(const MetricSpec& spec, otlp::Attributes attributes, double value);

  // Appends the metrics built to `out`.
  void Finish(std::vector<otlp::Metric>* out);

 private:
  otlp::NumberDataPoint& NewPoint(const MetricSpec& spec, otlp::Attributes attributes);

  const ScrapeContext& context_;
  std::vector<otlp::Metric> metrics_;
};

}  // namespace nightjar::agent::host_metrics
