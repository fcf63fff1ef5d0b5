// Protobuf wire-format checks and diagnosis; see proto_wire.h.
#include "otlp/proto_wire.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "base/utf8.h"

namespace nightjar::otlp::internal {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

enum WireType : int {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

// Returns the wire type a field of this type uses when not packed.
int ExpectedWireType(const FieldDescriptor* field) {
  switch (field->type()) {
    case FieldDescriptor::TYPE_INT32:
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_UINT32:
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_SINT32:
    case FieldDescriptor::TYPE_SINT64:
    case FieldDescriptor::TYPE_BOOL:
    case FieldDescriptor::TYPE_ENUM:
      return kVarint;
    case FieldDescriptor::TYPE_FIXED64:
    case FieldDescriptor::TYPE_SFIXED64:
    case FieldDescriptor::TYPE_DOUBLE:
      return kFixed64;
    case FieldDescriptor::TYPE_FIXED32:
    case FieldDescriptor::TYPE_SFIXED32:
    case FieldDescriptor::TYPE_FLOAT:
      return kFixed32;
    case FieldDescriptor::TYPE_GROUP:
      return kStartGroup;
    default:
      return kLengthDelimited;
  }
}

const char* WireTypeName(int wire) {
  switch (wire) {
    case kVarint:
      return "varint";
    case kFixed64:
      return "64-bit";
    case kLengthDelimited:
      return "length-delimited";
    case kStartGroup:
      return "start-group";
    case kEndGroup:
      return "end-group";
    case kFixed32:
      return "32-bit";
    default:
      return "invalid";
  }
}

class Walker {
 public:
  Walker(std::string_view bytes, int max_depth) : bytes_(bytes), max_depth_(max_depth) {}

  std::string Run(const Descriptor* descriptor) {
    WalkMessage(descriptor, 0, bytes_.size(), "", 0);
    return error_;
  }

 private:
  // Reads a varint at pos_; returns nullopt when it is truncated or longer than 10 bytes.
  std::optional<uint64_t> ReadVarint(size_t end) {
    uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos_ >= end) return std::nullopt;
      uint8_t b = static_cast<uint8_t>(bytes_[pos_++]);
      if (shift == 63 && b > 1) return std::nullopt;
      value |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return value;
    }
    return std::nullopt;
  }

  // Reads a tag: a varint of at most five bytes that fits in 32 bits, as libprotobuf requires
  // (a longer encoding of a small number is refused there, so it is refused here too).
  std::optional<uint64_t> ReadTag(size_t end) {
    size_t start = pos_;
    auto tag = ReadVarint(end);
    if (!tag || pos_ - start > 5 || *tag > UINT32_MAX) return std::nullopt;
    return tag;
  }

  void Fail(const std::string& path, const std::string& what) {
    if (!error_.empty()) return;
    error_ = path.empty() ? what : path + ": " + what;
  }

  static std::string Join(const std::string& path, const std::string& name) {
    return path.empty() ? name : path + "." + name;
  }

  // Skips a group whose start tag was just read; groups are obsolete but legal in unknown
  // fields, and libprotobuf skips them.
  bool SkipGroup(uint32_t number, size_t end, const std::string& path, int depth) {
    if (depth > max_depth_) {
      Fail(path, "groups nested deeper than " + std::to_string(max_depth_) + " levels");
      return false;
    }
    while (pos_ < end) {
      size_t tag_at = pos_;
      auto tag = ReadTag(end);
      if (!tag) {
        Fail(path, "truncated or overlong tag at byte " + std::to_string(tag_at));
        return false;
      }
      int wire = static_cast<int>(*tag & 7);
      uint64_t inner_number = *tag >> 3;
      if (inner_number == 0 || inner_number > 536870911) {
        Fail(path, "invalid field number " + std::to_string(inner_number) + " at byte " +
                       std::to_string(tag_at) + " inside a group");
        return false;
      }
      uint32_t inner = static_cast<uint32_t>(inner_number);
      if (wire == kEndGroup) {
        if (inner != number) {
          Fail(path, "mismatched end-group tag at byte " + std::to_string(tag_at));
          return false;
        }
        return true;
      }
      if (!SkipValue(wire, inner, end, path, depth + 1)) return false;
    }
    Fail(path, "group for field " + std::to_string(number) + " is not closed");
    return false;
  }

  bool SkipValue(int wire, uint32_t number, size_t end, const std::string& path, int depth) {
    std::string where = path.empty() ? "field " + std::to_string(number)
                                     : path + ".<field " + std::to_string(number) + ">";
    switch (wire) {
      case kVarint:
        if (!ReadVarint(end)) {
          Fail(where, "truncated or overlong varint");
          return false;
        }
        return true;
      case kFixed64:
      case kFixed32: {
        size_t n = wire == kFixed64 ? 8 : 4;
        if (end - pos_ < n) {
          Fail(where, "truncated: needs " + std::to_string(n) + " bytes, " +
                          std::to_string(end - pos_) + " left");
          return false;
        }
        pos_ += n;
        return true;
      }
      case kLengthDelimited: {
        auto len = ReadVarint(end);
        if (!len) {
          Fail(where, "truncated length");
          return false;
        }
        if (*len > end - pos_) {
          Fail(where, "length " + std::to_string(*len) + " exceeds the " +
                          std::to_string(end - pos_) + " bytes left");
          return false;
        }
        pos_ += *len;
        return true;
      }
      case kStartGroup:
        return SkipGroup(number, end, where, depth);
      default:
        Fail(where, std::string("invalid wire type ") + std::to_string(wire));
        return false;
    }
  }

  bool CheckPacked(const FieldDescriptor* field, size_t len, const std::string& where) {
    int wire = ExpectedWireType(field);
    size_t end = pos_ + len;
    if (wire == kFixed64 || wire == kFixed32) {
      size_t size = wire == kFixed64 ? 8 : 4;
      if (len % size != 0) {
        Fail(where, "packed length " + std::to_string(len) + " is not a multiple of " +
                        std::to_string(size));
        return false;
      }
      pos_ = end;
      return true;
    }
    while (pos_ < end) {
      if (!ReadVarint(end)) {
        Fail(where, "truncated or overlong varint in packed field");
        return false;
      }
    }
    return true;
  }

  bool WalkField(const FieldDescriptor* field, int wire, size_t end, const std::string& where,
                 int depth) {
    int expected = ExpectedWireType(field);
    bool packable = field->is_repeated() && expected != kLengthDelimited;
    if (wire != expected && !(packable && wire == kLengthDelimited)) {
      Fail(where, std::string("wire type ") + WireTypeName(wire) + " does not match field type " +
                      field->type_name() + " (expects " + WireTypeName(expected) + ")");
      return false;
    }
    if (wire != kLengthDelimited) return SkipValue(wire, field->number(), end, where, depth);

    auto len = ReadVarint(end);
    if (!len) {
      Fail(where, "truncated length");
      return false;
    }
    if (*len > end - pos_) {
      Fail(where, "length " + std::to_string(*len) + " exceeds the " + std::to_string(end - pos_) +
                      " bytes left");
      return false;
    }
    size_t start = pos_;
    size_t value_end = pos_ + *len;
    if (packable) return CheckPacked(field, *len, where);
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      size_t bad = FindInvalidUtf8(bytes_.substr(start, *len));
      if (bad != std::string_view::npos) {
        Fail(where, "invalid UTF-8 at byte " + std::to_string(bad) + " of the string");
        return false;
      }
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (!WalkMessage(field->message_type(), start, value_end, where, depth + 1)) return false;
    }
    pos_ = value_end;
    return true;
  }

  bool WalkMessage(const Descriptor* descriptor, size_t begin, size_t end, const std::string& path,
                   int depth) {
    if (depth > max_depth_) {
      Fail(path, "messages nested deeper than " + std::to_string(max_depth_) + " levels");
      return false;
    }
    std::map<int, int> occurrences;  // index of each repeated field's next element
    pos_ = begin;
    while (pos_ < end) {
      size_t tag_at = pos_;
      auto tag = ReadTag(end);
      if (!tag) {
        Fail(path, "truncated or overlong tag at byte " + std::to_string(tag_at));
        return false;
      }
      uint64_t number = *tag >> 3;
      int wire = static_cast<int>(*tag & 7);
      if (number == 0 || number > 536870911) {
        Fail(path, "invalid field number " + std::to_string(number) + " at byte " +
                       std::to_string(tag_at));
        return false;
      }
      if (wire == kEndGroup) {
        Fail(path, "unexpected end-group tag at byte " + std::to_string(tag_at));
        return false;
      }
      const FieldDescriptor* field = descriptor->FindFieldByNumber(static_cast<int>(number));
      if (field == nullptr) {
        // Unknown fields are legal (newer senders); they only need to be well-formed.
        if (!SkipValue(wire, static_cast<uint32_t>(number), end, path, depth)) return false;
        continue;
      }
      std::string where = Join(path, field->name());
      if (field->is_repeated()) {
        where += "[" + std::to_string(occurrences[field->number()]++) + "]";
      }
      if (!WalkField(field, wire, end, where, depth)) return false;
    }
    return true;
  }

  std::string_view bytes_;
  int max_depth_;
  size_t pos_ = 0;
  std::string error_;
};

// ----- the fast check ----------------------------------------------------------------------

// The wire types of one message's fields, indexed by field number, and where message fields
// lead. Built once per root type from the descriptors.
struct WireTable {
  struct Field {
    int8_t wire = -1;       // expected wire type, -1 = unknown field number
    bool packable = false;  // a repeated scalar, which may also arrive packed
    int child = -1;         // for message fields: index of the child's table
  };
  std::vector<Field> fields;
};

class WireSchema {
 public:
  explicit WireSchema(const Descriptor* root) { Add(root); }

  const WireTable& table(int index) const { return tables_[static_cast<size_t>(index)]; }

 private:
  int Add(const Descriptor* descriptor) {
    auto it = index_.find(descriptor);
    if (it != index_.end()) return it->second;
    int index = static_cast<int>(tables_.size());
    index_[descriptor] = index;
    tables_.emplace_back();
    int max_number = 0;
    for (int i = 0; i < descriptor->field_count(); ++i) {
      max_number = std::max(max_number, descriptor->field(i)->number());
    }
    std::vector<WireTable::Field> fields(static_cast<size_t>(max_number) + 1);
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* f = descriptor->field(i);
      WireTable::Field& entry = fields[static_cast<size_t>(f->number())];
      entry.wire = static_cast<int8_t>(ExpectedWireType(f));
      entry.packable = f->is_repeated() && entry.wire != kLengthDelimited;
      if (f->type() == FieldDescriptor::TYPE_MESSAGE) entry.child = Add(f->message_type());
    }
    // tables_ may have grown during the recursion; index again rather than keep a reference.
    tables_[static_cast<size_t>(index)].fields = std::move(fields);
    return index;
  }

  std::vector<WireTable> tables_;
  std::unordered_map<const Descriptor*, int> index_;
};

const WireSchema& SchemaFor(const Descriptor* root) {
  static std::mutex mutex;
  static auto* schemas = new std::unordered_map<const Descriptor*, std::unique_ptr<WireSchema>>();
  std::lock_guard<std::mutex> lock(mutex);
  auto& schema = (*schemas)[root];
  if (!schema) schema = std::make_unique<WireSchema>(root);
  return *schema;
}

class FastChecker {
 public:
  FastChecker(const WireSchema& schema, std::string_view bytes, int max_depth)
      : schema_(schema),
        p_(reinterpret_cast<const uint8_t*>(bytes.data())),
        max_depth_(max_depth) {}

  bool Run(size_t size) { return Message(0, p_ + size, 0); }

 private:
  bool Varint(const uint8_t** p, const uint8_t* end, uint64_t* out) {
    uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (*p >= end) return false;
      uint8_t b = *(*p)++;
      if (shift == 63 && b > 1) return false;
      value |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        *out = value;
        return true;
      }
    }
    return false;
  }

  // Tags are varints of at most five bytes that fit in 32 bits (see Walker::ReadTag).
  bool Tag(const uint8_t** p, const uint8_t* end, uint64_t* tag) {
    const uint8_t* start = *p;
    return Varint(p, end, tag) && *p - start <= 5 && *tag <= UINT32_MAX;
  }

  bool Skip(int wire, uint32_t number, const uint8_t** p, const uint8_t* end, int depth) {
    uint64_t v;
    switch (wire) {
      case kVarint:
        return Varint(p, end, &v);
      case kFixed64:
        if (end - *p < 8) return false;
        *p += 8;
        return true;
      case kFixed32:
        if (end - *p < 4) return false;
        *p += 4;
        return true;
      case kLengthDelimited:
        if (!Varint(p, end, &v) || v > static_cast<uint64_t>(end - *p)) return false;
        *p += v;
        return true;
      case kStartGroup:
        if (depth > max_depth_) return false;
        while (*p < end) {
          uint64_t tag;
          if (!Tag(p, end, &tag)) return false;
          if ((tag >> 3) == 0 || (tag >> 3) > 536870911) return false;
          int inner_wire = static_cast<int>(tag & 7);
          if (inner_wire == kEndGroup) return (tag >> 3) == number;
          if (!Skip(inner_wire, static_cast<uint32_t>(tag >> 3), p, end, depth + 1)) return false;
        }
        return false;
      default:
        return false;
    }
  }

  bool Message(int table_index, const uint8_t* end, int depth) {
    if (depth > max_depth_) return false;
    const WireTable& table = schema_.table(table_index);
    while (p_ < end) {
      uint64_t tag;
      if (!Tag(&p_, end, &tag)) return false;
      uint64_t number = tag >> 3;
      int wire = static_cast<int>(tag & 7);
      if (number == 0 || number > 536870911 || wire == kEndGroup) return false;
      const WireTable::Field* field =
          number < table.fields.size() ? &table.fields[number] : nullptr;
      if (field == nullptr || field->wire < 0) {
        if (!Skip(wire, static_cast<uint32_t>(number), &p_, end, depth)) return false;
        continue;
      }
      if (wire != field->wire && !(field->packable && wire == kLengthDelimited)) return false;
      if (field->child >= 0) {
        uint64_t len;
        if (!Varint(&p_, end, &len) || len > static_cast<uint64_t>(end - p_)) return false;
        const uint8_t* child_end = p_ + len;
        if (!Message(field->child, child_end, depth + 1)) return false;
        p_ = child_end;
        continue;
      }
      if (!Skip(wire, static_cast<uint32_t>(number), &p_, end, depth)) return false;
    }
    return p_ == end;
  }

  const WireSchema& schema_;
  const uint8_t* p_;
  int max_depth_;
};

}  // namespace

bool ValidateWireFormat(const Descriptor* descriptor, std::string_view bytes, int max_depth) {
  return FastChecker(SchemaFor(descriptor), bytes, max_depth).Run(bytes.size());
}

std::string DiagnoseProtobuf(const Descriptor* descriptor, std::string_view bytes, int max_depth) {
  return Walker(bytes, max_depth).Run(descriptor);
}

}  // namespace nightjar::otlp::internal
