// Decoding one HTTP/1.1 response as its bytes arrive, whatever pieces they come in: the head
// (status, Transfer-Encoding: chunked, Content-Length), then the body — chunked, of a known
// length, or up to the end of the connection. The Docker input reads the Engine API's answers
// with it; it is a decoder of bytes from another process, so it is bounded and fuzzed
// (tests/fuzz/fuzz_docker_http.cpp).
//
// Malformed input is an error that names what was wrong; the decoder then stays failed. Bounds:
// the head (max_head_bytes), a chunk-size line (1 KiB), a chunk size (2^40 bytes), and the
// decoded body waiting to be taken (max_body_bytes).
//
// Thread-safety: one object per connection, used by one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace nightjar::agent::docker {

struct HttpDecoderLimits {
  size_t max_head_bytes = 64 << 10;
  size_t max_body_bytes = 64 << 20;  // decoded and not yet taken
};

class HttpResponseDecoder {
 public:
  explicit HttpResponseDecoder(HttpDecoderLimits limits = {}) : limits_(limits) {}

  // Decodes `bytes`, which follow those fed before. Returns the decoder's error, if any.
  Status Feed(std::string_view bytes);
  // The peer closed the connection: a body without a length ends here; anything else unfinished
  // is an error.
  Status FeedEof();

  bool head_done() const { return head_done_; }
  int status() const { return status_; }
  bool chunked() const { return chunked_; }
  // Decoded body bytes not taken yet; the caller may erase what it consumed.
  std::string& body() { return body_; }
  // True once the whole body was decoded.
  bool ended() const { return ended_; }
  const Status& error() const { return error_; }

 private:
  Status Fail(std::string message);
  Status ParseHead(std::string_view head);
  Status ParseHeader(std::string_view line);
  Status DecodeBody();
  Status DecodeChunks();

  HttpDecoderLimits limits_;
  std::string raw_;  // received, not decoded yet
  std::string body_;
  Status error_;
  bool head_done_ = false;
  bool ended_ = false;
  bool eof_ = false;
  int status_ = 0;
  bool chunked_ = false;
  std::optional<uint64_t> content_left_;
  bool in_chunk_ = false;
  bool chunk_crlf_ = false;  // a chunk's data ended: its CRLF comes next
  uint64_t chunk_left_ = 0;
};

}  // namespace nightjar::agent::docker
