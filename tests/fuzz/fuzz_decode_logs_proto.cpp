// Fuzz target: otlp::DecodeLogs of OTLP/protobuf, with the round-trip oracle of fuzz_oracle.h
// (same encoding and across to OTLP/JSON) and the agreement of the wire checks.
#include "fuzz_oracle.h"
#include "fuzz_targets.h"

namespace nightjar::fuzz {

void FuzzDecodeLogsProto(std::string_view input) {
  CheckLogsRequest(input, otlp::Encoding::kProtobuf);
  CheckProtobufWire(input, WireMessage::kLogsRequest);
}

}  // namespace nightjar::fuzz

NJ_FUZZ_ENTRY_POINT(nightjar::fuzz::FuzzDecodeLogsProto);
