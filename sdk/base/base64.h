// Base64 (RFC 4648), as the protobuf JSON mapping uses for `bytes` fields.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nightjar {

// Returns the standard, padded base64 form of `data`.
std::string Base64Encode(std::string_view data);

// Decodes standard or URL-safe base64, with or without padding (the protobuf JSON mapping
// accepts both). Returns nullopt on any other character or an impossible length.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace nightjar
