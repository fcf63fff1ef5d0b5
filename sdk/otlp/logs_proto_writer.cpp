// Streaming OTLP/protobuf logs writer; see logs_proto_writer.h.
//
// Field numbers and wire types follow opentelemetry/proto/logs/v1/logs.proto and
// common/v1/common.proto; every tag below is (field_number << 3) | wire_type.
#include "otlp/logs_proto_writer.h"

#include <bit>
#include <cassert>
#include <cstring>

namespace nightjar::otlp {
namespace {

// Wire types.
constexpr uint8_t kVarint = 0;
constexpr uint8_t kFixed64 = 1;
constexpr uint8_t kLen = 2;
constexpr uint8_t kFixed32 = 5;

constexpr uint8_t Tag(int field, uint8_t wire_type) {
  return static_cast<uint8_t>((field << 3) | wire_type);
}

// ExportLogsServiceRequest / ResourceLogs / ScopeLogs.
constexpr uint8_t kRequestResourceLogs = Tag(1, kLen);
constexpr uint8_t kResourceLogsResource = Tag(1, kLen);
constexpr uint8_t kResourceLogsScopeLogs = Tag(2, kLen);
constexpr uint8_t kResourceLogsSchemaUrl = Tag(3, kLen);
constexpr uint8_t kScopeLogsScope = Tag(1, kLen);
constexpr uint8_t kScopeLogsLogRecords = Tag(2, kLen);
constexpr uint8_t kScopeLogsSchemaUrl = Tag(3, kLen);
// Resource / InstrumentationScope.
constexpr uint8_t kResourceAttributes = Tag(1, kLen);
constexpr uint8_t kResourceDropped = Tag(2, kVarint);
constexpr uint8_t kScopeName = Tag(1, kLen);
constexpr uint8_t kScopeVersion = Tag(2, kLen);
constexpr uint8_t kScopeAttributes = Tag(3, kLen);
constexpr uint8_t kScopeDropped = Tag(4, kVarint);
// LogRecord.
constexpr uint8_t kRecordTime = Tag(1, kFixed64);
constexpr uint8_t kRecordSeverityNumber = Tag(2, kVarint);
constexpr uint8_t kRecordSeverityText = Tag(3, kLen);
constexpr uint8_t kRecordBody = Tag(5, kLen);
constexpr uint8_t kRecordAttributes = Tag(6, kLen);
constexpr uint8_t kRecordDropped = Tag(7, kVarint);
constexpr uint8_t kRecordFlags = Tag(8, kFixed32);
constexpr uint8_t kRecordTraceId = Tag(9, kLen);
constexpr uint8_t kRecordSpanId = Tag(10, kLen);
constexpr uint8_t kRecordObservedTime = Tag(11, kFixed64);
constexpr uint8_t kRecordEventName = Tag(12, kLen);
// KeyValue / AnyValue / ArrayValue / KeyValueList.
constexpr uint8_t kKeyValueKey = Tag(1, kLen);
constexpr uint8_t kKeyValueValue = Tag(2, kLen);
constexpr uint8_t kAnyString = Tag(1, kLen);
constexpr uint8_t kAnyBool = Tag(2, kVarint);
constexpr uint8_t kAnyInt = Tag(3, kVarint);
constexpr uint8_t kAnyDouble = Tag(4, kFixed64);
constexpr uint8_t kAnyArray = Tag(5, kLen);
constexpr uint8_t kAnyKvList = Tag(6, kLen);
constexpr uint8_t kAnyBytes = Tag(7, kLen);
constexpr uint8_t kListValues = Tag(1, kLen);  // ArrayValue.values and KeyValueList.values

// Bytes reserved for the length of a ResourceLogs or ScopeLogs: three cover 2 MiB, which is
// more than a batch holds; a larger message costs one memmove when it ends.
constexpr size_t kReservedLength = 3;

size_t VarintSize(uint64_t v) {
  return v == 0 ? 1 : static_cast<size_t>((64 - std::countl_zero(v) + 6) / 7);
}

// int32 and enum fields are sign-extended to 64 bits on the wire (negative = 10 bytes).
uint64_t Int32Wire(int32_t v) { return static_cast<uint64_t>(static_cast<int64_t>(v)); }

// Size of a length-delimited field with `payload` bytes of content, tag included.
size_t LenField(size_t payload) { return 1 + VarintSize(payload) + payload; }
size_t StringField(std::string_view s) { return s.empty() ? 0 : LenField(s.size()); }

char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

char* PutFixed64(char* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
  return p + 8;
}

char* PutFixed32(char* p, uint32_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
  return p + 4;
}

char* PutBytes(char* p, std::string_view s) {
  if (s.empty()) return p;  // an empty view may hold a null pointer, which memcpy must not get
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

char* PutLenField(char* p, uint8_t tag, std::string_view s) {
  *p++ = static_cast<char>(tag);
  p = PutVarint(p, s.size());
  return PutBytes(p, s);
}

char* PutStringField(char* p, uint8_t tag, std::string_view s) {
  return s.empty() ? p : PutLenField(p, tag, s);
}

char* PutVarintField(char* p, uint8_t tag, uint64_t v) {
  if (v == 0) return p;
  *p++ = static_cast<char>(tag);
  return PutVarint(p, v);
}

// ----- model AnyValue (nested kinds) ---------------------------------------------------------

size_t ModelValueSize(const AnyValue& value);

size_t ModelKeyValueSize(const KeyValue& kv) {
  return StringField(kv.key) + LenField(ModelValueSize(kv.value));
}

// Content size of an AnyValue message holding `value`.
size_t ModelValueSize(const AnyValue& value) {
  switch (value.kind()) {
    case ValueKind::kEmpty:
      return 0;
    case ValueKind::kString:
      return LenField(value.string_value().size());
    case ValueKind::kBool:
      return 2;
    case ValueKind::kInt:
      return 1 + VarintSize(static_cast<uint64_t>(value.int_value()));
    case ValueKind::kDouble:
      return 9;
    case ValueKind::kBytes:
      return LenField(value.bytes_value().data.size());
    case ValueKind::kArray: {
      size_t n = 0;
      for (const AnyValue& v : value.array_value()) n += LenField(ModelValueSize(v));
      return LenField(n);
    }
    case ValueKind::kKvList: {
      size_t n = 0;
      for (const KeyValue& kv : value.kvlist_value()) n += LenField(ModelKeyValueSize(kv));
      return LenField(n);
    }
  }
  return 0;
}

char* PutModelValue(char* p, const AnyValue& value);

char* PutModelKeyValue(char* p, const KeyValue& kv) {
  p = PutStringField(p, kKeyValueKey, kv.key);
  *p++ = static_cast<char>(kKeyValueValue);
  p = PutVarint(p, ModelValueSize(kv.value));
  return PutModelValue(p, kv.value);
}

// Writes the content of an AnyValue message holding `value`.
char* PutModelValue(char* p, const AnyValue& value) {
  switch (value.kind()) {
    case ValueKind::kEmpty:
      return p;
    case ValueKind::kString:
      return PutLenField(p, kAnyString, value.string_value());
    case ValueKind::kBool:
      *p++ = static_cast<char>(kAnyBool);
      *p++ = value.bool_value() ? 1 : 0;
      return p;
    case ValueKind::kInt:
      *p++ = static_cast<char>(kAnyInt);
      return PutVarint(p, static_cast<uint64_t>(value.int_value()));
    case ValueKind::kDouble:
      *p++ = static_cast<char>(kAnyDouble);
      return PutFixed64(p, std::bit_cast<uint64_t>(value.double_value()));
    case ValueKind::kBytes:
      return PutLenField(p, kAnyBytes, value.bytes_value().data);
    case ValueKind::kArray: {
      size_t n = 0;
      for (const AnyValue& v : value.array_value()) n += LenField(ModelValueSize(v));
      *p++ = static_cast<char>(kAnyArray);
      p = PutVarint(p, n);
      for (const AnyValue& v : value.array_value()) {
        *p++ = static_cast<char>(kListValues);
        p = PutVarint(p, ModelValueSize(v));
        p = PutModelValue(p, v);
      }
      return p;
    }
    case ValueKind::kKvList: {
      size_t n = 0;
      for (const KeyValue& kv : value.kvlist_value()) n += LenField(ModelKeyValueSize(kv));
      *p++ = static_cast<char>(kAnyKvList);
      p = PutVarint(p, n);
      for (const KeyValue& kv : value.kvlist_value()) {
        *p++ = static_cast<char>(kListValues);
        p = PutVarint(p, ModelKeyValueSize(kv));
        p = PutModelKeyValue(p, kv);
      }
      return p;
    }
  }
  return p;
}

// ----- views ---------------------------------------------------------------------------------

// Content size of an AnyValue message for `value`.
size_t ValueSize(const AnyValueView& value) {
  switch (value.kind()) {
    case AnyValueView::Kind::kEmpty:
      return 0;
    case AnyValueView::Kind::kString:
    case AnyValueView::Kind::kBytes:
      return LenField(value.text().size());
    case AnyValueView::Kind::kBool:
      return 2;
    case AnyValueView::Kind::kInt:
      return 1 + VarintSize(static_cast<uint64_t>(value.int_value()));
    case AnyValueView::Kind::kDouble:
      return 9;
    case AnyValueView::Kind::kModel:
      return ModelValueSize(*value.model());
  }
  return 0;
}

char* PutValue(char* p, const AnyValueView& value) {
  switch (value.kind()) {
    case AnyValueView::Kind::kEmpty:
      return p;
    case AnyValueView::Kind::kString:
      return PutLenField(p, kAnyString, value.text());
    case AnyValueView::Kind::kBytes:
      return PutLenField(p, kAnyBytes, value.text());
    case AnyValueView::Kind::kBool:
      *p++ = static_cast<char>(kAnyBool);
      *p++ = value.bool_value() ? 1 : 0;
      return p;
    case AnyValueView::Kind::kInt:
      *p++ = static_cast<char>(kAnyInt);
      return PutVarint(p, static_cast<uint64_t>(value.int_value()));
    case AnyValueView::Kind::kDouble:
      *p++ = static_cast<char>(kAnyDouble);
      return PutFixed64(p, std::bit_cast<uint64_t>(value.double_value()));
    case AnyValueView::Kind::kModel:
      return PutModelValue(p, *value.model());
  }
  return p;
}

size_t KeyValueSize(const KeyValueView& kv) {
  return StringField(kv.key) + LenField(ValueSize(kv.value));
}

size_t AttributesSize(std::span<const KeyValueView> attributes) {
  size_t n = 0;
  for (const KeyValueView& kv : attributes) n += LenField(KeyValueSize(kv));
  return n;
}

char* PutAttributes(char* p, uint8_t tag, std::span<const KeyValueView> attributes) {
  for (const KeyValueView& kv : attributes) {
    *p++ = static_cast<char>(tag);
    p = PutVarint(p, KeyValueSize(kv));
    p = PutStringField(p, kKeyValueKey, kv.key);
    *p++ = static_cast<char>(kKeyValueValue);
    p = PutVarint(p, ValueSize(kv.value));
    p = PutValue(p, kv.value);
  }
  return p;
}

size_t ResourceSize(const ResourceView& r) {
  return AttributesSize(r.attributes) +
         (r.dropped_attributes_count != 0 ? 1 + VarintSize(r.dropped_attributes_count) : 0);
}

size_t ScopeSize(const ScopeView& s) {
  return StringField(s.name) + StringField(s.version) + AttributesSize(s.attributes) +
         (s.dropped_attributes_count != 0 ? 1 + VarintSize(s.dropped_attributes_count) : 0);
}

size_t RecordSize(const LogRecordView& r) {
  size_t n = 0;
  if (r.time_unix_nano != 0) n += 9;
  if (r.severity_number != 0) n += 1 + VarintSize(Int32Wire(r.severity_number));
  n += StringField(r.severity_text);
  if (r.body.kind() != AnyValueView::Kind::kEmpty) n += LenField(ValueSize(r.body));
  n += AttributesSize(r.attributes);
  n += r.encoded_attributes.size();
  if (r.dropped_attributes_count != 0) n += 1 + VarintSize(r.dropped_attributes_count);
  if (r.flags != 0) n += 5;
  n += StringField(r.trace_id);
  n += StringField(r.span_id);
  if (r.observed_time_unix_nano != 0) n += 9;
  n += StringField(r.event_name);
  return n;
}

// Appends `n` bytes to `buffer` and returns where they start.
char* Grow(std::string* buffer, size_t n) {
  size_t old = buffer->size();
  if (buffer->capacity() < old + n) buffer->reserve(std::max(old + n, 2 * buffer->capacity()));
  buffer->resize(old + n);
  return buffer->data() + old;
}

}  // namespace

void LogsProtoWriter::OpenMessage(uint8_t tag) {
  assert(depth_ < 2);
  char* p = Grow(&buffer_, 1 + kReservedLength);
  *p = static_cast<char>(tag);
  open_[depth_++] = Open{buffer_.size(), kReservedLength};
}

void LogsProtoWriter::CloseMessage() {
  assert(depth_ > 0);
  Open open = open_[--depth_];
  size_t length = buffer_.size() - open.content_start;
  size_t needed = VarintSize(length);
  size_t length_at = open.content_start - open.reserved;
  if (needed < open.reserved) {
    std::memmove(buffer_.data() + length_at + needed, buffer_.data() + open.content_start, length);
    buffer_.resize(buffer_.size() - (open.reserved - needed));
  } else if (needed > open.reserved) {
    Grow(&buffer_, needed - open.reserved);
    std::memmove(buffer_.data() + length_at + needed, buffer_.data() + open.content_start, length);
  }
  PutVarint(buffer_.data() + length_at, length);
}

void LogsProtoWriter::BeginResourceLogs(const ResourceView& resource) {
  assert(depth_ == 0);
  OpenMessage(kRequestResourceLogs);
  size_t size = ResourceSize(resource);
  char* p = Grow(&buffer_, LenField(size));
  *p++ = static_cast<char>(kResourceLogsResource);
  p = PutVarint(p, size);
  p = PutAttributes(p, kResourceAttributes, resource.attributes);
  PutVarintField(p, kResourceDropped, resource.dropped_attributes_count);
}

void LogsProtoWriter::BeginScopeLogs(const ScopeView& scope) {
  assert(depth_ == 1);
  OpenMessage(kResourceLogsScopeLogs);
  size_t size = ScopeSize(scope);
  char* p = Grow(&buffer_, LenField(size));
  *p++ = static_cast<char>(kScopeLogsScope);
  p = PutVarint(p, size);
  p = PutStringField(p, kScopeName, scope.name);
  p = PutStringField(p, kScopeVersion, scope.version);
  p = PutAttributes(p, kScopeAttributes, scope.attributes);
  PutVarintField(p, kScopeDropped, scope.dropped_attributes_count);
}

void LogsProtoWriter::AddRecord(const LogRecordView& r) {
  assert(depth_ == 2);
  size_t size = RecordSize(r);
  char* p = Grow(&buffer_, LenField(size));
  [[maybe_unused]] char* end = p + LenField(size);
  *p++ = static_cast<char>(kScopeLogsLogRecords);
  p = PutVarint(p, size);
  if (r.time_unix_nano != 0) {
    *p++ = static_cast<char>(kRecordTime);
    p = PutFixed64(p, r.time_unix_nano);
  }
  p = PutVarintField(p, kRecordSeverityNumber, Int32Wire(r.severity_number));
  p = PutStringField(p, kRecordSeverityText, r.severity_text);
  if (r.body.kind() != AnyValueView::Kind::kEmpty) {
    *p++ = static_cast<char>(kRecordBody);
    p = PutVarint(p, ValueSize(r.body));
    p = PutValue(p, r.body);
  }
  p = PutAttributes(p, kRecordAttributes, r.attributes);
  p = PutBytes(p, r.encoded_attributes);
  p = PutVarintField(p, kRecordDropped, r.dropped_attributes_count);
  if (r.flags != 0) {
    *p++ = static_cast<char>(kRecordFlags);
    p = PutFixed32(p, r.flags);
  }
  p = PutStringField(p, kRecordTraceId, r.trace_id);
  p = PutStringField(p, kRecordSpanId, r.span_id);
  if (r.observed_time_unix_nano != 0) {
    *p++ = static_cast<char>(kRecordObservedTime);
    p = PutFixed64(p, r.observed_time_unix_nano);
  }
  p = PutStringField(p, kRecordEventName, r.event_name);
  assert(p == end);
  ++records_;
}

void LogsProtoWriter::EndScopeLogs(std::string_view schema_url) {
  assert(depth_ == 2);
  if (!schema_url.empty())
    PutLenField(Grow(&buffer_, LenField(schema_url.size())), kScopeLogsSchemaUrl, schema_url);
  CloseMessage();
}

void LogsProtoWriter::EndResourceLogs(std::string_view schema_url) {
  assert(depth_ == 1);
  if (!schema_url.empty())
    PutLenField(Grow(&buffer_, LenField(schema_url.size())), kResourceLogsSchemaUrl, schema_url);
  CloseMessage();
}

std::string LogsProtoWriter::Release() {
  assert(depth_ == 0);
  std::string out = std::move(buffer_);
  buffer_ = std::string();
  records_ = 0;
  return out;
}

void LogsProtoWriter::Adopt(std::string buffer) {
  assert(depth_ == 0 && buffer_.empty());
  buffer.clear();
  buffer_ = std::move(buffer);
}

void LogsProtoWriter::Clear() {
  buffer_.clear();
  depth_ = 0;
  records_ = 0;
}

std::string EncodeRecordAttributes(std::span<const KeyValueView> attributes) {
  std::string out(AttributesSize(attributes), '\0');
  PutAttributes(out.data(), kRecordAttributes, attributes);
  return out;
}

namespace {

std::vector<KeyValueView> Views(const Attributes& attributes) {
  std::vector<KeyValueView> out;
  out.reserve(attributes.size());
  for (const KeyValue& kv : attributes) {
    out.push_back(KeyValueView{kv.key, AnyValueView::Model(&kv.value)});
  }
  return out;
}

template <size_t N>
std::string_view IdView(const std::array<uint8_t, N>& id) {
  if (IsZeroId(id)) return {};
  return std::string_view(reinterpret_cast<const char*>(id.data()), N);
}

}  // namespace

std::string WriteLogsProto(const LogsData& logs) {
  LogsProtoWriter writer;
  for (const ResourceLogs& rl : logs.resource_logs) {
    std::vector<KeyValueView> resource_attributes = Views(rl.resource.attributes);
    writer.BeginResourceLogs(
        ResourceView{resource_attributes, rl.resource.dropped_attributes_count});
    for (const ScopeLogs& sl : rl.scope_logs) {
      std::vector<KeyValueView> scope_attributes = Views(sl.scope.attributes);
      writer.BeginScopeLogs(ScopeView{sl.scope.name, sl.scope.version, scope_attributes,
                                      sl.scope.dropped_attributes_count});
      for (const LogRecord& r : sl.log_records) {
        std::vector<KeyValueView> attributes = Views(r.attributes);
        LogRecordView view;
        view.time_unix_nano = r.time_unix_nano;
        view.observed_time_unix_nano = r.observed_time_unix_nano;
        view.severity_number = r.severity_number;
        view.severity_text = r.severity_text;
        if (!r.body.empty()) view.body = AnyValueView::Model(&r.body);
        view.attributes = attributes;
        view.dropped_attributes_count = r.dropped_attributes_count;
        view.flags = r.flags;
        view.trace_id = IdView(r.trace_id);
        view.span_id = IdView(r.span_id);
        view.event_name = r.event_name;
        writer.AddRecord(view);
      }
      writer.EndScopeLogs(sl.schema_url);
    }
    writer.EndResourceLogs(rl.schema_url);
  }
  return writer.Release();
}

}  // namespace nightjar::otlp
