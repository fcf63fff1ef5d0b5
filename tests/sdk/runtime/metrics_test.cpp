// Tests of the Prometheus registry and its text rendering.
#include "runtime/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

namespace nightjar::metrics {
namespace {

using ::testing::HasSubstr;

TEST(Metrics, RendersCountersGaugesAndHistograms) {
  Registry registry;
  auto& requests = registry.Counter("nightjar_http_requests_total", "HTTP requests served.",
                                    {"handler", "code"});
  requests.With({"otlp_logs", "200"}).Inc(3);
  requests.With({"otlp_logs", "503"}).Inc();
  registry.Gauge("nightjar_queue_bytes", "Bytes waiting in the queue.").Get().Set(4096);
  auto& latency =
      registry.Histogram("nightjar_commit_seconds", "Commit latency.", {}, {0.01, 0.1, 1});
  latency.Get().Observe(0.005);
  latency.Get().Observe(0.05);
  latency.Get().Observe(5);
  registry.GaugeFunction("nightjar_files_watched", "Files being tailed.", [] { return 7.0; });

  std::string text = registry.Render();
  EXPECT_THAT(text,
              HasSubstr("# HELP nightjar_http_requests_total HTTP requests served.\n"
                        "# TYPE nightjar_http_requests_total counter\n"
                        "nightjar_http_requests_total{handler=\"otlp_logs\",code=\"200\"} 3\n"
                        "nightjar_http_requests_total{handler=\"otlp_logs\",code=\"503\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE nightjar_queue_bytes gauge\nnightjar_queue_bytes 4096\n"));
  EXPECT_THAT(text, HasSubstr("nightjar_commit_seconds_bucket{le=\"0.01\"} 1\n"
                              "nightjar_commit_seconds_bucket{le=\"0.1\"} 2\n"
                              "nightjar_commit_seconds_bucket{le=\"1\"} 2\n"
                              "nightjar_commit_seconds_bucket{le=\"+Inf\"} 3\n"
                              "nightjar_commit_seconds_sum 5.055\n"
                              "nightjar_commit_seconds_count 3\n"));
  EXPECT_THAT(text, HasSubstr("nightjar_files_watched 7\n"));
}

TEST(Metrics, EscapesLabelValues) {
  Registry registry;
  registry.Counter("x_total", "Help with \\ and\nnewline.", {"path"}).With({"a\"b\\c\nd"}).Inc();
  std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("# HELP x_total Help with \\\\ and\\nnewline.\n"));
  EXPECT_THAT(text, HasSubstr("x_total{path=\"a\\\"b\\\\c\\nd\"} 1\n"));
}

TEST(Metrics, ConcurrentIncrementsAreNotLost) {
  Registry registry;
  Counter& counter = registry.Counter("c_total", "c").Get();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) counter.Inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter.Value(), 400000);
}

TEST(Metrics, SameNameReturnsTheSameFamily) {
  Registry registry;
  auto& a = registry.Counter("same_total", "x", {"k"});
  auto& b = registry.Counter("same_total", "x", {"k"});
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(&a.With({"v"}), &b.With({"v"}));
}

}  // namespace
}  // namespace nightjar::metrics
