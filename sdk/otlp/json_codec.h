// OTLP/JSON: the model in model.h to and from the JSON encoding of OTLP, using RapidJSON.
// Use codec.h rather than this header.
//
// OTLP/JSON is the proto3 JSON mapping with OTLP's deviations: trace and span ids are hex
// strings, enums are integers, keys are lowerCamelCase. Encoding follows the spec exactly
// (64-bit integers as decimal strings, defaults omitted). Decoding is lenient where the spec
// and real senders allow: 64-bit integers as strings or numbers, original snake_case keys,
// enum names, "NaN"/"Infinity" strings for doubles, null for defaults; unknown keys are
// ignored. Everything else is refused with the JSON path of the offending value.
//
// Thread-safety: all functions are reentrant.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "otlp/model.h"

namespace nightjar::otlp::internal {

Result<LogsData> DecodeLogsJson(std::string_view body);
Result<MetricsData> DecodeMetricsJson(std::string_view body);
Result<TracesSummary> DecodeTracesJson(std::string_view body);
Result<ExportResponse> DecodeResponseJson(Signal signal, std::string_view body);
Result<RpcStatus> DecodeRpcStatusJson(std::string_view body);

std::string EncodeLogsJson(const LogsData& logs);
std::string EncodeMetricsJson(const MetricsData& metrics);
std::string EncodeResponseJson(Signal signal, const ExportResponse& response);
std::string EncodeRpcStatusJson(const RpcStatus& status);

}  // namespace nightjar::otlp::internal
