// Tests of the host metrics input with the real persistent queue: a collection becomes one
// metrics batch (OTLP/protobuf, gzip as configured) with the host's resource; a failing scraper
// leaves out only its own metrics; a full queue drops a collection and counts it; the thread
// collects at start and then every interval.
#include "inputs/host_metrics/host_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "host_metrics_testing.h"
#include "otlp/codec.h"
#include "otlp/gzip.h"
#include "queue/persistent_queue.h"
#include "temp_dir.h"

namespace nightjar::agent::host_metrics {
namespace {

using ::testing::HasSubstr;

std::string Fixture() { return std::string(NJ_AGENT_FIXTURES) + "/host"; }

class HostMetricsInputTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenQueue(1 << 20); }

  void OpenQueue(uint64_t max_bytes) {
    queue_.reset();
    QueueOptions q;
    q.path = dir_ / "queue.db";
    q.max_bytes = max_bytes;
    auto queue = PersistentQueue::Open(q);
    ASSERT_TRUE(queue.ok()) << queue.status().ToString();
    queue_ = std::move(*queue);
  }

  std::unique_ptr<HostMetricsInput> Make(HostMetricsOptions options, int gzip_level = 0) {
    auto input =
        HostMetricsInput::Create(std::move(options), {{"host.name", "fixture"}, {"env", "test"}},
                                 queue_.get(), gzip_level, &metrics_, &clock_);
    EXPECT_TRUE(input.ok()) << input.status().ToString();
    return input.ok() ? std::move(*input) : nullptr;
  }

  // Returns the front batch's request, decoded.
  otlp::MetricsData FrontMetrics(QueuedBatch* batch_out = nullptr) {
    auto front = queue_->Front();
    EXPECT_TRUE(front.ok() && front->has_value());
    if (!front.ok() || !front->has_value()) return {};
    const QueuedBatch& batch = **front;
    EXPECT_EQ(batch.signal, otlp::Signal::kMetrics);
    std::string body = *batch.body;
    if (batch.gzip) body = *otlp::GzipDecompress(body, 64 << 20);
    auto data = otlp::DecodeMetrics(body, otlp::Encoding::kProtobuf);
    EXPECT_TRUE(data.ok()) << data.status().ToString();
    if (batch_out != nullptr) *batch_out = batch;
    return data.ok() ? *data : otlp::MetricsData{};
  }

  testing::TempDir dir_;
  metrics::Registry registry_;
  AgentMetrics metrics_{&registry_};
  FakeClock clock_{1'800'000'000'000'000'000};
  std::unique_ptr<PersistentQueue> queue_;
};

TEST_F(HostMetricsInputTest, StoresACollectionAsOneMetricsBatchWithTheHostResource) {
  HostMetricsOptions options;
  options.root_path = Fixture();
  options.scrapers = {"memory", "load", "paging"};
  auto input = Make(options, /*gzip_level=*/1);
  ASSERT_NE(input, nullptr);
  EXPECT_EQ(input->boot_unix_nanos(), 1'700'000'000ull * 1'000'000'000ull);
  ASSERT_TRUE(input->CollectAndStore().ok());
  EXPECT_EQ(queue_->batches(), 1u);
  QueuedBatch batch;
  otlp::MetricsData data = FrontMetrics(&batch);
  EXPECT_TRUE(batch.gzip);
  // 6 + 6 + 1 memory, 3 load, 4 + 4 + 4 + 2 paging points.
  EXPECT_EQ(batch.records, 30u);
  EXPECT_EQ(otlp::CountDataPoints(data), 30u);
  EXPECT_EQ(queue_->records(), 30u);
  ASSERT_EQ(data.resource_metrics.size(), 1u);
  const auto& rm = data.resource_metrics[0];
  const otlp::AnyValue* host = otlp::FindAttribute(rm.resource.attributes, "host.name");
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->string_value(), "fixture");
  ASSERT_EQ(rm.scope_metrics.size(), 3u);
  EXPECT_EQ(rm.scope_metrics[0].scope.name, "nightjar-agent/hostmetrics/memory");
  EXPECT_EQ(rm.scope_metrics[1].scope.name, "nightjar-agent/hostmetrics/load");
  EXPECT_EQ(rm.scope_metrics[2].scope.name, "nightjar-agent/hostmetrics/paging");
  auto all = testing::AllMetrics(data);
  EXPECT_DOUBLE_EQ(*testing::Value(all, "system.cpu.load_average.15m"), 2.75);
  // The points carry the collection's time.
  EXPECT_EQ(testing::PointsOf(*testing::FindMetric(all, "system.memory.usage"))[0].time_unix_nano,
            static_cast<uint64_t>(clock_.NowUnixNanos()));
  EXPECT_EQ(metrics_.host_metrics_points.Value(), 30);
  EXPECT_EQ(metrics_.host_metrics_collections.Value(), 1);
}

TEST_F(HostMetricsInputTest, AFailingScraperLeavesOutOnlyItsOwnMetrics) {
  // A root with /proc/stat only: cpu and processes work, memory and load do not.
  testing::TempDir root;
  std::filesystem::create_directories(root.path() + "/proc");
  std::filesystem::copy_file(Fixture() + "/proc/stat", root.path() + "/proc/stat");
  HostMetricsOptions options;
  options.root_path = root.path();
  options.scrapers = {"cpu", "memory", "load"};
  auto input = Make(options);
  ASSERT_NE(input, nullptr);
  otlp::MetricsData data = input->Collect();
  auto all = testing::AllMetrics(data);
  EXPECT_NE(testing::FindMetric(all, "system.cpu.time"), nullptr);
  EXPECT_EQ(testing::FindMetric(all, "system.memory.usage"), nullptr);
  EXPECT_EQ(metrics_.ScrapeErrors("memory").Value(), 1);
  EXPECT_EQ(metrics_.ScrapeErrors("load").Value(), 1);
  EXPECT_EQ(metrics_.ScrapeErrors("cpu").Value(), 0);
  input->Collect();
  EXPECT_EQ(metrics_.ScrapeErrors("memory").Value(), 2);
}

TEST_F(HostMetricsInputTest, ARootWithoutProcStatIsRefusedAtStart) {
  HostMetricsOptions options;
  options.root_path = dir_ / "nothing-here";
  auto input = HostMetricsInput::Create(options, {}, queue_.get(), 0, &metrics_, &clock_);
  ASSERT_FALSE(input.ok());
  EXPECT_THAT(input.status().ToString(), HasSubstr("host_metrics.root_path"));
  EXPECT_THAT(input.status().ToString(), HasSubstr("nothing-here/proc/stat"));
}

TEST_F(HostMetricsInputTest, AFullQueueDropsTheCollectionAndCountsIt) {
  OpenQueue(4096);
  CommitRequest logs;
  logs.body = std::string(4000, 'x');
  logs.records = 1;
  ASSERT_TRUE(queue_->Commit(logs).ok());
  HostMetricsOptions options;
  options.root_path = Fixture();
  options.scrapers = {"memory"};
  auto input = Make(options);
  ASSERT_NE(input, nullptr);
  ASSERT_TRUE(input->CollectAndStore().ok());
  EXPECT_EQ(queue_->batches(), 1u);  // only the logs batch
  EXPECT_EQ(metrics_.host_metrics_points_dropped.Value(), 13);
  // Once there is room again, collections are stored.
  ASSERT_TRUE(queue_->Remove((*queue_->Front())->id).ok());
  ASSERT_TRUE(input->CollectAndStore().ok());
  EXPECT_EQ(queue_->batches(), 1u);
  FrontMetrics();
}

TEST_F(HostMetricsInputTest, TheThreadCollectsAtStartAndThenEveryInterval) {
  HostMetricsOptions options;
  options.root_path = Fixture();
  options.scrapers = {"load"};
  options.collection_interval = std::chrono::seconds(10);
  auto input = Make(options);
  ASSERT_NE(input, nullptr);
  input->Start();
  auto wait_for_batches = [&](uint64_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (queue_->batches() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return queue_->batches();
  };
  EXPECT_EQ(wait_for_batches(1), 1u);
  // The fake clock stands still: no second collection until it moves by the interval. Once the
  // thread has seen the clock 9 s on (its heartbeat says so), there is still one batch.
  clock_.Advance(std::chrono::seconds(9));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (input->heartbeat_nanos() < clock_.MonotonicNanos() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(input->heartbeat_nanos(), clock_.MonotonicNanos());
  EXPECT_EQ(queue_->batches(), 1u);
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(wait_for_batches(2), 2u);
  input->Stop();
  EXPECT_EQ(metrics_.host_metrics_collections.Value(), 2);
}

TEST_F(HostMetricsInputTest, ContainersAreResourcesBesideTheHost) {
  HostMetricsOptions options;
  options.root_path = Fixture();
  options.scrapers = {"load", "containers"};
  auto input = Make(options);
  ASSERT_NE(input, nullptr);
  ASSERT_TRUE(input->CollectAndStore().ok());
  otlp::MetricsData data = FrontMetrics();
  ASSERT_EQ(data.resource_metrics.size(), 4u);  // the host and three containers
  EXPECT_EQ(data.resource_metrics[0].scope_metrics[0].scope.name,
            "nightjar-agent/hostmetrics/load");
  for (size_t i = 1; i < 4; ++i) {
    const auto& rm = data.resource_metrics[i];
    // The host's attributes first, then the container's.
    EXPECT_EQ(otlp::FindAttribute(rm.resource.attributes, "host.name")->string_value(), "fixture");
    EXPECT_NE(otlp::FindAttribute(rm.resource.attributes, "container.id"), nullptr);
    EXPECT_EQ(rm.scope_metrics[0].scope.name, "nightjar-agent/hostmetrics/containers");
  }
  EXPECT_EQ(metrics_.ScrapeErrors("containers").Value(), 0);
}

TEST(HostMetricsResource, ReadsTheHostsNameAndIdUnderARoot) {
  testing::TempDir root;
  std::filesystem::create_directories(root.path() + "/etc");
  std::ofstream(root.path() + "/etc/hostname") << "the-host\n";
  std::ofstream(root.path() + "/etc/machine-id") << "0123456789abcdef0123456789abcdef\n";
  auto resource = HostMetricsResource(root.path(), {{"deployment.environment", "prod"}});
  EXPECT_THAT(resource, ::testing::UnorderedElementsAre(
                            std::pair<std::string, std::string>("host.name", "the-host"),
                            std::pair<std::string, std::string>("host.id",
                                                                "0123456789abcdef0123456789abcdef"),
                            std::pair<std::string, std::string>("os.type", "linux"),
                            std::pair<std::string, std::string>("deployment.environment", "prod")));
}

}  // namespace
}  // namespace nightjar::agent::host_metrics
