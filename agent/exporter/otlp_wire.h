// Reading the OTLP/protobuf messages the agent deals with, straight from the wire format,
// without libprotobuf: stored batches (ExportLogsServiceRequest, for re-encoding as OTLP/JSON)
// and the collector's answers (ExportLogsServiceResponse, google.rpc.Status).
//
// The agent ships batches its own writer encoded, and reads small answers; linking libprotobuf
// and its generated classes for that would cost every agent about 2 MB of memory. These readers
// check lengths and wire types, refuse nesting deeper than the codec allows, and skip unknown
// fields, so a corrupt queue entry or an odd collector gets an error, never a crash.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "base/status.h"
#include "otlp/codec.h"
#include "otlp/model.h"

namespace nightjar::agent {

// Decodes an ExportLogsServiceRequest in OTLP/protobuf.
Result<otlp::LogsData> ReadLogsRequest(std::string_view body);

// Decodes an ExportLogsServiceResponse (OTLP/protobuf or OTLP/JSON).
Result<otlp::ExportResponse> ReadLogsResponse(std::string_view body, otlp::Encoding encoding);

// Decodes a google.rpc.Status (OTLP/protobuf or OTLP/JSON).
Result<otlp::RpcStatus> ReadRpcStatus(std::string_view body, otlp::Encoding encoding);

// Encodes `logs` as OTLP/JSON.
std::string WriteLogsJson(const otlp::LogsData& logs);

// Returns "application/x-protobuf" or "application/json".
const char* ContentTypeOf(otlp::Encoding encoding);

// Returns the encoding named by a Content-Type value (parameters ignored), or nullopt.
std::optional<otlp::Encoding> EncodingOfContentType(std::string_view content_type);

}  // namespace nightjar::agent
