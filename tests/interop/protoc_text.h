// protoc as an independent judge of protobuf bytes: `protoc --decode` prints a message in text
// format, so two encodings of the same message print the same text whatever their field order
// or varint widths, and any difference in content shows as a line diff.
//
// Thread-safety: reentrant.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

#include "base/status.h"

namespace nightjar::interop {

// Returns protoc's text format of `bytes` decoded as `message_type` (a full name such as
// "opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest") from `proto_file` (relative
// to ProtoDir()). `scratch` is a directory for the temporary input file.
Result<std::string> ProtocDecode(std::string_view message_type, std::string_view proto_file,
                                 std::string_view bytes, const std::filesystem::path& scratch);

// Returns `text` without the empty sub-messages ("name {" directly followed by its "}") of the
// fields named in `fields`. Used where OTLP gives presence no meaning and an encoder may omit an
// empty message that another writes.
std::string DropEmptyMessages(std::string_view text,
                              std::initializer_list<std::string_view> fields);

// Returns the first line where `a` and `b` differ, with a few lines of context from both, or
// an empty string when they are equal.
std::string FirstDifference(std::string_view a, std::string_view b);

}  // namespace nightjar::interop
