// Fuzz target: otlp::GzipDecompress with a 1 MB limit, checking the limit and
// the round trip through otlp::GzipCompress (see gzip_oracle.cpp).
#include "fuzz_oracle.h"
#include "fuzz_targets.h"

namespace nightjar::fuzz {

void FuzzGzipDecompress(std::string_view input) { CheckGzip(input); }

}  // namespace nightjar::fuzz

NJ_FUZZ_ENTRY_POINT(nightjar::fuzz::FuzzGzipDecompress);
