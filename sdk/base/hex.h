// Hexadecimal encoding of bytes, as OTLP/JSON uses for trace and span ids.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nightjar {

// Returns the lower-case hex form of `size` bytes at `data`.
std::string HexEncode(const uint8_t* data, size_t size);

// Decodes case-insensitive hex `text` into `out` (which must hold text.size() / 2 bytes).
// Returns false when `text` has an odd length or a non-hex character.
bool HexDecode(std::string_view text, uint8_t* out);

}  // namespace nightjar
