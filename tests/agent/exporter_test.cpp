// Tests of the exporter against a real HTTP receiver: acknowledgement removes batches; 503 with
// Retry-After, 429 and network failures are retried; other statuses drop the batch and count
// it; partial success is counted; gzip and JSON are spoken; shutdown cuts a hung request; a
// hand-over lets the request in flight end.
#include "exporter/otlp_exporter.h"

#include <gtest/gtest.h>

#include <thread>

#include "otlp/codec.h"
#include "pipeline/batch_builder.h"
#include "pipeline/gzip_compressor.h"
#include "runtime/sqlite.h"
#include "runtime/tls_context.h"
#include "temp_dir.h"
#include "test_certificates.h"
#include "test_receiver.h"

namespace nightjar::agent {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::TestReceiver;

TestReceiver::Reply Reply(int status, std::string retry_after = "", int64_t rejected = 0,
                          std::string message = "", milliseconds delay = milliseconds(0)) {
  TestReceiver::Reply r;
  r.status = status;
  r.retry_after = std::move(retry_after);
  r.rejected = rejected;
  r.message = std::move(message);
  r.delay = delay;
  return r;
}

constexpr milliseconds kWait = seconds(20);

class ExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(receiver_.Start().ok());
    QueueOptions q;
    q.path = dir_ / "queue.db";
    auto queue = PersistentQueue::Open(q);
    ASSERT_TRUE(queue.ok()) << queue.status().ToString();
    queue_ = std::move(*queue);
  }
  void TearDown() override {
    if (exporter_) exporter_->Stop(Clock::System().MonotonicNanos());
  }

  // Commits a batch of `n` records "<tag> i".
  void Enqueue(const std::string& tag, int n, bool gzip = false) {
    BatchBuilder builder(BatchLimits{});
    int resource = 0;
    std::vector<std::string> bodies;
    for (int i = 0; i < n; ++i) bodies.push_back(tag + " " + std::to_string(i));
    for (const std::string& body : bodies) {
      otlp::LogRecordView r;
      r.body = otlp::AnyValueView::String(body);
      r.observed_time_unix_nano = 1;
      builder.Add(&resource, {}, r, 0);
    }
    CommitRequest request;
    request.records = static_cast<uint32_t>(n);
    request.body = builder.Finish();
    if (gzip) {
      request.body = GzipCompressor(1).Compress(request.body);
      request.gzip = true;
    }
    ASSERT_TRUE(queue_->Commit(request).ok());
    if (exporter_) exporter_->Notify();
  }

  // Commits a metrics batch of one gauge, "<name>", with `n` points valued 0..n-1.
  void EnqueueMetrics(const std::string& name, int n, bool gzip = false) {
    otlp::MetricsData data;
    otlp::Metric& metric =
        data.resource_metrics.emplace_back().scope_metrics.emplace_back().metrics.emplace_back();
    metric.name = name;
    metric.unit = "1";
    otlp::Gauge gauge;
    for (int i = 0; i < n; ++i) {
      otlp::NumberDataPoint p;
      p.time_unix_nano = 1'700'000'000'000'000'000;
      p.value = static_cast<double>(i);
      p.attributes = {{"i", static_cast<int64_t>(i)}};
      gauge.data_points.push_back(p);
    }
    metric.data = gauge;
    CommitRequest request;
    request.signal = otlp::Signal::kMetrics;
    request.records = static_cast<uint32_t>(n);
    request.body = otlp::EncodeMetrics(data, otlp::Encoding::kProtobuf);
    if (gzip) {
      request.body = GzipCompressor(1).Compress(request.body);
      request.gzip = true;
    }
    ASSERT_TRUE(queue_->Commit(request).ok());
    if (exporter_) exporter_->Notify();
  }

  void StartExporter(ExporterOptions options = {}) {
    options.endpoint = receiver_.endpoint();
    options.retry.initial_interval = milliseconds(20);
    options.retry.max_interval = milliseconds(200);
    options.timeout = seconds(5);
    auto exporter = OtlpExporter::Create(options, queue_.get(), &metrics_);
    ASSERT_TRUE(exporter.ok()) << exporter.status().ToString();
    exporter_ = std::move(*exporter);
    exporter_->Start();
  }

  // A request the receiver holds for 3 s is cut by a Stop() with 200 ms to go, and its batch,
  // not acknowledged, stays queued for the next start.
  void ExpectStopCutsAHungRequest(const ExporterOptions& options) {
    receiver_.SetDefault(Reply(200, "", 0, "", milliseconds(3000)));
    Enqueue("slow", 1);
    StartExporter(options);
    ASSERT_TRUE(receiver_.WaitUntil([&] { return metrics_.records_sent.Value() >= 1; }, kWait));
    auto start = std::chrono::steady_clock::now();
    exporter_->Stop(Clock::System().MonotonicNanos() + 200'000'000);
    exporter_.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
    EXPECT_EQ(queue_->batches(), 1u);
  }

  bool WaitForEmptyQueue() {
    return receiver_.WaitUntil([&] { return queue_->batches() == 0; }, kWait);
  }

  testing::TempDir dir_;
  TestReceiver receiver_;
  metrics::Registry registry_;
  AgentMetrics metrics_{&registry_};
  std::unique_ptr<PersistentQueue> queue_;
  std::unique_ptr<OtlpExporter> exporter_;
};

TEST_F(ExporterTest, RemovesBatchesOnlyOnceAcknowledged) {
  Enqueue("a", 3);
  Enqueue("b", 2);
  StartExporter();
  ASSERT_TRUE(WaitForEmptyQueue());
  auto records = receiver_.Records();
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[0].body, "a 0");
  EXPECT_EQ(records[4].body, "b 1");
  EXPECT_EQ(metrics_.records_acked.Value(), 5);
  EXPECT_EQ(metrics_.records_sent.Value(), 5);
  EXPECT_EQ(metrics_.Requests("200").Value(), 2);
  // The default is compressed protobuf.
  EXPECT_EQ(receiver_.Requests()[0].content_encoding, "gzip");
  EXPECT_EQ(receiver_.Requests()[0].content_type, "application/x-protobuf");
}

TEST_F(ExporterTest, HonoursRetryAfterOn503ThenDelivers) {
  receiver_.Script(Reply(503, "1"));
  Enqueue("x", 4);
  StartExporter();
  ASSERT_TRUE(WaitForEmptyQueue());
  auto requests = receiver_.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].status, 503);
  // Retry-After: 1 second, not the 20 ms backoff.
  EXPECT_GE(requests[1].at - requests[0].at, milliseconds(950));
  EXPECT_EQ(receiver_.record_count(), 4u);
  EXPECT_EQ(metrics_.records_retried.Value(), 4);
  EXPECT_EQ(metrics_.records_acked.Value(), 4);
}

TEST_F(ExporterTest, RetryAfterAsAnHttpDate) {
  // A date two seconds ahead, in IMF-fixdate.
  time_t at = time(nullptr) + 2;
  tm tm{};
  gmtime_r(&at, &tm);
  char date[64];
  strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  receiver_.Script(Reply(429, date));
  Enqueue("x", 1);
  StartExporter();
  ASSERT_TRUE(WaitForEmptyQueue());
  auto requests = receiver_.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_GE(requests[1].at - requests[0].at, milliseconds(900));
}

TEST_F(ExporterTest, RetriesWithBackoffWhileTheCollectorIsDown) {
  Enqueue("x", 2);
  receiver_.Stop();
  StartExporter();
  // Attempts fail on the network and are counted; nothing is lost.
  ASSERT_TRUE(
      receiver_.WaitUntil([&] { return metrics_.Requests("network").Value() >= 3; }, kWait));
  EXPECT_EQ(queue_->batches(), 1u);
  EXPECT_GT(metrics_.exporter_backoff.Value(), 0);
  ASSERT_TRUE(receiver_.Start().ok());  // same port
  ASSERT_TRUE(WaitForEmptyQueue());
  EXPECT_EQ(receiver_.record_count(), 2u);
  EXPECT_EQ(metrics_.exporter_backoff.Value(), 0);
}

TEST_F(ExporterTest, DropsAndCountsWhatTheCollectorRefusesForGood) {
  receiver_.Script(Reply(400, "", 0, "bad data"));
  Enqueue("refused", 3);
  Enqueue("ok", 2);
  StartExporter();
  ASSERT_TRUE(WaitForEmptyQueue());
  EXPECT_EQ(metrics_.records_failed.Value(), 3);
  EXPECT_EQ(metrics_.Requests("400").Value(), 1);
  auto records = receiver_.Records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].body, "ok 0");
}

TEST_F(ExporterTest, CountsPartialSuccessRejections) {
  receiver_.Script(Reply(200, "", 2, "two were too old"));
  Enqueue("p", 5);
  StartExporter();
  ASSERT_TRUE(WaitForEmptyQueue());
  EXPECT_EQ(metrics_.records_rejected.Value(), 2);
  EXPECT_EQ(metrics_.records_acked.Value(), 3);
  EXPECT_EQ(receiver_.record_count(), 3u);
}

TEST_F(ExporterTest, SpeaksJsonAndUncompressedWhenConfigured) {
  Enqueue("stored-compressed", 2, /*gzip=*/true);
  Enqueue("stored-plain", 1);
  ExporterOptions options;
  options.encoding = otlp::Encoding::kJson;
  options.gzip = false;
  StartExporter(options);
  ASSERT_TRUE(WaitForEmptyQueue());
  auto requests = receiver_.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].content_type, "application/json");
  EXPECT_EQ(requests[0].content_encoding, "");
  auto records = receiver_.Records();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].body, "stored-compressed 1");
  EXPECT_EQ(records[2].body, "stored-plain 0");
}

TEST_F(ExporterTest, CompressesBatchesStoredUncompressed) {
  Enqueue("plain", 2);
  StartExporter();  // gzip by default
  ASSERT_TRUE(WaitForEmptyQueue());
  EXPECT_EQ(receiver_.Requests()[0].content_encoding, "gzip");
  EXPECT_EQ(receiver_.record_count(), 2u);
}

TEST_F(ExporterTest, StopCutsAHungRequestAndKeepsItsBatch) { ExpectStopCutsAHungRequest({}); }

TEST_F(ExporterTest, HandOverLetsTheRequestInFlightEndAndSendsNothingMore) {
  // A reload hands the queue to a new exporter: the old one's request must end normally, or a
  // batch the collector already stored would be sent again by the new one.
  receiver_.SetDefault(Reply(200, "", 0, "", milliseconds(500)));
  Enqueue("first", 3);
  Enqueue("second", 3);
  Enqueue("third", 3);
  StartExporter();
  ASSERT_TRUE(receiver_.WaitUntil([&] { return metrics_.records_sent.Value() >= 3; }, kWait));
  exporter_->HandOver(Clock::System().MonotonicNanos() + 10'000'000'000);
  exporter_.reset();
  ASSERT_EQ(receiver_.Requests().size(), 1u);
  EXPECT_EQ(receiver_.Requests()[0].status, 200);
  EXPECT_EQ(receiver_.record_count(), 3u);
  EXPECT_EQ(queue_->batches(), 2u);  // acknowledged and removed; the rest is the successor's
}

TEST_F(ExporterTest, StopFlushesWhatIsQueuedWithinTheGracePeriod) {
  StartExporter();
  for (int i = 0; i < 5; ++i) Enqueue("late" + std::to_string(i), 10);
  exporter_->Stop(Clock::System().MonotonicNanos() + 10'000'000'000);
  exporter_.reset();
  EXPECT_EQ(queue_->batches(), 0u);
  EXPECT_EQ(receiver_.record_count(), 50u);
}

TEST_F(ExporterTest, PostsMetricsToV1MetricsAndLogsToV1LogsInQueueOrder) {
  Enqueue("before", 2);
  EnqueueMetrics("system.cpu.utilization", 5, /*gzip=*/true);
  Enqueue("after", 1);
  StartExporter();
  ASSERT_TRUE(WaitForEmptyQueue());
  EXPECT_EQ(exporter_->metrics_url(), receiver_.endpoint() + "/v1/metrics");
  auto requests = receiver_.Requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].path, "/v1/logs");
  EXPECT_EQ(requests[1].path, "/v1/metrics");
  EXPECT_EQ(requests[1].records, 5u);
  EXPECT_EQ(requests[1].content_type, "application/x-protobuf");
  EXPECT_EQ(requests[1].content_encoding, "gzip");
  EXPECT_EQ(requests[2].path, "/v1/logs");
  auto metrics = receiver_.Metrics();
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_EQ(metrics[0].resource_metrics[0].scope_metrics[0].metrics[0].name,
            "system.cpu.utilization");
  EXPECT_EQ(receiver_.point_count(), 5u);
  // Points and records are counted apart.
  EXPECT_EQ(metrics_.points_sent.Value(), 5);
  EXPECT_EQ(metrics_.points_acked.Value(), 5);
  EXPECT_EQ(metrics_.records_sent.Value(), 3);
  EXPECT_EQ(metrics_.records_acked.Value(), 3);
}

TEST_F(ExporterTest, RetriesMetricsLikeLogs) {
  receiver_.Script(Reply(503, "0"), 2);
  EnqueueMetrics("m", 4);
  StartExporter();
  ASSERT_TRUE(WaitForEmptyQueue());
  EXPECT_EQ(metrics_.points_retried.Value(), 8);
  EXPECT_EQ(metrics_.points_acked.Value(), 4);
  EXPECT_EQ(metrics_.records_retried.Value(), 0);
  EXPECT_EQ(receiver_.point_count(), 4u);
}

TEST_F(ExporterTest, CountsRefusedAndRejectedPoints) {
  receiver_.Script(Reply(400, "", 0, "bad metric"));
  receiver_.Script(Reply(200, "", 3, "three too old"));
  EnqueueMetrics("refused", 2);
  EnqueueMetrics("partly", 10);
  StartExporter();
  ASSERT_TRUE(WaitForEmptyQueue());
  EXPECT_EQ(metrics_.points_failed.Value(), 2);
  EXPECT_EQ(metrics_.points_rejected.Value(), 3);
  EXPECT_EQ(metrics_.points_acked.Value(), 7);
  EXPECT_EQ(metrics_.records_failed.Value(), 0);
  EXPECT_EQ(metrics_.records_rejected.Value(), 0);
}

TEST_F(ExporterTest, SpeaksJsonForMetrics) {
  EnqueueMetrics("json.metric", 3, /*gzip=*/true);
  ExporterOptions options;
  options.encoding = otlp::Encoding::kJson;
  options.gzip = false;
  StartExporter(options);
  ASSERT_TRUE(WaitForEmptyQueue());
  auto requests = receiver_.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/metrics");
  EXPECT_EQ(requests[0].content_type, "application/json");
  EXPECT_EQ(requests[0].content_encoding, "");
  auto metrics = receiver_.Metrics();
  ASSERT_EQ(metrics.size(), 1u);
  const otlp::Metric& m = metrics[0].resource_metrics[0].scope_metrics[0].metrics[0];
  EXPECT_EQ(m.name, "json.metric");
  ASSERT_EQ(m.type(), otlp::MetricType::kGauge);
  EXPECT_EQ(std::get<double>(std::get<otlp::Gauge>(m.data).data_points[2].value), 2.0);
}

TEST_F(ExporterTest, DropsABatchOfAnUnknownSignalAndGoesOn) {
  Enqueue("first", 1);
  queue_.reset();
  {
    auto db = sqlite::Database::Open(dir_ / "queue.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("UPDATE batches SET signal = 'profiles'").ok());
  }
  QueueOptions q;
  q.path = dir_ / "queue.db";
  auto reopened = PersistentQueue::Open(q);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  queue_ = std::move(*reopened);
  Enqueue("second", 1);
  StartExporter();
  ASSERT_TRUE(WaitForEmptyQueue());
  EXPECT_EQ(metrics_.records_failed.Value(), 1);
  auto records = receiver_.Records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].body, "second 0");
}

TEST(HttpSender, RefusesUrlsItCannotServe) {
  EXPECT_FALSE(HttpSender::Create("ftp://x", "/v1/logs", seconds(1), {}).ok());
  EXPECT_FALSE(HttpSender::Create("not a url", "/v1/logs", seconds(1), {}).ok());
  auto sender = HttpSender::Create("http://collector:4318", "/v1/logs", seconds(1), {});
  ASSERT_TRUE(sender.ok());
  EXPECT_EQ((*sender)->url(), "http://collector:4318/v1/logs");
  auto custom = HttpSender::Create("http://c:80/otlp/v1/logs", "/v1/logs", seconds(1), {});
  ASSERT_TRUE(custom.ok());
  EXPECT_EQ((*custom)->url(), "http://c:80/otlp/v1/logs");
  auto https = HttpSender::Create("https://collector", "/v1/logs", seconds(1), {});
  ASSERT_TRUE(https.ok()) << https.status().ToString();
  EXPECT_EQ((*https)->url(), "https://collector:443/v1/logs");
}

// The exporter over HTTPS: a receiver with a test CA's certificate, trusted through ca_file.
class ExporterTlsTest : public ExporterTest {
 protected:
  void SetUp() override {
    certs_ = nightjar::testing::MakeTestCertificates(dir_.path());
    ASSERT_EQ(certs_.error, "");
    Result<Poco::Net::Context::Ptr> context =
        MakeServerContext({certs_.cert_file, certs_.key_file, ""});
    ASSERT_TRUE(context.ok()) << context.status().ToString();
    receiver_.SetTls(*context);
    ExporterTest::SetUp();
  }

  ExporterOptions Trusting(const std::string& ca_file) const {
    ExporterOptions options;
    options.tls.ca_file = ca_file;
    return options;
  }

  nightjar::testing::TestCertificates certs_;
};

TEST_F(ExporterTlsTest, DeliversLogsAndMetricsOverHttps) {
  Enqueue("secure", 3, /*gzip=*/true);
  EnqueueMetrics("secure.gauge", 2);
  StartExporter(Trusting(certs_.ca_file));
  ASSERT_TRUE(WaitForEmptyQueue());
  EXPECT_EQ(receiver_.Records().size(), 3u);
  EXPECT_EQ(metrics_.points_acked.Value(), 2);
}

TEST_F(ExporterTlsTest, KeepsEverythingQueuedWhileItCannotVerifyTheCollector) {
  Enqueue("untrusted", 2);
  StartExporter(Trusting(certs_.other_ca_file));
  ASSERT_TRUE(receiver_.WaitUntil([&] { return metrics_.records_retried.Value() >= 2; }, kWait));
  EXPECT_EQ(receiver_.record_count(), 0u);
  EXPECT_EQ(queue_->batches(), 1u);
}

// A TLS connection is cut without an orderly TLS shutdown, which would race the blocked read.
TEST_F(ExporterTlsTest, StopCutsAHungHttpsRequestAndKeepsItsBatch) {
  ExpectStopCutsAHungRequest(Trusting(certs_.ca_file));
}

}  // namespace
}  // namespace nightjar::agent
