// Turns decoded OTLP requests into the store's rows (store/batch.h), validating what the store
// cannot take and saying why.
//
// Runs on the receiver's threads, so the JSON serialization of attributes happens in parallel
// and the writer thread only binds values. Rejected items are counted and described for the
// response's partial_success; everything else of the request is kept.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "otlp/model.h"
#include "store/batch.h"

namespace nightjar::collector {

// What a request lost to validation: how many items and the first few reasons.
struct Rejections {
  int64_t count = 0;
  std::string message;  // "path: reason; path: reason; ... (and N more)"

  // Records one rejected item.
  void Add(const std::string& where, const std::string& why);
  // Records a note about something that was dropped without being an item (e.g. an empty
  // metric), which the response reports even when nothing was rejected.
  void Note(const std::string& where, const std::string& why);

 private:
  int listed_ = 0;
  int64_t unlisted_ = 0;
};

struct PrepareOptions {
  int64_t now_unix_nano = 0;  // the receive time
  // Records further ahead than this are indexed at the receive time (see store_writer.h).
  int64_t max_future_skew_nanos = 3'600'000'000'000;
};

// Returns the rows of `logs`. No log record is rejected: OTLP allows every field to be empty.
LogBatch PrepareLogs(const otlp::LogsData& logs, const PrepareOptions& options);

// Returns the rows of `metrics`; points the store cannot keep (no value, no timestamp,
// inconsistent buckets, a metric without a name) are recorded in `rejections`.
MetricBatch PrepareMetrics(const otlp::MetricsData& metrics, Rejections* rejections);

// Returns the memory a batch holds, roughly: what it counts against the queue's limit.
size_t BatchBytes(const LogBatch& batch);
size_t BatchBytes(const MetricBatch& batch);

}  // namespace nightjar::collector
