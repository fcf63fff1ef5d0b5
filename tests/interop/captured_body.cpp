// Decodes captured requests; see captured_body.h.
#include "captured_body.h"

#include <strings.h>

#include "otlp/gzip.h"

namespace nightjar::interop {
namespace {

// Far above anything the interop scripts send; a bound is required by GzipDecompress.
constexpr size_t kMaxPlainBody = 64 << 20;

}  // namespace

Result<otlp::Encoding> RequestEncoding(const CapturedRequest& request) {
  std::optional<std::string> content_type = request.Header("Content-Type");
  if (!content_type) return InvalidArgument("request has no Content-Type");
  std::optional<otlp::Encoding> encoding = otlp::EncodingFromContentType(*content_type);
  if (!encoding) return InvalidArgument("not an OTLP Content-Type: " + *content_type);
  return *encoding;
}

Result<std::string> PlainBody(const CapturedRequest& request) {
  std::optional<std::string> content_encoding = request.Header("Content-Encoding");
  if (!content_encoding || strcasecmp(content_encoding->c_str(), "identity") == 0) {
    return request.body;
  }
  if (strcasecmp(content_encoding->c_str(), "gzip") != 0) {
    return InvalidArgument("unexpected Content-Encoding: " + *content_encoding);
  }
  return otlp::GzipDecompress(request.body, kMaxPlainBody);
}

Result<otlp::LogsData> DecodeLogsRequest(const CapturedRequest& request) {
  NJ_ASSIGN_OR_RETURN(otlp::Encoding encoding, RequestEncoding(request));
  NJ_ASSIGN_OR_RETURN(std::string body, PlainBody(request));
  return otlp::DecodeLogs(body, encoding);
}

Result<otlp::MetricsData> DecodeMetricsRequest(const CapturedRequest& request) {
  NJ_ASSIGN_OR_RETURN(otlp::Encoding encoding, RequestEncoding(request));
  NJ_ASSIGN_OR_RETURN(std::string body, PlainBody(request));
  return otlp::DecodeMetrics(body, encoding);
}

}  // namespace nightjar::interop
