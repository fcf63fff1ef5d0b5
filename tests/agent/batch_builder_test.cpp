// Tests of batch building: bounds on records, bytes and age; one ResourceLogs per run of records
// of the same input; recycled buffers; compression.
#include "pipeline/batch_builder.h"

#include <gtest/gtest.h>

#include "otlp/codec.h"
#include "otlp/gzip.h"
#include "pipeline/buffer_pool.h"
#include "pipeline/gzip_compressor.h"

namespace nightjar::agent {
namespace {

otlp::LogRecordView Record(std::string_view body) {
  otlp::LogRecordView r;
  r.body = otlp::AnyValueView::String(body);
  r.observed_time_unix_nano = 1;
  return r;
}

TEST(BatchBuilder, FullAtTheRecordBound) {
  BatchBuilder builder(BatchLimits{3, 1 << 20, std::chrono::seconds(1)});
  int resource = 0;
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(builder.full());
    builder.Add(&resource, {}, Record("x"), 0);
  }
  EXPECT_TRUE(builder.full());
  EXPECT_EQ(builder.records(), 3u);
}

TEST(BatchBuilder, FullAtTheByteBound) {
  BatchBuilder builder(BatchLimits{1000, 100, std::chrono::seconds(1)});
  int resource = 0;
  builder.Add(&resource, {}, Record(std::string(60, 'a')), 0);
  EXPECT_FALSE(builder.full());
  builder.Add(&resource, {}, Record(std::string(60, 'b')), 0);
  EXPECT_TRUE(builder.full());
}

TEST(BatchBuilder, AgeCountsFromTheFirstRecord) {
  BatchBuilder builder(BatchLimits{1000, 1 << 20, std::chrono::milliseconds(200)});
  int resource = 0;
  EXPECT_TRUE(builder.empty());
  builder.Add(&resource, {}, Record("x"), 5'000'000);
  builder.Add(&resource, {}, Record("y"), 9'000'000);
  EXPECT_EQ(builder.deadline_nanos(), 205'000'000);
}

TEST(BatchBuilder, GroupsConsecutiveRecordsOfAResource) {
  BatchBuilder builder(BatchLimits{});
  const otlp::KeyValueView app[] = {{"service.name", otlp::AnyValueView::String("app")}};
  const otlp::KeyValueView db[] = {{"service.name", otlp::AnyValueView::String("db")}};
  builder.Add(&app, app, Record("a1"), 0);
  builder.Add(&app, app, Record("a2"), 0);
  builder.Add(&db, db, Record("d1"), 0);
  builder.Add(&app, app, Record("a3"), 0);
  std::string body = builder.Finish();
  EXPECT_TRUE(builder.empty());
  auto logs = otlp::DecodeLogs(body, otlp::Encoding::kProtobuf);
  ASSERT_TRUE(logs.ok()) << logs.status().ToString();
  ASSERT_EQ(logs->resource_logs.size(), 3u);
  EXPECT_EQ(logs->resource_logs[0].scope_logs[0].log_records.size(), 2u);
  EXPECT_EQ(logs->resource_logs[1].resource.attributes[0].value, otlp::AnyValue("db"));
  EXPECT_EQ(logs->resource_logs[2].scope_logs[0].log_records[0].body, otlp::AnyValue("a3"));
}

TEST(BatchBuilder, ReusesPooledBuffers) {
  auto pool = BufferPool::Create(2, 1024, 1 << 22);
  BatchBuilder builder(BatchLimits{1000, 4096, std::chrono::seconds(1)}, pool);
  int resource = 0;
  builder.Add(&resource, {}, Record("first"), 0);
  std::string first = builder.Finish();
  const char* address = first.data();
  pool->Give(std::move(first));
  builder.Add(&resource, {}, Record("second"), 0);
  std::string second = builder.Finish();
  EXPECT_EQ(second.data(), address);  // the same allocation, recycled
  auto logs = otlp::DecodeLogs(second, otlp::Encoding::kProtobuf);
  ASSERT_TRUE(logs.ok());
  EXPECT_EQ(otlp::CountLogRecords(*logs), 1u);
}

TEST(BatchBuilder, SharedBuffersReturnToThePoolWhenReleased) {
  auto pool = BufferPool::Create(1, 16, 1 << 20);
  std::string buffer;
  buffer.reserve(64);
  const char* address = buffer.data();
  {
    std::shared_ptr<const std::string> shared = pool->Share(std::move(buffer));
    EXPECT_TRUE(pool->Take().capacity() < 16);  // still in use: the pool has none idle
  }
  EXPECT_EQ(pool->Take().data(), address);
}

TEST(GzipCompressor, ProducesStandardGzip) {
  GzipCompressor compressor(1);
  std::string data;
  for (int i = 0; i < 1000; ++i) data += "line " + std::to_string(i) + " of a log\n";
  std::string compressed = compressor.Compress(data);
  EXPECT_LT(compressed.size(), data.size() / 3);
  EXPECT_EQ(compressed.capacity() < data.size(), true);  // exact size, not the worst case
  auto plain = otlp::GzipDecompress(compressed, 1 << 20);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, data);
  std::string reused;
  compressor.Compress("", &reused);
  EXPECT_EQ(*otlp::GzipDecompress(reused, 10), "");
}

}  // namespace
}  // namespace nightjar::agent
