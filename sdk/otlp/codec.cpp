// Dispatches OTLP bodies to the protobuf or JSON codec; see codec.h.
#include "otlp/codec.h"

#include <cctype>

#include "otlp/json_codec.h"
#include "otlp/proto_codec.h"

namespace nightjar::otlp {

const char* ContentType(Encoding encoding) {
  return encoding == Encoding::kJson ? "application/json" : "application/x-protobuf";
}

std::optional<Encoding> EncodingFromContentType(std::string_view content_type) {
  size_t semicolon = content_type.find(';');
  if (semicolon != std::string_view::npos) content_type = content_type.substr(0, semicolon);
  while (!content_type.empty() && std::isspace(static_cast<unsigned char>(content_type.back()))) {
    content_type.remove_suffix(1);
  }
  while (!content_type.empty() && std::isspace(static_cast<unsigned char>(content_type.front()))) {
    content_type.remove_prefix(1);
  }
  std::string lower(content_type);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "application/x-protobuf" || lower == "application/protobuf") {
    return Encoding::kProtobuf;
  }
  if (lower == "application/json") return Encoding::kJson;
  return std::nullopt;
}

Result<LogsData> DecodeLogs(std::string_view body, Encoding encoding) {
  return encoding == Encoding::kJson ? internal::DecodeLogsJson(body)
                                     : internal::DecodeLogsProto(body);
}

Result<MetricsData> DecodeMetrics(std::string_view body, Encoding encoding) {
  return encoding == Encoding::kJson ? internal::DecodeMetricsJson(body)
                                     : internal::DecodeMetricsProto(body);
}

Result<TracesSummary> DecodeTraces(std::string_view body, Encoding encoding) {
  return encoding == Encoding::kJson ? internal::DecodeTracesJson(body)
                                     : internal::DecodeTracesProto(body);
}

std::string EncodeLogs(const LogsData& logs, Encoding encoding) {
  return encoding == Encoding::kJson ? internal::EncodeLogsJson(logs)
                                     : internal::EncodeLogsProto(logs);
}

std::string EncodeMetrics(const MetricsData& metrics, Encoding encoding) {
  return encoding == Encoding::kJson ? internal::EncodeMetricsJson(metrics)
                                     : internal::EncodeMetricsProto(metrics);
}

std::string EncodeResponse(Signal signal, const ExportResponse& response, Encoding encoding) {
  return encoding == Encoding::kJson ? internal::EncodeResponseJson(signal, response)
                                     : internal::EncodeResponseProto(signal, response);
}

Result<ExportResponse> DecodeResponse(Signal signal, std::string_view body, Encoding encoding) {
  return encoding == Encoding::kJson ? internal::DecodeResponseJson(signal, body)
                                     : internal::DecodeResponseProto(signal, body);
}

std::string EncodeRpcStatus(const RpcStatus& status, Encoding encoding) {
  return encoding == Encoding::kJson ? internal::EncodeRpcStatusJson(status)
                                     : internal::EncodeRpcStatusProto(status);
}

Result<RpcStatus> DecodeRpcStatus(std::string_view body, Encoding encoding) {
  return encoding == Encoding::kJson ? internal::DecodeRpcStatusJson(body)
                                     : internal::DecodeRpcStatusProto(body);
}

}  // namespace nightjar::otlp
