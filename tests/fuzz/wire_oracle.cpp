// The protobuf wire oracle; see fuzz_oracle.h.
//
// The protobuf decoders accept bytes only when the strict wire check (ValidateWireFormat) and
// libprotobuf's parser both do, and explain a refusal with the slow wire walk
// (DiagnoseProtobuf). Those are three readings of the same bytes, and they must agree: the walk
// finds nothing wrong in bytes the other two accept, and finds something wrong in bytes either
// of them refuses, or the sender gets the unexplained "malformed protobuf".
#include <google/protobuf/io/coded_stream.h>

#include <climits>
#include <memory>
#include <string>

#include "fuzz_oracle.h"
#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp/proto_wire.h"

namespace nightjar::fuzz {
namespace {

namespace pb = ::google::protobuf;
namespace logs_pb = ::opentelemetry::proto::collector::logs::v1;
namespace metrics_pb = ::opentelemetry::proto::collector::metrics::v1;
namespace trace_pb = ::opentelemetry::proto::collector::trace::v1;

// The message depth the decoders allow (Parse in sdk/otlp/proto_codec.cpp); the three readings
// are compared at the same depth.
constexpr int kMaxMessageDepth = 2 * otlp::kMaxValueDepth + 16;

const pb::Message& Prototype(WireMessage message) {
  switch (message) {
    case WireMessage::kLogsRequest:
      return logs_pb::ExportLogsServiceRequest::default_instance();
    case WireMessage::kMetricsRequest:
      return metrics_pb::ExportMetricsServiceRequest::default_instance();
    case WireMessage::kTracesRequest:
      return trace_pb::ExportTraceServiceRequest::default_instance();
    case WireMessage::kLogsResponse:
      return logs_pb::ExportLogsServiceResponse::default_instance();
    case WireMessage::kMetricsResponse:
      return metrics_pb::ExportMetricsServiceResponse::default_instance();
    case WireMessage::kTracesResponse:
      return trace_pb::ExportTraceServiceResponse::default_instance();
    case WireMessage::kRpcStatus:
      return ::google::rpc::Status::default_instance();
  }
  __builtin_trap();
}

}  // namespace

void CheckProtobufWire(std::string_view input, WireMessage message) {
  if (input.size() > static_cast<size_t>(INT_MAX)) return;
  const pb::Message& prototype = Prototype(message);
  const pb::Descriptor* descriptor = prototype.GetDescriptor();
  const std::string name = descriptor->name();

  bool strict_ok = otlp::internal::ValidateWireFormat(descriptor, input, kMaxMessageDepth);
  std::unique_ptr<pb::Message> parsed(prototype.New());
  pb::io::CodedInputStream stream(reinterpret_cast<const uint8_t*>(input.data()),
                                  static_cast<int>(input.size()));
  stream.SetRecursionLimit(kMaxMessageDepth);
  bool parse_ok = parsed->ParseFromCodedStream(&stream) && stream.ConsumedEntireMessage();
  std::string diagnosis = otlp::internal::DiagnoseProtobuf(descriptor, input, kMaxMessageDepth);

  if (strict_ok && parse_ok) {
    Expect(diagnosis.empty(), "proto-wire-diagnosis-of-valid-bytes",
           name + " passes the wire check and libprotobuf, but the diagnosis says: " + diagnosis);
  } else {
    Expect(!diagnosis.empty(), "proto-wire-refusal-unexplained",
           name + " is refused (wire check " + (strict_ok ? "passes" : "fails") + ", libprotobuf " +
               (parse_ok ? "parses" : "fails") + ") but the diagnosis finds nothing wrong");
  }
}

}  // namespace nightjar::fuzz
