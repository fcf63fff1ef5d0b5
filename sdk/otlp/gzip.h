// gzip compression of HTTP bodies (Content-Encoding: gzip), with a bound on what decompression
// may produce so that a small "zip bomb" is refused instead of inflated.
//
// Thread-safety: all functions are reentrant.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace nightjar::otlp {

// Returns the gzip (RFC 1952) form of `data` at zlib `level` (1 = fastest, 9 = smallest).
std::string GzipCompress(std::string_view data, int level = 6);

// Decompresses a gzip stream (several concatenated members are allowed, as RFC 1952 says).
// Fails with ResourceExhausted as soon as the output would exceed `max_size` bytes, and with
// InvalidArgument when the stream is corrupt, truncated or followed by garbage.
Result<std::string> GzipDecompress(std::string_view data, size_t max_size);

}  // namespace nightjar::otlp
