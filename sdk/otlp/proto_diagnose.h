// Explains why bytes are not a valid protobuf message.
//
// libprotobuf's parser only says "failed"; operators need to know where and why. This walks the
// wire format against the message's descriptor and reports the first problem with its field
// path: a truncated varint or length, a wire type that does not match the field, a string that
// is not UTF-8, nesting that is too deep.
//
// Thread-safety: reentrant.
#pragma once

#include <string>
#include <string_view>

namespace google::protobuf {
class Descriptor;
}

namespace nightjar::otlp::internal {

// Returns a description of the first problem found reading `bytes` as `descriptor`, e.g.
// "resource_logs[0].scope_logs[0].log_records[1].body.string_value: invalid UTF-8 at byte 3",
// or an empty string when the walk finds nothing wrong.
std::string DiagnoseProtobuf(const google::protobuf::Descriptor* descriptor,
                             std::string_view bytes, int max_depth);

}  // namespace nightjar::otlp::internal
