// The bounded queue between the receiver's threads and the writer thread.
//
// The limit is in bytes, counted from when a batch is queued until the writer has committed
// it (a batch being written still holds its memory). A push that would exceed the limit fails
// at once, so the receiver can answer 503 with Retry-After instead of holding a connection;
// one batch larger than the whole limit is still admitted when nothing else is in flight, so
// a single large request is never refused forever.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <variant>
#include <vector>

#include "base/status.h"
#include "runtime/units.h"
#include "store/anomaly.h"
#include "store/batch.h"

namespace nightjar::collector {

// Anomalies the detection thread found, written by the writer thread like everything else
// (one writer, so they never wait for a lock). Shared with the submitter, which reads the ids
// the writer set once `done` is ready.
struct AnomalyBatch {
  std::shared_ptr<std::vector<Anomaly>> anomalies;
};

// One request's rows, and the promise its receiver thread waits on.
struct IngestItem {
  std::variant<LogBatch, MetricBatch, AnomalyBatch> batch;
  size_t bytes = 0;
  int64_t items = 0;          // log records or points
  std::promise<Status> done;  // set once the rows are committed (OK) or failed
  // Admitted even when the queue is full: the collector's own small batches (anomalies), which
  // backpressure meant for clients must not drop.
  bool exempt_from_limit = false;
};

class IngestQueue {
 public:
  explicit IngestQueue(size_t max_bytes) : max_bytes_(max_bytes) {}

  // Queues `item`. Fails with ResourceExhausted when the limit would be exceeded, and with
  // Unavailable after Close().
  Status Push(std::unique_ptr<IngestItem>& item);

  // Waits up to `timeout` for an item, then takes queued items until their bytes reach
  // `max_batch_bytes` (at least one). Returns none on timeout or when closed and empty.
  std::vector<std::unique_ptr<IngestItem>> Pop(size_t max_batch_bytes, Duration timeout);

  // Returns `bytes` of popped items to the budget, once they are written.
  void Release(size_t bytes);

  // Waits up to `timeout` until nothing is queued or being written; returns whether so.
  bool WaitEmpty(Duration timeout);

  // Refuses further pushes; Pop() still drains what is queued.
  void Close();

  bool closed() const;
  // Bytes queued or being written.
  size_t bytes() const;
  size_t max_bytes() const { return max_bytes_; }

 private:
  const size_t max_bytes_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable released_;
  std::deque<std::unique_ptr<IngestItem>> items_;
  size_t bytes_ = 0;
  bool closed_ = false;
};

}  // namespace nightjar::collector
