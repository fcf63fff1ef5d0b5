// Fuzz target: otlp::DecodeRpcStatus of JSON (the body of OTLP/HTTP error responses), with the
// round-trip oracle of fuzz_oracle.h and the check that every number is read exactly.
#include "fuzz_oracle.h"
#include "fuzz_targets.h"

namespace nightjar::fuzz {

void FuzzDecodeRpcStatusJson(std::string_view input) {
  CheckJsonNumbers(input);
  CheckRpcStatus(input, otlp::Encoding::kJson);
}

}  // namespace nightjar::fuzz

NJ_FUZZ_ENTRY_POINT(nightjar::fuzz::FuzzDecodeRpcStatusJson);
