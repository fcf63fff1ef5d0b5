// The JSON line parser as a fuzz target: file content is untrusted input. Shared by the
// libFuzzer executable (NJ_BUILD_FUZZ) and the corpus test that runs in every tree.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nightjar::agent::testing {

// Feeds one line to the JSON parser the way the tail input does (UTF-8 repaired first), then
// encodes the resulting record and checks that it decodes as OTLP. Aborts on a broken
// invariant.
void FuzzJsonParser(const uint8_t* data, size_t size);

}  // namespace nightjar::agent::testing
