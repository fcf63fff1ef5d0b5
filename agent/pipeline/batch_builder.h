// Building one OTLP logs request from records as they are read, bounded by record count, bytes
// and age: the unit the queue stores and the exporter sends.
//
// Records of consecutive calls with the same resource share one ResourceLogs; a change of
// resource (another input) starts a new one. Encoding happens as records arrive (with the fast
// wire writer), so a finished batch is ready to store and send as is.
//
// Thread-safety: used by the tail thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "otlp/logs_proto_writer.h"
#include "pipeline/buffer_pool.h"
#include "runtime/units.h"

namespace nightjar::agent {

struct BatchLimits {
  size_t max_records = 8192;
  size_t max_bytes = 1 << 20;  // encoded size; one record may exceed it alone
  Duration max_age = std::chrono::milliseconds(200);
  // gzip level (1..12) batches are stored and sent with; 0 stores them uncompressed.
  int gzip_level = 0;
};

class BatchBuilder {
 public:
  // `pool` (optional) supplies recycled buffers for the encoded batches.
  explicit BatchBuilder(BatchLimits limits, std::shared_ptr<BufferPool> pool = nullptr)
      : limits_(limits), pool_(std::move(pool)) {}

  // Adds `record` under the resource identified by `resource_id` with `resource` attributes.
  // `now_nanos` (monotonic) starts the age of an empty batch.
  void Add(const void* resource_id, std::span<const otlp::KeyValueView> resource,
           const otlp::LogRecordView& record, int64_t now_nanos);

  // Returns true when the batch reached its record or byte bound.
  bool full() const {
    return writer_.record_count() >= limits_.max_records || writer_.size() >= limits_.max_bytes;
  }
  bool empty() const { return writer_.record_count() == 0; }
  size_t records() const { return writer_.record_count(); }
  size_t bytes() const { return writer_.size(); }
  // Returns when the batch must be finished because of its age (monotonic nanoseconds).
  int64_t deadline_nanos() const { return started_nanos_ + limits_.max_age.count(); }
  const BatchLimits& limits() const { return limits_; }

  // Returns the encoded request and leaves the builder empty.
  std::string Finish();

 private:
  BatchLimits limits_;
  std::shared_ptr<BufferPool> pool_;
  otlp::LogsProtoWriter writer_;
  const void* resource_id_ = nullptr;
  int64_t started_nanos_ = 0;
};

}  // namespace nightjar::agent
