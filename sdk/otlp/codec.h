// Encodes and decodes OTLP export requests and responses, in OTLP/protobuf and OTLP/JSON.
//
// This is the one entry point the agent, the collector and the tools use for OTLP bodies.
// Decoders never trust their input: malformed bytes, wrong types, invalid UTF-8, ids of the
// wrong length and absurd nesting all return an InvalidArgument status whose message names the
// field path and the problem, e.g.
//   "resource_logs[0].scope_logs[0].log_records[2].trace_id: must be 16 bytes, got 3".
// Bodies must already be decompressed (see gzip.h, which bounds the decompressed size).
//
// Thread-safety: all functions are reentrant.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "otlp/model.h"

namespace nightjar::otlp {

// The two OTLP/HTTP payload encodings.
enum class Encoding : uint8_t { kProtobuf, kJson };

// Returns "application/x-protobuf" or "application/json".
const char* ContentType(Encoding encoding);

// Returns the encoding named by a Content-Type header value (parameters such as
// "; charset=utf-8" are ignored, case-insensitively), or nullopt when it is neither.
std::optional<Encoding> EncodingFromContentType(std::string_view content_type);

// Nesting limit for AnyValue arrays and maps in decoded requests. Deeper input is refused
// rather than risking the stack.
inline constexpr int kMaxValueDepth = 64;

// Decodes an ExportLogsServiceRequest.
Result<LogsData> DecodeLogs(std::string_view body, Encoding encoding);

// Decodes an ExportMetricsServiceRequest.
Result<MetricsData> DecodeMetrics(std::string_view body, Encoding encoding);

// Validates an ExportTraceServiceRequest and counts what it carries.
Result<TracesSummary> DecodeTraces(std::string_view body, Encoding encoding);

// Encodes an ExportLogsServiceRequest.
std::string EncodeLogs(const LogsData& logs, Encoding encoding);

// Encodes an ExportMetricsServiceRequest.
std::string EncodeMetrics(const MetricsData& metrics, Encoding encoding);

// Encodes the Export*ServiceResponse of `signal`.
std::string EncodeResponse(Signal signal, const ExportResponse& response, Encoding encoding);

// Decodes the Export*ServiceResponse of `signal`.
Result<ExportResponse> DecodeResponse(Signal signal, std::string_view body, Encoding encoding);

// Encodes a google.rpc.Status, the body of OTLP/HTTP 4xx and 5xx responses.
std::string EncodeRpcStatus(const RpcStatus& status, Encoding encoding);

// Decodes a google.rpc.Status.
Result<RpcStatus> DecodeRpcStatus(std::string_view body, Encoding encoding);

}  // namespace nightjar::otlp
