// Where finished batches go: the persistent queue, behind an interface so that the file input
// can be tested against a fake.
//
// The contract that makes delivery lossless: a batch and the checkpoints of the files whose
// lines it holds are committed together, or not at all.
//
// Thread-safety: implementations say.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "otlp/model.h"
#include "queue/checkpoint.h"

namespace nightjar::agent {

// One atomic step: a batch (possibly empty, for checkpoint-only changes), the checkpoints and
// source cursors that advance with it, and the files whose checkpoints are dropped (files let go
// of).
struct CommitRequest {
  // What `body` holds: an encoded ExportLogsServiceRequest (kLogs) or
  // ExportMetricsServiceRequest (kMetrics), in OTLP/protobuf; or empty.
  otlp::Signal signal = otlp::Signal::kLogs;
  std::string body;
  bool gzip = false;     // the body is gzip-compressed
  uint32_t records = 0;  // log records, or metric data points
  std::vector<Checkpoint> checkpoints;
  std::vector<FileKey> forget;
  std::vector<SourceCursor> cursors;

  bool empty() const {
    return body.empty() && checkpoints.empty() && forget.empty() && cursors.empty();
  }
};

class BatchSink {
 public:
  virtual ~BatchSink() = default;
  // Returns true when a batch of `bytes` fits within the queue's bound now.
  virtual bool HasRoom(size_t bytes) const = 0;
  // Commits `request` atomically. On failure nothing is stored and `request` is left intact so
  // that the caller can retry it.
  virtual Status Commit(CommitRequest& request) = 0;
};

}  // namespace nightjar::agent
