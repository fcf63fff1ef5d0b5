// The OTLP/HTTP receiver: POST /v1/logs, /v1/metrics and /v1/traces.
//
// Per the OTLP/HTTP specification: protobuf and JSON bodies (by Content-Type), gzip
// (Content-Encoding), chunked bodies without Content-Length; 200 with an Export*ServiceResponse
// in the request's encoding, carrying partial_success when some items were rejected; 400 with
// a google.rpc.Status naming the problem for malformed bodies; 413 for bodies over the limit
// (also after decompression); 415 for other content types or encodings; 503 with Retry-After
// when the ingest queue is full or the store fails; 401 without a valid bearer token.
//
// A 200 is sent only after the request's rows are committed (see pipeline.h), so a client that
// got it never needs to send them again. A request waiting for its commit holds an HTTP thread;
// at most threads - 1 may wait at once, so one thread is always free to answer the others
// (503 when the writer is behind) instead of leaving them unanswered in the accept queue. Traces
// are decoded (validated) and counted, not stored.
//
// Thread-safety: handlers run concurrently on the HTTP server's threads.
#pragma once

#include <atomic>
#include <string>

#include "auth/bearer_auth.h"
#include "config/collector_config.h"
#include "otlp/codec.h"
#include "pipeline/pipeline.h"
#include "runtime/clock.h"
#include "runtime/http_server.h"
#include "self_metrics.h"

namespace nightjar::collector {

class OtlpHttpReceiver {
 public:
  OtlpHttpReceiver(const CollectorConfig::Receiver& options, const BearerAuth* auth,
                   Pipeline* pipeline, SelfMetrics* metrics, const Clock* clock = &Clock::System());

  // Adds the receiver's routes to `server`.
  void Register(HttpServer& server);

  // Handles one export request of `signal`.
  void Handle(otlp::Signal signal, HttpServer::Request& request, HttpServer::Response& response);

 private:
  struct Outcome;
  Outcome Process(otlp::Signal signal, HttpServer::Request& request,
                  HttpServer::Response& response);
  Outcome Ingest(otlp::Signal signal, std::string_view body, otlp::Encoding encoding);

  CollectorConfig::Receiver options_;
  const BearerAuth* auth_;
  Pipeline* pipeline_;
  SelfMetrics* metrics_;
  const Clock* clock_;
  std::atomic<int> waiting_{0};
  int max_waiting_;
};

}  // namespace nightjar::collector
