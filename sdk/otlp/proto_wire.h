// Strict checks of the protobuf wire format, and explanations of why bytes are not a valid
// message.
//
// libprotobuf accepts a known field sent with the wrong wire type (it files it among unknown
// fields) and, when it refuses bytes, only says "failed". OTLP receivers should refuse the
// former and operators need to know where and why for the latter. ValidateWireFormat is the
// fast pre-check run before parsing; DiagnoseProtobuf is the slow walk run only on failure, which
// reports the first problem with its field path: a truncated varint or length, a wire type that
// does not match the field, a string that is not UTF-8, nesting that is too deep.
//
// Thread-safety: reentrant; the per-type tables are built once, under a lock.
#pragma once

#include <string>
#include <string_view>

namespace google::protobuf {
class Descriptor;
}

namespace nightjar::otlp::internal {

// Returns true when `bytes` is well-formed wire format for `descriptor`: every tag, varint and
// length is complete, every known field has its declared wire type (packed or not), and
// messages nest at most `max_depth` levels. Unknown fields are allowed. Strings are not
// checked for UTF-8 here; libprotobuf's parser does that.
bool ValidateWireFormat(const google::protobuf::Descriptor* descriptor, std::string_view bytes,
                        int max_depth);

// Returns a description of the first problem found reading `bytes` as `descriptor`, e.g.
// "resource_logs[0].scope_logs[0].log_records[1].body.string_value: invalid UTF-8 at byte 3",
// or an empty string when the walk finds nothing wrong.
std::string DiagnoseProtobuf(const google::protobuf::Descriptor* descriptor, std::string_view bytes,
                             int max_depth);

}  // namespace nightjar::otlp::internal
