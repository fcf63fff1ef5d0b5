// OTLP/HTTP receiver; see otlp_http_receiver.h.
#include "receiver/otlp_http_receiver.h"

#include "base/logging.h"
#include "otlp/gzip.h"
#include "pipeline/prepare.h"

namespace nightjar::collector {
namespace {

// google.rpc.Code values used in error bodies.
constexpr int32_t kRpcInvalidArgument = 3;
constexpr int32_t kRpcResourceExhausted = 8;
constexpr int32_t kRpcUnavailable = 14;
constexpr int32_t kRpcUnauthenticated = 16;

// How much of an oversized body is read and thrown away before answering 413: a client that
// is still sending would otherwise see its connection reset instead of the answer.
constexpr size_t kDrainLimit = 64 << 20;

// Reads the body, at most `limit` bytes. Returns nullopt when it is longer; the rest is then
// drained (up to kDrainLimit) so that the 413 reaches the client.
std::optional<std::string> ReadLimited(HttpServer::Request& request, size_t limit) {
  std::istream& in = request.stream();
  std::string body;
  if (request.hasContentLength() && request.getContentLength64() >= 0 &&
      static_cast<uint64_t>(request.getContentLength64()) <= limit) {
    body.reserve(static_cast<size_t>(request.getContentLength64()));
  }
  char buffer[64 * 1024];
  size_t total = 0;
  while (in && total <= kDrainLimit) {
    in.read(buffer, sizeof(buffer));
    size_t n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    total += n;
    if (total <= limit) body.append(buffer, n);
  }
  if (total > limit) return std::nullopt;
  return body;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

// What the handler answers: a status, a body in the request's encoding, and why (for metrics).
struct OtlpHttpReceiver::Outcome {
  int http = 200;
  int32_t rpc_code = 0;
  std::string message;  // error message, or partial_success message
  int64_t rejected = 0;
  std::string reason;  // refusal reason label; "" for success
  bool retry_after = false;
  bool close = false;  // the body was not read to its end: close the connection
};

OtlpHttpReceiver::OtlpHttpReceiver(const CollectorConfig::Receiver& options, const BearerAuth* auth,
                                   Pipeline* pipeline, SelfMetrics* metrics, const Clock* clock)
    : options_(options),
      auth_(auth),
      pipeline_(pipeline),
      metrics_(metrics),
      clock_(clock),
      max_waiting_(std::max(1, options.threads - 1)) {}

void OtlpHttpReceiver::Register(HttpServer& server) {
  for (otlp::Signal signal : {otlp::Signal::kLogs, otlp::Signal::kMetrics, otlp::Signal::kTraces}) {
    server.Route("POST", std::string("/v1/") + otlp::SignalName(signal),
                 [this, signal](HttpServer::Request& req, HttpServer::Response& res) {
                   Handle(signal, req, res);
                 });
  }
}

void OtlpHttpReceiver::Handle(otlp::Signal signal, HttpServer::Request& request,
                              HttpServer::Response& response) {
  int64_t start = clock_->MonotonicNanos();
  auto encoding = otlp::EncodingFromContentType(request.getContentType());
  Outcome out = Process(signal, request, response);
  otlp::Encoding reply = encoding.value_or(otlp::Encoding::kJson);
  std::string body;
  if (out.http == 200) {
    otlp::ExportResponse r;
    if (out.rejected > 0 || !out.message.empty()) {
      r.partial_success = otlp::ExportResponse::PartialSuccess{out.rejected, out.message};
    }
    body = otlp::EncodeResponse(signal, r, reply);
  } else {
    body = otlp::EncodeRpcStatus(otlp::RpcStatus{out.rpc_code, out.message}, reply);
  }
  if (out.retry_after) {
    int64_t seconds = std::max<int64_t>(
        1, std::chrono::duration_cast<std::chrono::seconds>(options_.retry_after).count());
    response.set("Retry-After", std::to_string(seconds));
  }
  if (out.http == 401) response.set("WWW-Authenticate", "Bearer");
  if (out.close) response.setKeepAlive(false);
  if (!out.reason.empty()) {
    metrics_->refused_requests.With({otlp::SignalName(signal), out.reason}).Inc();
    if (out.http >= 500) {
      log::Warning("receiver", "request refused",
                   {{"signal", otlp::SignalName(signal)},
                    {"status", out.http},
                    {"reason", out.reason},
                    {"message", out.message}});
    }
  }
  HttpServer::Send(response, out.http, otlp::ContentType(reply), body);
  metrics_->RecordHttp(std::string("otlp_") + otlp::SignalName(signal), out.http,
                       static_cast<double>(clock_->MonotonicNanos() - start) / 1e9);
}

OtlpHttpReceiver::Outcome OtlpHttpReceiver::Process(otlp::Signal signal,
                                                    HttpServer::Request& request,
                                                    HttpServer::Response&) {
  Outcome out;
  auto refuse = [&](int http, int32_t rpc, std::string reason, std::string message) {
    out.http = http;
    out.rpc_code = rpc;
    out.reason = std::move(reason);
    out.message = std::move(message);
    return out;
  };
  if (!auth_->Check(request.get("Authorization", ""))) {
    metrics_->unauthorized.With({"ingest"}).Inc();
    out.close = true;
    return refuse(401, kRpcUnauthenticated, "unauthorized",
                  "missing or invalid bearer token (Authorization: Bearer <token>)");
  }
  auto encoding = otlp::EncodingFromContentType(request.getContentType());
  if (!encoding) {
    out.close = true;
    return refuse(415, kRpcInvalidArgument, "unsupported_media_type",
                  "unsupported Content-Type \"" + request.getContentType() +
                      "\"; use application/x-protobuf or application/json");
  }
  std::string content_encoding = Lower(request.get("Content-Encoding", ""));
  bool gzip = content_encoding == "gzip";
  if (!gzip && !content_encoding.empty() && content_encoding != "identity") {
    out.close = true;
    return refuse(415, kRpcInvalidArgument, "unsupported_media_type",
                  "unsupported Content-Encoding \"" + content_encoding + "\"; use gzip or none");
  }
  size_t limit = static_cast<size_t>(options_.max_body_size);
  std::optional<std::string> body;
  try {
    body = ReadLimited(request, limit);
  } catch (const std::exception& e) {
    out.close = true;
    return refuse(400, kRpcInvalidArgument, "read_error",
                  std::string("cannot read the request body: ") + e.what());
  }
  if (!body) {
    out.close = true;
    return refuse(413, kRpcResourceExhausted, "too_large",
                  "the request body exceeds " + FormatByteSize(limit));
  }
  if (gzip) {
    auto plain = otlp::GzipDecompress(*body, limit);
    if (!plain.ok()) {
      if (plain.status().code() == StatusCode::kResourceExhausted) {
        return refuse(413, kRpcResourceExhausted, "too_large",
                      "the decompressed request body exceeds " + FormatByteSize(limit));
      }
      return refuse(400, kRpcInvalidArgument, "malformed",
                    "bad gzip body: " + plain.status().message());
    }
    body = std::move(plain).value();
  }
  return Ingest(signal, *body, *encoding);
}

OtlpHttpReceiver::Outcome OtlpHttpReceiver::Ingest(otlp::Signal signal, std::string_view body,
                                                   otlp::Encoding encoding) {
  Outcome out;
  const char* name = otlp::SignalName(signal);
  auto malformed = [&](const Status& st) {
    out.http = 400;
    out.rpc_code = kRpcInvalidArgument;
    out.reason = "malformed";
    out.message = st.message();
    return out;
  };
  Result<std::future<Status>> submitted = Unavailable("");
  Rejections rejections;
  // Counts this request among those holding a thread until their commit.
  struct Waiting {
    explicit Waiting(std::atomic<int>* n) : n_(n), count_(n->fetch_add(1) + 1) {}
    ~Waiting() { n_->fetch_sub(1); }
    std::atomic<int>* n_;
    int count_;
  } waiting(&waiting_);
  if (signal != otlp::Signal::kTraces && waiting.count_ > max_waiting_) {
    out.http = 503;
    out.rpc_code = kRpcUnavailable;
    out.retry_after = true;
    out.reason = "busy";
    out.message = "all receiver threads are waiting for the store; retry later";
    return out;
  }
  int64_t items = 0;
  switch (signal) {
    case otlp::Signal::kTraces: {
      auto traces = otlp::DecodeTraces(body, encoding);
      if (!traces.ok()) return malformed(traces.status());
      metrics_->received.With({name}).Inc(static_cast<double>(traces->spans));
      return out;  // counted, not stored
    }
    case otlp::Signal::kLogs: {
      auto logs = otlp::DecodeLogs(body, encoding);
      if (!logs.ok()) return malformed(logs.status());
      PrepareOptions prepare;
      prepare.now_unix_nano = clock_->NowUnixNanos();
      prepare.max_future_skew_nanos = options_.max_future_skew.count();
      LogBatch batch = PrepareLogs(*logs, prepare);
      items = static_cast<int64_t>(batch.logs.size());
      metrics_->received.With({name}).Inc(static_cast<double>(items));
      if (items == 0) return out;
      submitted = pipeline_->SubmitLogs(std::move(batch), &*logs);
      break;
    }
    case otlp::Signal::kMetrics: {
      auto metrics = otlp::DecodeMetrics(body, encoding);
      if (!metrics.ok()) return malformed(metrics.status());
      MetricBatch batch = PrepareMetrics(*metrics, &rejections);
      items = static_cast<int64_t>(batch.points.size());
      metrics_->received.With({name}).Inc(static_cast<double>(items + rejections.count));
      metrics_->rejected.With({name}).Inc(static_cast<double>(rejections.count));
      out.rejected = rejections.count;
      out.message = rejections.message;
      if (items == 0) return out;
      submitted = pipeline_->SubmitMetrics(std::move(batch));
      break;
    }
  }
  out.retry_after = true;
  out.rpc_code = kRpcUnavailable;
  if (!submitted.ok()) {
    bool full = submitted.status().code() == StatusCode::kResourceExhausted;
    out.http = 503;
    out.reason = full ? "queue_full" : "shutting_down";
    out.message = submitted.status().message() + "; retry later";
    return out;
  }
  std::future<Status>& done = *submitted;
  if (done.wait_for(options_.commit_timeout) != std::future_status::ready) {
    out.http = 503;
    out.reason = "commit_timeout";
    out.message = "the records were not committed within " +
                  FormatDuration(options_.commit_timeout) + "; retry later";
    return out;
  }
  Status st = done.get();
  if (!st.ok()) {
    out.http = 503;
    out.reason = "store_error";
    out.message = "the records could not be stored: " + st.message();
    return out;
  }
  out.retry_after = false;
  out.rpc_code = 0;
  return out;
}

}  // namespace nightjar::collector
