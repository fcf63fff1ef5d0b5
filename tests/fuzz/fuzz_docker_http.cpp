// Fuzz target: the Docker input's HTTP/1.1 response decoder (agent/inputs/docker/
// http_response_decoder.h). The first byte chooses how the rest is cut into pieces; the oracle is
// that the pieces decode exactly as the whole does (same status, body, end and error), and that
// what comes out is bounded by what went in.
#include "fuzz_oracle.h"
#include "fuzz_targets.h"
#include "inputs/docker/http_response_decoder.h"

namespace nightjar::fuzz {
namespace {

using agent::docker::HttpDecoderLimits;
using agent::docker::HttpResponseDecoder;

struct Outcome {
  bool ok = true;
  std::string error;
  bool head_done = false;
  int status = 0;
  bool ended = false;
  std::string body;
};

Outcome Decode(std::string_view bytes, size_t piece, bool eof) {
  HttpDecoderLimits limits;
  limits.max_head_bytes = 512;  // small bounds, so that inputs reach them
  limits.max_body_bytes = 4096;
  HttpResponseDecoder decoder(limits);
  Outcome out;
  for (size_t at = 0; at < bytes.size() && out.ok; at += piece) {
    Status st = decoder.Feed(bytes.substr(at, piece));
    out.ok = st.ok();
    out.error = st.message();
  }
  if (out.ok && eof) {
    Status st = decoder.FeedEof();
    out.ok = st.ok();
    out.error = st.message();
  }
  out.head_done = decoder.head_done();
  out.status = decoder.status();
  out.ended = decoder.ended();
  out.body = decoder.body();
  return out;
}

}  // namespace

void FuzzDockerHttp(std::string_view input) {
  if (input.empty()) return;
  size_t piece = 1 + static_cast<unsigned char>(input[0]) % 17;
  bool eof = (static_cast<unsigned char>(input[0]) & 0x80) != 0;
  std::string_view bytes = input.substr(1);
  Outcome whole = Decode(bytes, bytes.size() + 1, eof);
  Outcome pieces = Decode(bytes, piece, eof);
  Expect(whole.ok == pieces.ok, "http-split-changes-acceptance",
         whole.error + " | " + pieces.error);
  if (!whole.ok) {
    Expect(!whole.error.empty(), "http-refusal-without-message");
    return;
  }
  Expect(whole.head_done == pieces.head_done && whole.status == pieces.status &&
             whole.ended == pieces.ended,
         "http-split-changes-state");
  ExpectSameBytes(whole.body, pieces.body, "http-split-changes-body");
  Expect(whole.body.size() <= bytes.size(), "http-body-larger-than-input");
  Expect(!whole.head_done || (whole.status >= 200 && whole.status <= 599), "http-status-range");
}

}  // namespace nightjar::fuzz

NJ_FUZZ_ENTRY_POINT(nightjar::fuzz::FuzzDockerHttp);
