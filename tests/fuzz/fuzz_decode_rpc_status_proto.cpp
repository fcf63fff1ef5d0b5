// Fuzz target: otlp::DecodeRpcStatus of protobuf (the body of OTLP/HTTP error responses), with
// the round-trip oracle of fuzz_oracle.h and the agreement of the wire checks.
#include "fuzz_oracle.h"
#include "fuzz_targets.h"

namespace nightjar::fuzz {

void FuzzDecodeRpcStatusProto(std::string_view input) {
  CheckRpcStatus(input, otlp::Encoding::kProtobuf);
  CheckProtobufWire(input, WireMessage::kRpcStatus);
}

}  // namespace nightjar::fuzz

NJ_FUZZ_ENTRY_POINT(nightjar::fuzz::FuzzDecodeRpcStatusProto);
