// OTLP/protobuf: the model in model.h to and from the binary protobuf encoding, using the
// libprotobuf classes generated from sdk/proto. Use codec.h rather than this header.
//
// Thread-safety: all functions are reentrant.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "otlp/model.h"

namespace nightjar::otlp::internal {

Result<LogsData> DecodeLogsProto(std::string_view body);
Result<MetricsData> DecodeMetricsProto(std::string_view body);
Result<TracesSummary> DecodeTracesProto(std::string_view body);
Result<ExportResponse> DecodeResponseProto(Signal signal, std::string_view body);
Result<RpcStatus> DecodeRpcStatusProto(std::string_view body);

std::string EncodeLogsProto(const LogsData& logs);
std::string EncodeMetricsProto(const MetricsData& metrics);
std::string EncodeResponseProto(Signal signal, const ExportResponse& response);
std::string EncodeRpcStatusProto(const RpcStatus& status);

}  // namespace nightjar::otlp::internal
