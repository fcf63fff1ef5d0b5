// Fuzz target: otlp::DecodeLogs of OTLP/JSON, with the round-trip oracle of fuzz_oracle.h (same
// encoding and across to OTLP/protobuf) and the check that every number is read exactly.
#include "fuzz_oracle.h"
#include "fuzz_targets.h"

namespace nightjar::fuzz {

void FuzzDecodeLogsJson(std::string_view input) {
  CheckJsonNumbers(input);
  CheckLogsRequest(input, otlp::Encoding::kJson);
}

}  // namespace nightjar::fuzz

NJ_FUZZ_ENTRY_POINT(nightjar::fuzz::FuzzDecodeLogsJson);
