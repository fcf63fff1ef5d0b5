// A streaming writer of OTLP/protobuf logs requests (ExportLogsServiceRequest) that writes the
// wire format directly from borrowed views, for senders on a hot path such as the agent.
//
// codec.h's EncodeLogs builds libprotobuf messages from owned model values: about 0.9 µs per
// record. This writer appends each record straight into one growing buffer (sizes of small
// messages are computed first; the lengths of the enclosing ResourceLogs and ScopeLogs are fixed
// up when they end), so a record costs little more than copying its bytes. It writes fields in
// field-number order and omits the same defaults libprotobuf omits, so its output is byte for
// byte what EncodeLogs produces for the same data, and otlp::DecodeLogs reads it back exactly.
//
//   LogsProtoWriter writer;
//   writer.BeginResourceLogs({.attributes = resource_attributes});
//   writer.BeginScopeLogs({});
//   for (...) writer.AddRecord(record_view);
//   writer.EndScopeLogs();
//   writer.EndResourceLogs();
//   std::string body = writer.Release();
//
// Thread-safety: a writer belongs to one thread; views must stay valid during each call only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "otlp/model.h"

namespace nightjar::otlp {

// A borrowed AnyValue: a scalar held by value or by view, or a model value for nested kinds.
class AnyValueView {
 public:
  enum class Kind : uint8_t { kEmpty, kString, kBool, kInt, kDouble, kBytes, kModel };

  AnyValueView() = default;
  // Returns a string value (the text must be valid UTF-8, as OTLP requires).
  static AnyValueView String(std::string_view text) {
    AnyValueView v(Kind::kString);
    v.text_ = text;
    return v;
  }
  static AnyValueView Bool(bool b) {
    AnyValueView v(Kind::kBool);
    v.int_ = b ? 1 : 0;
    return v;
  }
  static AnyValueView Int(int64_t i) {
    AnyValueView v(Kind::kInt);
    v.int_ = i;
    return v;
  }
  static AnyValueView Double(double d) {
    AnyValueView v(Kind::kDouble);
    v.double_ = d;
    return v;
  }
  static AnyValueView BytesValue(std::string_view data) {
    AnyValueView v(Kind::kBytes);
    v.text_ = data;
    return v;
  }
  // Returns a view of a model value of any kind (arrays and maps included).
  static AnyValueView Model(const AnyValue* value) {
    AnyValueView v(Kind::kModel);
    v.model_ = value;
    return v;
  }

  Kind kind() const { return kind_; }
  std::string_view text() const { return text_; }
  bool bool_value() const { return int_ != 0; }
  int64_t int_value() const { return int_; }
  double double_value() const { return double_; }
  const AnyValue* model() const { return model_; }

 private:
  explicit AnyValueView(Kind kind) : kind_(kind) {}

  Kind kind_ = Kind::kEmpty;
  std::string_view text_;
  int64_t int_ = 0;
  double double_ = 0;
  const AnyValue* model_ = nullptr;
};

// A borrowed attribute.
struct KeyValueView {
  std::string_view key;
  AnyValueView value;
};

struct ResourceView {
  std::span<const KeyValueView> attributes;
  uint32_t dropped_attributes_count = 0;
};

struct ScopeView {
  std::string_view name;
  std::string_view version;
  std::span<const KeyValueView> attributes;
  uint32_t dropped_attributes_count = 0;
};

// A borrowed LogRecord. Fields left at their defaults are not written, as in proto3.
struct LogRecordView {
  uint64_t time_unix_nano = 0;
  uint64_t observed_time_unix_nano = 0;
  int32_t severity_number = 0;
  std::string_view severity_text;
  AnyValueView body;  // kEmpty: no body field at all
  std::span<const KeyValueView> attributes;
  // Attributes already in wire form (from EncodeAttributes), written after `attributes`. Lets a
  // sender encode attributes that repeat on every record (a file's path) once.
  std::string_view encoded_attributes;
  uint32_t dropped_attributes_count = 0;
  uint32_t flags = 0;
  std::string_view trace_id;  // 16 bytes, or empty for none
  std::string_view span_id;   // 8 bytes, or empty for none
  std::string_view event_name;
};

class LogsProtoWriter {
 public:
  LogsProtoWriter() = default;

  // Reserves room for `bytes` of output, so that a batch of known bound never reallocates.
  void Reserve(size_t bytes) { buffer_.reserve(bytes); }
  // Continues in `buffer` (emptied first), reusing its allocation. Requires an empty writer:
  // lets a sender recycle the buffers of requests it has sent.
  void Adopt(std::string buffer);

  // Starts a ResourceLogs. Must be followed by EndResourceLogs().
  void BeginResourceLogs(const ResourceView& resource);
  // Starts a ScopeLogs inside the current ResourceLogs.
  void BeginScopeLogs(const ScopeView& scope);
  // Appends one record to the current ScopeLogs.
  void AddRecord(const LogRecordView& record);
  // Ends the current ScopeLogs, writing its schema URL when not empty.
  void EndScopeLogs(std::string_view schema_url = {});
  // Ends the current ResourceLogs, writing its schema URL when not empty.
  void EndResourceLogs(std::string_view schema_url = {});

  // Returns true between BeginResourceLogs() and EndResourceLogs().
  bool in_resource_logs() const { return depth_ > 0; }
  // Returns the bytes written so far (the request is complete only outside a ResourceLogs).
  size_t size() const { return buffer_.size(); }
  // Returns how many records were added since the last Release() or Clear().
  size_t record_count() const { return records_; }
  const std::string& buffer() const { return buffer_; }

  // Returns the finished request and leaves the writer empty. Requires !in_resource_logs().
  std::string Release();
  // Discards everything written, keeping the allocated capacity.
  void Clear();

 private:
  // Writes the tag of a length-delimited field and reserves room for its length.
  void OpenMessage(uint8_t tag);
  void CloseMessage();

  std::string buffer_;
  // Start of the content and bytes reserved for the length, per open message.
  struct Open {
    size_t content_start;
    size_t reserved;
  };
  Open open_[2] = {};
  int depth_ = 0;
  size_t records_ = 0;
};

// Returns `attributes` in wire form as LogRecord.attributes fields, for
// LogRecordView::encoded_attributes.
std::string EncodeRecordAttributes(std::span<const KeyValueView> attributes);

// Encodes `logs` with a LogsProtoWriter. The result equals EncodeLogs(logs, kProtobuf) byte for
// byte; it exists so that tests and benchmarks can compare the two paths.
std::string WriteLogsProto(const LogsData& logs);

}  // namespace nightjar::otlp
