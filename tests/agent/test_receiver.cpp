// The test OTLP/HTTP logs receiver; see test_receiver.h.
#include "test_receiver.h"

#include <thread>

#include "otlp/codec.h"
#include "otlp/gzip.h"
#include "runtime/tls_context.h"

namespace nightjar::agent::testing {
namespace {

constexpr size_t kMaxBody = 256 << 20;

std::string StringAttribute(const otlp::Attributes& attributes, std::string_view key) {
  const otlp::AnyValue* v = otlp::FindAttribute(attributes, key);
  return v != nullptr && v->kind() == otlp::ValueKind::kString ? v->string_value() : "";
}

}  // namespace

TestReceiver::~TestReceiver() { Stop(); }

Status TestReceiver::Start() {
  HttpServerOptions options;
  options.port = port_;
  options.threads = 4;
  options.name = "test-receiver";
  if (!tls_.isNull()) ServeTls(&options, tls_);
  auto server = std::make_unique<HttpServer>(options);
  for (const char* path : {"/v1/logs", "/v1/metrics"}) {
    server->Route("POST", path,
                  [this](HttpServer::Request& request, HttpServer::Response& response) {
                    Handle(request, response);
                  });
  }
  NJ_RETURN_IF_ERROR(server->Start());
  std::lock_guard<std::mutex> lock(mutex_);
  port_ = server->port();
  server_ = std::move(server);
  return Status::Ok();
}

void TestReceiver::Stop() {
  std::unique_ptr<HttpServer> server;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    server = std::move(server_);
  }
  if (server) server->Stop();
}

std::string TestReceiver::endpoint() const {
  return (tls_.isNull() ? "http://127.0.0.1:" : "https://127.0.0.1:") + std::to_string(port_);
}

void TestReceiver::Script(const Reply& reply, int count) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (int i = 0; i < count; ++i) script_.push_back(reply);
}

void TestReceiver::SetDefault(const Reply& reply) {
  std::lock_guard<std::mutex> lock(mutex_);
  default_reply_ = reply;
}

std::vector<ReceivedRecord> TestReceiver::Records() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return records_;
}

size_t TestReceiver::record_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return records_.size();
}

std::vector<TestReceiver::Request> TestReceiver::Requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

std::vector<otlp::MetricsData> TestReceiver::Metrics() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return metrics_;
}

size_t TestReceiver::point_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return points_;
}

bool TestReceiver::WaitForRecords(size_t n, std::chrono::milliseconds timeout) const {
  return WaitUntil([&] { return record_count() >= n; }, timeout);
}

bool TestReceiver::WaitUntil(const std::function<bool()>& done,
                             std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(50));
  }
  return true;
}

void TestReceiver::Handle(HttpServer::Request& request, HttpServer::Response& response) {
  Request seen;
  seen.path = request.getURI();
  seen.at = std::chrono::steady_clock::now();
  seen.content_type = request.getContentType();
  seen.content_encoding = request.get("Content-Encoding", "");
  std::optional<std::string> body = HttpServer::ReadBody(request, kMaxBody);
  if (!body) {
    HttpServer::Send(response, 413, "text/plain", "too large\n");
    return;
  }
  seen.wire_bytes = body->size();
  if (seen.content_encoding == "gzip") {
    auto inflated = otlp::GzipDecompress(*body, kMaxBody);
    if (!inflated.ok()) {
      HttpServer::Send(response, 400, "text/plain", inflated.status().message());
      return;
    }
    body = std::move(*inflated);
  }
  auto encoding = otlp::EncodingFromContentType(seen.content_type);
  if (!encoding) {
    HttpServer::Send(response, 415, "text/plain", "unsupported content type\n");
    return;
  }
  const bool is_metrics = seen.path == "/v1/metrics";
  const otlp::Signal signal = is_metrics ? otlp::Signal::kMetrics : otlp::Signal::kLogs;
  Result<otlp::LogsData> logs = otlp::LogsData{};
  Result<otlp::MetricsData> metrics = otlp::MetricsData{};
  if (is_metrics) {
    metrics = otlp::DecodeMetrics(*body, *encoding);
  } else {
    logs = otlp::DecodeLogs(*body, *encoding);
  }
  if (!logs.ok() || !metrics.ok()) {
    HttpServer::Send(response, 400, "text/plain",
                     !logs.ok() ? logs.status().message() : metrics.status().message());
    return;
  }
  Reply reply;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!script_.empty()) {
      reply = script_.front();
      script_.pop_front();
    } else {
      reply = default_reply_;
    }
  }
  if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
  seen.status = reply.status;
  seen.records = is_metrics ? otlp::CountDataPoints(*metrics) : otlp::CountLogRecords(*logs);
  if (reply.status != 200) {
    if (!reply.retry_after.empty()) response.set("Retry-After", reply.retry_after);
    otlp::RpcStatus status{reply.status == 400 ? 3 : 14, reply.message};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(seen);
    }
    changed_.notify_all();
    HttpServer::Send(response, reply.status, otlp::ContentType(*encoding),
                     otlp::EncodeRpcStatus(status, *encoding));
    return;
  }
  if (is_metrics) {
    std::lock_guard<std::mutex> lock(mutex_);
    points_ += seen.records - std::min<size_t>(seen.records, static_cast<size_t>(reply.rejected));
    metrics_.push_back(std::move(*metrics));
    requests_.push_back(seen);
  } else {
    std::lock_guard<std::mutex> lock(mutex_);
    int64_t skip = reply.rejected;
    for (const otlp::ResourceLogs& rl : logs->resource_logs) {
      for (const otlp::ScopeLogs& sl : rl.scope_logs) {
        for (const otlp::LogRecord& r : sl.log_records) {
          if (skip > 0) {
            --skip;
            continue;
          }
          ReceivedRecord rec;
          if (r.body.kind() == otlp::ValueKind::kString) rec.body = r.body.string_value();
          rec.file_path = StringAttribute(r.attributes, "log.file.path");
          rec.severity_text = r.severity_text;
          rec.severity_number = r.severity_number;
          rec.time_unix_nano = r.time_unix_nano;
          rec.observed_time_unix_nano = r.observed_time_unix_nano;
          rec.attributes = r.attributes;
          rec.resource = rl.resource.attributes;
          records_.push_back(std::move(rec));
        }
      }
    }
    requests_.push_back(seen);
  }
  changed_.notify_all();
  otlp::ExportResponse answer;
  if (reply.rejected > 0) {
    answer.partial_success = otlp::ExportResponse::PartialSuccess{reply.rejected, reply.message};
  }
  HttpServer::Send(response, 200, otlp::ContentType(*encoding),
                   otlp::EncodeResponse(signal, answer, *encoding));
}

}  // namespace nightjar::agent::testing
