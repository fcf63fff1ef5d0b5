// Fuzz target: otlp::DecodeResponse of OTLP/JSON for every signal, with the round-trip oracle
// of fuzz_oracle.h (same encoding and across to OTLP/protobuf) and the check that every number
// is read exactly.
#include "fuzz_oracle.h"
#include "fuzz_targets.h"

namespace nightjar::fuzz {

void FuzzDecodeResponseJson(std::string_view input) {
  CheckJsonNumbers(input);
  CheckExportResponse(input, otlp::Encoding::kJson);
}

}  // namespace nightjar::fuzz

NJ_FUZZ_ENTRY_POINT(nightjar::fuzz::FuzzDecodeResponseJson);
