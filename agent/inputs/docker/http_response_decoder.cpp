// Incremental HTTP/1.1 response decoding; see http_response_decoder.h.
#include "inputs/docker/http_response_decoder.h"

#include <algorithm>
#include <cctype>

namespace nightjar::agent::docker {
namespace {

constexpr size_t kMaxChunkLine = 1024;
constexpr size_t kMaxChunkSizeDigits = 10;  // chunks up to 2^40 bytes

// Returns `text` cut to 40 bytes with anything unprintable as '?', for error messages.
std::string Shown(std::string_view text) {
  std::string out(text.substr(0, 40));
  for (char& c : out) {
    if (!std::isprint(static_cast<unsigned char>(c))) c = '?';
  }
  return "\"" + out + (text.size() > 40 ? "...\"" : "\"");
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> ParseDecimal(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

std::optional<uint64_t> ParseHex(std::string_view s) {
  if (s.empty() || s.size() > kMaxChunkSizeDigits) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (!std::isxdigit(u)) return std::nullopt;
    int d = std::isdigit(u) ? c - '0' : std::tolower(u) - 'a' + 10;
    v = v * 16 + static_cast<uint64_t>(d);
  }
  return v;
}

}  // namespace

Status HttpResponseDecoder::Fail(std::string message) {
  error_ = Unavailable("malformed answer from the Docker daemon: " + message);
  return error_;
}

Status HttpResponseDecoder::Feed(std::string_view bytes) {
  if (!error_.ok()) return error_;
  if (ended_) return Status::Ok();  // nothing follows a response on these connections
  raw_.append(bytes);
  if (!head_done_) {
    size_t end = raw_.find("\r\n\r\n");
    if (end == std::string::npos || end > limits_.max_head_bytes) {
      // Wait while the terminator could still end within the bound, so that the answer does not
      // depend on how the bytes were cut.
      if (end == std::string::npos && raw_.size() < limits_.max_head_bytes + 4) {
        return Status::Ok();
      }
      return Fail("the response head is longer than " + std::to_string(limits_.max_head_bytes) +
                  " bytes");
    }
    NJ_RETURN_IF_ERROR(ParseHead(std::string_view(raw_).substr(0, end)));
    raw_.erase(0, end + 4);
    head_done_ = true;
    // These answers have no body whatever their headers say.
    if (status_ == 204 || status_ == 304) ended_ = true;
  }
  return DecodeBody();
}

Status HttpResponseDecoder::FeedEof() {
  eof_ = true;
  if (!error_.ok()) return error_;
  if (!head_done_) return Fail("the connection closed before the response head ended");
  if (!ended_ && !chunked_ && !content_left_) ended_ = true;  // the body ends with the connection
  if (!ended_) return Fail("the connection closed in the middle of the body");
  return Status::Ok();
}

Status HttpResponseDecoder::ParseHead(std::string_view head) {
  size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  // "HTTP/1.1 200 OK"
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ') {
    return Fail("the status line " + Shown(status_line) + " is not HTTP/1.x");
  }
  std::optional<uint64_t> code = ParseDecimal(status_line.substr(9, 3));
  if (!code || *code < 100 || *code > 599 || (status_line.size() > 12 && status_line[12] != ' ')) {
    return Fail("the status line " + Shown(status_line) + " has no valid status code");
  }
  if (*code < 200) return Fail("an interim " + std::to_string(*code) + " answer was not expected");
  status_ = static_cast<int>(*code);
  while (eol != std::string_view::npos) {
    size_t next = head.find("\r\n", eol + 2);
    NJ_RETURN_IF_ERROR(ParseHeader(head.substr(
        eol + 2, next == std::string_view::npos ? std::string_view::npos : next - eol - 2)));
    eol = next;
  }
  return Status::Ok();
}

Status HttpResponseDecoder::ParseHeader(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Fail("the header line " + Shown(line) + " has no name");
  }
  std::string_view name = line.substr(0, colon);
  std::string_view value = Trim(line.substr(colon + 1));
  if (EqualsIgnoreCase(name, "transfer-encoding")) {
    std::string lower(value);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.find("chunked") != std::string::npos) chunked_ = true;
  } else if (EqualsIgnoreCase(name, "content-length")) {
    std::optional<uint64_t> length = ParseDecimal(value);
    if (!length) return Fail("Content-Length " + Shown(value) + " is not a number");
    if (content_left_ && *content_left_ != *length) {
      return Fail("two different Content-Length headers");
    }
    content_left_ = length;
  }
  return Status::Ok();
}

Status HttpResponseDecoder::DecodeBody() {
  if (ended_) return Status::Ok();  // e.g. a 204: what follows its head is not its body
  if (chunked_) {
    NJ_RETURN_IF_ERROR(DecodeChunks());
  } else if (content_left_) {
    size_t take = static_cast<size_t>(std::min<uint64_t>(*content_left_, raw_.size()));
    body_.append(raw_, 0, take);
    raw_.erase(0, take);
    *content_left_ -= take;
    if (*content_left_ == 0) ended_ = true;
  } else {
    body_ += raw_;
    raw_.clear();
  }
  if (body_.size() > limits_.max_body_bytes) {
    return Fail("more than " + std::to_string(limits_.max_body_bytes) +
                " bytes of body arrived without being consumed");
  }
  return Status::Ok();
}

Status HttpResponseDecoder::DecodeChunks() {
  while (!raw_.empty() && !ended_) {
    if (in_chunk_) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(chunk_left_, raw_.size()));
      body_.append(raw_, 0, take);
      raw_.erase(0, take);
      chunk_left_ -= take;
      if (chunk_left_ > 0) return Status::Ok();
      in_chunk_ = false;
      chunk_crlf_ = true;
      continue;
    }
    if (chunk_crlf_) {
      if (raw_.size() < 2) return Status::Ok();
      if (raw_.compare(0, 2, "\r\n") != 0) return Fail("a chunk's data is not followed by CRLF");
      raw_.erase(0, 2);
      chunk_crlf_ = false;
      continue;
    }
    size_t eol = raw_.find("\r\n");
    if (eol == std::string::npos || eol > kMaxChunkLine) {
      if (eol == std::string::npos && raw_.size() < kMaxChunkLine + 2) return Status::Ok();
      return Fail("a chunk-size line is longer than " + std::to_string(kMaxChunkLine) + " bytes");
    }
    std::string_view line = std::string_view(raw_).substr(0, eol);
    std::string_view digits = Trim(line.substr(0, line.find(';')));  // chunk extensions ignored
    std::optional<uint64_t> size = ParseHex(digits);
    if (!size) return Fail("the chunk size " + Shown(line) + " is not a hexadecimal number");
    raw_.erase(0, eol + 2);
    if (*size == 0) {
      ended_ = true;  // trailers, if any, are not needed
      return Status::Ok();
    }
    in_chunk_ = true;
    chunk_left_ = *size;
  }
  return Status::Ok();
}

}  // namespace nightjar::agent::docker
