// A small HTTP/1.1 client for the Docker Engine API on its unix socket: one-shot GET requests
// (listing and inspecting containers) and the never-ending events stream (chunked JSON lines).
// The answers are decoded by HttpResponseDecoder (bounded, fuzzed).
//
// Every call waits at most the time it is given, so the thread using it can notice a stop
// request; a closed connection or an HTTP error is an error, and the caller reconnects.
//
// Thread-safety: one object per thread.
#pragma once

#include <optional>
#include <string>

#include "base/status.h"
#include "inputs/docker/http_response_decoder.h"
#include "runtime/clock.h"
#include "runtime/units.h"

namespace nightjar::agent::docker {

class DockerApi {
 public:
  explicit DockerApi(std::string socket_path) : socket_path_(std::move(socket_path)) {}
  ~DockerApi() { Close(); }
  DockerApi(const DockerApi&) = delete;
  DockerApi& operator=(const DockerApi&) = delete;

  // Returns the body of GET `target` (e.g. "/containers/json?all=1") when the answer is 200.
  // NotFound for 404 (a container removed in the meantime).
  Result<std::string> Get(const std::string& target, Duration timeout);

  // Starts following GET `target` (the events stream): sends the request and reads the answer's
  // head. Replaces a stream opened before.
  Status OpenStream(const std::string& target, Duration timeout);

  // Returns the next line of the stream, or nullopt when none arrived within `timeout`. Fails
  // when the stream ended (the daemon stopped) or broke.
  Result<std::optional<std::string>> NextLine(Duration timeout);

  // Closes the stream.
  void Close();

  const std::string& socket_path() const { return socket_path_; }

 private:
  Status Connect();
  Status Send(const std::string& target);
  // Reads more bytes into the decoder; sets *timed_out when none came before the deadline.
  Status Fill(int64_t deadline_nanos, bool* timed_out);
  Status ReadHead(int64_t deadline_nanos);

  std::string socket_path_;
  int fd_ = -1;
  HttpResponseDecoder decoder_;
  bool eof_ = false;
};

// Returns `text` with the characters URL queries need escaped.
std::string UrlEncode(std::string_view text);

}  // namespace nightjar::agent::docker
