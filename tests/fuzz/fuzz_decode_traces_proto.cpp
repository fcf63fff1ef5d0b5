// Fuzz target: otlp::DecodeTraces of OTLP/protobuf, checked against libprotobuf's own parse and
// against the decoder of the same request in OTLP/JSON, and the agreement of the wire checks.
#include "fuzz_oracle.h"
#include "fuzz_targets.h"

namespace nightjar::fuzz {

void FuzzDecodeTracesProto(std::string_view input) {
  CheckTracesRequest(input, otlp::Encoding::kProtobuf);
  CheckProtobufWire(input, WireMessage::kTracesRequest);
}

}  // namespace nightjar::fuzz

NJ_FUZZ_ENTRY_POINT(nightjar::fuzz::FuzzDecodeTracesProto);
