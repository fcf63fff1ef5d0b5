// UTF-8 validation and repair.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nightjar {

// Returns the offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), or npos when all of `text` is valid.
size_t FindInvalidUtf8(std::string_view text);

// Returns true when `text` is well-formed UTF-8.
inline bool IsValidUtf8(std::string_view text) {
  return FindInvalidUtf8(text) == std::string_view::npos;
}

// Returns `text` with each maximal invalid sequence replaced by U+FFFD, and stores in
// `*replaced` (when given) how many replacements were made.
std::string RepairUtf8(std::string_view text, size_t* replaced = nullptr);

}  // namespace nightjar
