// The telemetry data model: OTLP logs and metrics as plain C++ values.
//
// These types mirror the OTLP v1 protobuf messages field by field, so that a request decoded
// from protobuf or JSON and encoded again carries exactly the same information. They own their
// data (std::string, std::vector) and have no behaviour beyond equality, which keeps them easy
// to build in tests and to move between threads.
//
// Thread-safety: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace nightjar::otlp {

struct KeyValue;

// The kind held by an AnyValue, in the order of the OTLP oneof.
enum class ValueKind : uint8_t {
  kEmpty,
  kString,
  kBool,
  kInt,
  kDouble,
  kArray,
  kKvList,
  kBytes,
};

// Raw bytes (AnyValue.bytes_value); distinct from std::string so that a bytes value is never
// mistaken for text.
struct Bytes {
  std::string data;
  friend bool operator==(const Bytes&, const Bytes&) = default;
};

// A value of any OTLP kind: empty, string, bool, int64, double, array, key/value list, bytes.
class AnyValue {
 public:
  using Array = std::vector<AnyValue>;
  using KvList = std::vector<KeyValue>;  // std::vector allows the incomplete KeyValue here

  // The constructors are implicit by design (AnyValue v = "text"). They are defined below,
  // after KeyValue is complete: clang instantiates the variant's members where they are
  // defined, and that needs ~vector<KeyValue>.
  AnyValue();
  AnyValue(std::string v);  // NOLINT(google-explicit-constructor)
  AnyValue(const char* v);  // NOLINT(google-explicit-constructor)
  AnyValue(bool v);         // NOLINT(google-explicit-constructor)
  AnyValue(int64_t v);      // NOLINT(google-explicit-constructor)
  AnyValue(int v);          // NOLINT(google-explicit-constructor)
  AnyValue(double v);       // NOLINT(google-explicit-constructor)
  AnyValue(Array v);        // NOLINT(google-explicit-constructor)
  AnyValue(KvList v);       // NOLINT(google-explicit-constructor)
  AnyValue(Bytes v);        // NOLINT(google-explicit-constructor)

  ValueKind kind() const { return static_cast<ValueKind>(value_.index()); }
  bool empty() const { return kind() == ValueKind::kEmpty; }

  // Accessors; each requires the matching kind().
  const std::string& string_value() const { return std::get<std::string>(value_); }
  bool bool_value() const { return std::get<bool>(value_); }
  int64_t int_value() const { return std::get<int64_t>(value_); }
  double double_value() const { return std::get<double>(value_); }
  const Array& array_value() const { return std::get<Array>(value_); }
  Array& mutable_array() { return std::get<Array>(value_); }
  const KvList& kvlist_value() const { return std::get<KvList>(value_); }
  KvList& mutable_kvlist() { return std::get<KvList>(value_); }
  const Bytes& bytes_value() const { return std::get<Bytes>(value_); }

  // Values are equal when they have the same kind and equal contents; doubles compare by
  // value (so NaN != NaN, as in IEEE 754).
  friend bool operator==(const AnyValue& a, const AnyValue& b);

 private:
  std::variant<std::monostate, std::string, bool, int64_t, double, Array, KvList, Bytes> value_;
};

// One attribute: a key and its value.
struct KeyValue {
  std::string key;
  AnyValue value;
  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

using Attributes = std::vector<KeyValue>;

inline AnyValue::AnyValue() = default;
inline AnyValue::AnyValue(std::string v) : value_(std::move(v)) {}
inline AnyValue::AnyValue(const char* v) : value_(std::string(v)) {}
inline AnyValue::AnyValue(bool v) : value_(v) {}
inline AnyValue::AnyValue(int64_t v) : value_(v) {}
inline AnyValue::AnyValue(int v) : value_(static_cast<int64_t>(v)) {}
inline AnyValue::AnyValue(double v) : value_(v) {}
inline AnyValue::AnyValue(Array v) : value_(std::move(v)) {}
inline AnyValue::AnyValue(KvList v) : value_(std::move(v)) {}
inline AnyValue::AnyValue(Bytes v) : value_(std::move(v)) {}

// Returns the attribute named `key`, or nullptr.
const AnyValue* FindAttribute(const Attributes& attributes, std::string_view key);

// A 16-byte trace id; all zeros means "not set".
using TraceId = std::array<uint8_t, 16>;
// An 8-byte span id; all zeros means "not set".
using SpanId = std::array<uint8_t, 8>;

template <size_t N>
bool IsZeroId(const std::array<uint8_t, N>& id) {
  for (uint8_t b : id) {
    if (b != 0) return false;
  }
  return true;
}

struct Resource {
  Attributes attributes;
  uint32_t dropped_attributes_count = 0;
  friend bool operator==(const Resource&, const Resource&) = default;
};

struct InstrumentationScope {
  std::string name;
  std::string version;
  Attributes attributes;
  uint32_t dropped_attributes_count = 0;
  friend bool operator==(const InstrumentationScope&, const InstrumentationScope&) = default;
};

// ---------------------------------------------------------------------------------------------
// Logs

// OTLP severity numbers: four steps per level (TRACE=1..4 ... FATAL=21..24), 0 = unspecified.
enum SeverityNumber : int32_t {
  kSeverityUnspecified = 0,
  kSeverityTrace = 1,
  kSeverityDebug = 5,
  kSeverityInfo = 9,
  kSeverityWarn = 13,
  kSeverityError = 17,
  kSeverityFatal = 21,
};

struct LogRecord {
  uint64_t time_unix_nano = 0;           // when the event happened; 0 = unknown
  uint64_t observed_time_unix_nano = 0;  // when it was first observed by a collection system
  int32_t severity_number = 0;           // SeverityNumber, kept as int to carry unknown values
  std::string severity_text;
  AnyValue body;
  Attributes attributes;
  uint32_t dropped_attributes_count = 0;
  uint32_t flags = 0;  // low 8 bits: W3C trace flags
  TraceId trace_id{};
  SpanId span_id{};
  std::string event_name;
  friend bool operator==(const LogRecord&, const LogRecord&) = default;
};

struct ScopeLogs {
  InstrumentationScope scope;
  std::vector<LogRecord> log_records;
  std::string schema_url;
  friend bool operator==(const ScopeLogs&, const ScopeLogs&) = default;
};

struct ResourceLogs {
  Resource resource;
  std::vector<ScopeLogs> scope_logs;
  std::string schema_url;
  friend bool operator==(const ResourceLogs&, const ResourceLogs&) = default;
};

// The content of an ExportLogsServiceRequest (and of OTLP's LogsData).
struct LogsData {
  std::vector<ResourceLogs> resource_logs;
  friend bool operator==(const LogsData&, const LogsData&) = default;
};

// Returns the number of log records in `logs`.
size_t CountLogRecords(const LogsData& logs);

// ---------------------------------------------------------------------------------------------
// Metrics

enum class AggregationTemporality : int32_t {
  kUnspecified = 0,
  kDelta = 1,
  kCumulative = 2,
};

// DataPointFlags: the point has no recorded value (a staleness marker).
inline constexpr uint32_t kDataPointNoRecordedValue = 1;

// A measured value that is either an integer or a floating-point number, or absent.
using NumberValue = std::variant<std::monostate, double, int64_t>;

struct Exemplar {
  Attributes filtered_attributes;
  uint64_t time_unix_nano = 0;
  NumberValue value;
  SpanId span_id{};
  TraceId trace_id{};
  friend bool operator==(const Exemplar&, const Exemplar&) = default;
};

struct NumberDataPoint {
  Attributes attributes;
  uint64_t start_time_unix_nano = 0;
  uint64_t time_unix_nano = 0;
  NumberValue value;
  std::vector<Exemplar> exemplars;
  uint32_t flags = 0;
  friend bool operator==(const NumberDataPoint&, const NumberDataPoint&) = default;
};

struct HistogramDataPoint {
  Attributes attributes;
  uint64_t start_time_unix_nano = 0;
  uint64_t time_unix_nano = 0;
  uint64_t count = 0;
  std::optional<double> sum;
  std::vector<uint64_t> bucket_counts;  // explicit_bounds.size() + 1 entries when present
  std::vector<double> explicit_bounds;  // upper bounds, strictly increasing
  std::vector<Exemplar> exemplars;
  uint32_t flags = 0;
  std::optional<double> min;
  std::optional<double> max;
  friend bool operator==(const HistogramDataPoint&, const HistogramDataPoint&) = default;
};

struct ExponentialBuckets {
  int32_t offset = 0;
  std::vector<uint64_t> bucket_counts;
  friend bool operator==(const ExponentialBuckets&, const ExponentialBuckets&) = default;
};

struct ExponentialHistogramDataPoint {
  Attributes attributes;
  uint64_t start_time_unix_nano = 0;
  uint64_t time_unix_nano = 0;
  uint64_t count = 0;
  std::optional<double> sum;
  int32_t scale = 0;
  uint64_t zero_count = 0;
  ExponentialBuckets positive;
  ExponentialBuckets negative;
  uint32_t flags = 0;
  std::vector<Exemplar> exemplars;
  std::optional<double> min;
  std::optional<double> max;
  double zero_threshold = 0;
  friend bool operator==(const ExponentialHistogramDataPoint&,
                         const ExponentialHistogramDataPoint&) = default;
};

struct ValueAtQuantile {
  double quantile = 0;
  double value = 0;
  friend bool operator==(const ValueAtQuantile&, const ValueAtQuantile&) = default;
};

struct SummaryDataPoint {
  Attributes attributes;
  uint64_t start_time_unix_nano = 0;
  uint64_t time_unix_nano = 0;
  uint64_t count = 0;
  double sum = 0;
  std::vector<ValueAtQuantile> quantile_values;
  uint32_t flags = 0;
  friend bool operator==(const SummaryDataPoint&, const SummaryDataPoint&) = default;
};

struct Gauge {
  std::vector<NumberDataPoint> data_points;
  friend bool operator==(const Gauge&, const Gauge&) = default;
};

struct Sum {
  std::vector<NumberDataPoint> data_points;
  AggregationTemporality aggregation_temporality = AggregationTemporality::kUnspecified;
  bool is_monotonic = false;
  friend bool operator==(const Sum&, const Sum&) = default;
};

struct Histogram {
  std::vector<HistogramDataPoint> data_points;
  AggregationTemporality aggregation_temporality = AggregationTemporality::kUnspecified;
  friend bool operator==(const Histogram&, const Histogram&) = default;
};

struct ExponentialHistogram {
  std::vector<ExponentialHistogramDataPoint> data_points;
  AggregationTemporality aggregation_temporality = AggregationTemporality::kUnspecified;
  friend bool operator==(const ExponentialHistogram&, const ExponentialHistogram&) = default;
};

struct Summary {
  std::vector<SummaryDataPoint> data_points;
  friend bool operator==(const Summary&, const Summary&) = default;
};

// The kind of a metric, in the order of MetricData's alternatives.
enum class MetricType : uint8_t {
  kNone,
  kGauge,
  kSum,
  kHistogram,
  kExponentialHistogram,
  kSummary,
};

using MetricData =
    std::variant<std::monostate, Gauge, Sum, Histogram, ExponentialHistogram, Summary>;

struct Metric {
  std::string name;
  std::string description;
  std::string unit;
  MetricData data;
  Attributes metadata;

  MetricType type() const { return static_cast<MetricType>(data.index()); }
  friend bool operator==(const Metric&, const Metric&) = default;
};

// Returns "gauge", "sum", "histogram", "exponential_histogram", "summary" or "none".
const char* MetricTypeName(MetricType type);

// Returns the number of data points in `metric`.
size_t CountDataPoints(const Metric& metric);

struct ScopeMetrics {
  InstrumentationScope scope;
  std::vector<Metric> metrics;
  std::string schema_url;
  friend bool operator==(const ScopeMetrics&, const ScopeMetrics&) = default;
};

struct ResourceMetrics {
  Resource resource;
  std::vector<ScopeMetrics> scope_metrics;
  std::string schema_url;
  friend bool operator==(const ResourceMetrics&, const ResourceMetrics&) = default;
};

// The content of an ExportMetricsServiceRequest (and of OTLP's MetricsData).
struct MetricsData {
  std::vector<ResourceMetrics> resource_metrics;
  friend bool operator==(const MetricsData&, const MetricsData&) = default;
};

// Returns the number of data points in `metrics`.
size_t CountDataPoints(const MetricsData& metrics);

// ---------------------------------------------------------------------------------------------
// Traces: Nightjar does not store spans yet; a request is decoded far enough to validate and
// count it.

struct TracesSummary {
  size_t resource_spans = 0;
  size_t scope_spans = 0;
  size_t spans = 0;
  friend bool operator==(const TracesSummary&, const TracesSummary&) = default;
};

// ---------------------------------------------------------------------------------------------
// Responses

// Which signal a request or response belongs to.
enum class Signal : uint8_t { kLogs, kMetrics, kTraces };

// Returns "logs", "metrics" or "traces".
const char* SignalName(Signal signal);

// An Export*ServiceResponse. `partial_success` is set when some items were rejected, or to
// carry a warning with rejected == 0.
struct ExportResponse {
  struct PartialSuccess {
    int64_t rejected = 0;  // rejected log records, data points or spans
    std::string error_message;
    friend bool operator==(const PartialSuccess&, const PartialSuccess&) = default;
  };
  std::optional<PartialSuccess> partial_success;
  friend bool operator==(const ExportResponse&, const ExportResponse&) = default;
};

// A google.rpc.Status, the body of OTLP/HTTP error responses.
struct RpcStatus {
  int32_t code = 0;
  std::string message;
  friend bool operator==(const RpcStatus&, const RpcStatus&) = default;
};

}  // namespace nightjar::otlp
