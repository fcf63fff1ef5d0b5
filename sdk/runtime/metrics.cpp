// Prometheus metrics; see metrics.h.
#include "runtime/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace nightjar::metrics {
namespace {

void AppendNumber(std::string* out, double v) {
  if (std::isnan(v)) {
    out->append("NaN");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
  } else if (v == std::floor(v) && std::fabs(v) < 1e15) {
    out->append(std::to_string(static_cast<int64_t>(v)));
  } else {
    // The shortest text that reads back as the same double: 0.0025, not 0.0025000000000000001.
    char buf[32];
    auto result = std::to_chars(buf, buf + sizeof(buf), v);
    out->append(buf, result.ptr);
  }
}

// Label values escape backslash, double quote and newline (exposition format 0.0.4).
void AppendLabelValue(std::string* out, const std::string& v) {
  for (char c : v) {
    if (c == '\\')
      out->append("\\\\");
    else if (c == '"')
      out->append("\\\"");
    else if (c == '\n')
      out->append("\\n");
    else
      out->push_back(c);
  }
}

void AppendHelp(std::string* out, const std::string& help) {
  for (char c : help) {
    if (c == '\\')
      out->append("\\\\");
    else if (c == '\n')
      out->append("\\n");
    else
      out->push_back(c);
  }
}

void AppendLabels(std::string* out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, const char* extra_name = nullptr,
                  const std::string& extra_value = {}) {
  if (names.empty() && extra_name == nullptr) return;
  out->push_back('{');
  bool first = true;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (!first) out->push_back(',');
    first = false;
    out->append(names[i]);
    out->append("=\"");
    AppendLabelValue(out, values[i]);
    out->push_back('"');
  }
  if (extra_name != nullptr) {
    if (!first) out->push_back(',');
    out->append(extra_name);
    out->append("=\"");
    out->append(extra_value);
    out->push_back('"');
  }
  out->push_back('}');
}

void AppendHeader(std::string* out, const std::string& name, const std::string& help,
                  const char* type) {
  out->append("# HELP ").append(name).push_back(' ');
  AppendHelp(out, help);
  out->append("\n# TYPE ").append(name).append(" ").append(type).push_back('\n');
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double v) {
  size_t i =
      static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::BucketCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  for (size_t i = 0; i < out.size(); ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

std::vector<double> LatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Family<Counter>& Registry::Counter(const std::string& name, const std::string& help,
                                   std::vector<std::string> labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry& e = entries_[name];
  if (!e.counter) {
    e.type = Type::kCounter;
    e.counter = std::make_unique<Family<metrics::Counter>>(
        name, help, std::move(labels), [] { return std::make_unique<metrics::Counter>(); });
  }
  return *e.counter;
}

Family<Gauge>& Registry::Gauge(const std::string& name, const std::string& help,
                               std::vector<std::string> labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry& e = entries_[name];
  if (!e.gauge) {
    e.type = Type::kGauge;
    e.gauge = std::make_unique<Family<metrics::Gauge>>(
        name, help, std::move(labels), [] { return std::make_unique<metrics::Gauge>(); });
  }
  return *e.gauge;
}

Family<Histogram>& Registry::Histogram(const std::string& name, const std::string& help,
                                       std::vector<std::string> labels,
                                       std::vector<double> bounds) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry& e = entries_[name];
  if (!e.histogram) {
    e.type = Type::kHistogram;
    e.histogram = std::make_unique<Family<metrics::Histogram>>(
        name, help, std::move(labels),
        [bounds] { return std::make_unique<metrics::Histogram>(bounds); });
  }
  return *e.histogram;
}

void Registry::GaugeFunction(const std::string& name, const std::string& help,
                             std::function<double()> value) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry& e = entries_[name];
  e.type = Type::kGauge;
  e.help = help;
  e.function = std::move(value);
}

std::string Registry::Render() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [name, e] : entries_) {
    if (e.function) {
      AppendHeader(&out, name, e.help, "gauge");
      out.append(name).push_back(' ');
      AppendNumber(&out, e.function());
      out.push_back('\n');
    } else if (e.counter) {
      AppendHeader(&out, name, e.counter->help(), "counter");
      e.counter->ForEach([&](const std::vector<std::string>& values, const metrics::Counter& c) {
        out.append(name);
        AppendLabels(&out, e.counter->labels(), values);
        out.push_back(' ');
        AppendNumber(&out, c.Value());
        out.push_back('\n');
      });
    } else if (e.gauge) {
      AppendHeader(&out, name, e.gauge->help(), "gauge");
      e.gauge->ForEach([&](const std::vector<std::string>& values, const metrics::Gauge& g) {
        out.append(name);
        AppendLabels(&out, e.gauge->labels(), values);
        out.push_back(' ');
        AppendNumber(&out, g.Value());
        out.push_back('\n');
      });
    } else if (e.histogram) {
      AppendHeader(&out, name, e.histogram->help(), "histogram");
      e.histogram->ForEach(
          [&](const std::vector<std::string>& values, const metrics::Histogram& h) {
            std::vector<uint64_t> counts = h.BucketCounts();
            uint64_t cumulative = 0;
            for (size_t i = 0; i < counts.size(); ++i) {
              cumulative += counts[i];
              std::string le;
              if (i < h.bounds().size()) {
                AppendNumber(&le, h.bounds()[i]);
              } else {
                le = "+Inf";
              }
              out.append(name).append("_bucket");
              AppendLabels(&out, e.histogram->labels(), values, "le", le);
              out.push_back(' ');
              out.append(std::to_string(cumulative)).push_back('\n');
            }
            out.append(name).append("_sum");
            AppendLabels(&out, e.histogram->labels(), values);
            out.push_back(' ');
            AppendNumber(&out, h.Sum());
            out.push_back('\n');
            out.append(name).append("_count");
            AppendLabels(&out, e.histogram->labels(), values);
            out.push_back(' ');
            out.append(std::to_string(cumulative)).push_back('\n');
          });
    }
  }
  return out;
}

}  // namespace nightjar::metrics
