// What the store writes: OTLP requests turned into rows, ready to bind.
//
// Receiver threads build batches (serializing attributes to JSON there, in parallel) so that
// the single writer thread only binds and steps statements. A batch owns all its data and is
// moved into the ingest queue; `bytes` is what it counts against the queue's limit.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nightjar::collector {

// Labels a classifier attached to a log record: name -> value.
using Labels = std::vector<std::pair<std::string, std::string>>;

// A resource plus an instrumentation scope: the stream a record belongs to.
struct StreamRow {
  std::string resource_attributes;  // JSON object
  uint32_t resource_dropped = 0;
  std::string resource_schema_url;
  std::string service;  // resource attribute service.name, "" when absent
  std::string scope_name;
  std::string scope_version;
  std::string scope_attributes;  // JSON object
  uint32_t scope_dropped = 0;
  std::string scope_schema_url;
};

struct LogRow {
  size_t stream = 0;        // index into LogBatch::streams
  int64_t time_key_ms = 0;  // the time the record is indexed at (see store.h)
  uint64_t time_unix_nano = 0;
  uint64_t observed_time_unix_nano = 0;
  int32_t severity_number = 0;
  std::string severity_text;
  std::optional<std::string> body;       // a string body, as is
  std::optional<std::string> body_json;  // any other non-empty body, as JSON
  std::string attributes;                // JSON object
  uint32_t dropped_attributes_count = 0;
  uint32_t flags = 0;
  std::string trace_id;  // 16 raw bytes, or empty when unset
  std::string span_id;   // 8 raw bytes, or empty when unset
  std::string event_name;
  Labels labels;  // filled by classifiers before the batch is queued

  // Returns the text full-text search indexes: the string body, or the JSON of another body.
  const std::string* SearchText() const {
    return body ? &*body : (body_json ? &*body_json : nullptr);
  }
};

struct LogBatch {
  std::vector<StreamRow> streams;
  std::vector<LogRow> logs;
};

// A metric's identity (name, type, unit) and descriptive fields.
struct MetricRow {
  std::string name;
  std::string type;  // otlp::MetricTypeName()
  std::string unit;
  std::string description;
  std::string metadata;  // JSON object
  int32_t temporality = 0;
  bool monotonic = false;
};

// A data point. Numbers (gauge, sum) set `number`; distributions (histogram, exponential
// histogram, summary) set the dist_* fields and `dist_data`.
struct PointRow {
  size_t stream = 0;       // index into MetricBatch::streams
  size_t metric = 0;       // index into MetricBatch::metrics
  std::string attributes;  // JSON object; with the metric and resource, the series identity
  uint64_t time_unix_nano = 0;
  uint64_t start_time_unix_nano = 0;
  uint32_t flags = 0;
  std::optional<std::string> exemplars;  // JSON array, when there are any
  bool is_distribution = false;
  // Number points: an int64 or a double (integers stay exact in SQLite); neither when the point
  // carries the "no recorded value" flag.
  std::optional<int64_t> int_value;
  std::optional<double> double_value;
  // Distribution points.
  uint64_t count = 0;
  std::optional<double> sum;
  std::optional<double> min;
  std::optional<double> max;
  std::string dist_data;  // JSON: bounds+counts, exponential buckets, or quantiles
};

struct MetricBatch {
  std::vector<StreamRow> streams;
  std::vector<MetricRow> metrics;
  std::vector<PointRow> points;
};

// A metric point after its transaction committed, as detectors receive it.
struct CommittedPoint {
  int64_t series_id = 0;
  const MetricRow* metric = nullptr;        // valid during the observer call only
  const StreamRow* stream = nullptr;        // resource and scope; valid during the call only
  const std::string* attributes = nullptr;  // point attributes JSON; valid during the call
  uint64_t time_unix_nano = 0;
  // The point's value: the number of a gauge/sum, or sum/count of a distribution; nullopt when
  // it has none.
  std::optional<double> value;
};

}  // namespace nightjar::collector
