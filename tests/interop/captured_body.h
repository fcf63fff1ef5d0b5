// Turns a captured OTLP/HTTP request into decoded data the way a receiver would: the encoding
// from Content-Type, gzip undone when Content-Encoding says so, then Nightjar's decoder.
//
// Thread-safety: all functions are reentrant.
#pragma once

#include <string>

#include "base/status.h"
#include "capture_server.h"
#include "otlp/codec.h"

namespace nightjar::interop {

// Returns the payload encoding named by the request's Content-Type.
Result<otlp::Encoding> RequestEncoding(const CapturedRequest& request);

// Returns the body with its Content-Encoding (gzip or none) undone.
Result<std::string> PlainBody(const CapturedRequest& request);

// Decodes a captured logs request with otlp::DecodeLogs.
Result<otlp::LogsData> DecodeLogsRequest(const CapturedRequest& request);

// Decodes a captured metrics request with otlp::DecodeMetrics.
Result<otlp::MetricsData> DecodeMetricsRequest(const CapturedRequest& request);

}  // namespace nightjar::interop
