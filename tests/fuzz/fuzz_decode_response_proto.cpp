// Fuzz target: otlp::DecodeResponse of OTLP/protobuf for every signal, with the round-trip
// oracle of fuzz_oracle.h (same encoding and across to OTLP/JSON) and the agreement of the wire
// checks.
#include "fuzz_oracle.h"
#include "fuzz_targets.h"

namespace nightjar::fuzz {

void FuzzDecodeResponseProto(std::string_view input) {
  CheckExportResponse(input, otlp::Encoding::kProtobuf);
  CheckProtobufWire(input, WireMessage::kLogsResponse);
  CheckProtobufWire(input, WireMessage::kMetricsResponse);
  CheckProtobufWire(input, WireMessage::kTracesResponse);
}

}  // namespace nightjar::fuzz

NJ_FUZZ_ENTRY_POINT(nightjar::fuzz::FuzzDecodeResponseProto);
