// Fuzz target: otlp::DecodeMetrics of OTLP/protobuf, with the round-trip oracle of
// fuzz_oracle.h (same encoding and across to OTLP/JSON) and the agreement of the wire checks.
#include "fuzz_oracle.h"
#include "fuzz_targets.h"

namespace nightjar::fuzz {

void FuzzDecodeMetricsProto(std::string_view input) {
  CheckMetricsRequest(input, otlp::Encoding::kProtobuf);
  CheckProtobufWire(input, WireMessage::kMetricsRequest);
}

}  // namespace nightjar::fuzz

NJ_FUZZ_ENTRY_POINT(nightjar::fuzz::FuzzDecodeMetricsProto);
