// Fuzz target: otlp::DecodeTraces of OTLP/JSON, checked against an independent count of the
// spans in the same document, and the check that every number is read exactly.
#include "fuzz_oracle.h"
#include "fuzz_targets.h"

namespace nightjar::fuzz {

void FuzzDecodeTracesJson(std::string_view input) {
  CheckJsonNumbers(input);
  CheckTracesRequest(input, otlp::Encoding::kJson);
}

}  // namespace nightjar::fuzz

NJ_FUZZ_ENTRY_POINT(nightjar::fuzz::FuzzDecodeTracesJson);
