// The gzip oracle; see fuzz_oracle.h.
//
// Receivers decompress request bodies before decoding them, with a limit so that a small "zip
// bomb" is refused instead of inflated. The limit is checked to be exact (the output size
// passes, one byte less does not), and compression is checked against decompression on the
// fuzz input itself, as one gzip member and as two.
#include <cstddef>
#include <string>

#include "fuzz_oracle.h"
#include "otlp/gzip.h"

namespace nightjar::fuzz {
namespace {

// Small enough that inflating to the limit stays fast; big enough for any fuzz input.
constexpr size_t kMaxSize = 1 << 20;

// Returns how a GzipDecompress result reads in a failure message.
std::string Describe(const Result<std::string>& result) {
  if (!result.ok()) return result.status().ToString();
  return "ok, " + std::to_string(result->size()) + " bytes";
}

}  // namespace

void CheckGzip(std::string_view input) {
  Result<std::string> out = otlp::GzipDecompress(input, kMaxSize);
  if (out.ok()) {
    Expect(out->size() <= kMaxSize, "gzip-limit-exceeded",
           std::to_string(out->size()) + " bytes out of a limit of " + std::to_string(kMaxSize));
    Result<std::string> exact = otlp::GzipDecompress(input, out->size());
    Expect(exact.ok() && *exact == *out, "gzip-exact-limit-refused",
           "a limit equal to the output size gives " + Describe(exact));
    if (!out->empty()) {
      Result<std::string> under = otlp::GzipDecompress(input, out->size() - 1);
      Expect(!under.ok() && under.status().code() == StatusCode::kResourceExhausted,
             "gzip-limit-not-enforced",
             "a limit one byte below the output size gives " + Describe(under));
    }
    Result<std::string> again = otlp::GzipDecompress(otlp::GzipCompress(*out), out->size());
    Expect(again.ok(), "gzip-output-roundtrip-refused", Describe(again));
    ExpectSameBytes(*out, *again, "gzip-output-roundtrip-changed");
  } else {
    StatusCode code = out.status().code();
    Expect((code == StatusCode::kInvalidArgument || code == StatusCode::kResourceExhausted) &&
               !out.status().message().empty(),
           "gzip-refusal",
           "expected invalid_argument or resource_exhausted with a message, got " +
               out.status().ToString());
  }

  // The input as data: every compression level must give back exactly the input, within a limit
  // of exactly its size.
  int level = 1 + static_cast<int>(input.size() % 9);
  Result<std::string> back = otlp::GzipDecompress(otlp::GzipCompress(input, level), input.size());
  Expect(back.ok(), "gzip-input-roundtrip-refused", Describe(back));
  ExpectSameBytes(input, *back, "gzip-input-roundtrip-changed");

  // Two members back to back (RFC 1952) decompress to the concatenation.
  std::string_view head = input.substr(0, input.size() / 2);
  std::string_view tail = input.substr(input.size() / 2);
  Result<std::string> joined = otlp::GzipDecompress(
      otlp::GzipCompress(head, level) + otlp::GzipCompress(tail, level), input.size());
  Expect(joined.ok(), "gzip-two-members-refused", Describe(joined));
  ExpectSameBytes(input, *joined, "gzip-two-members-changed");
}

}  // namespace nightjar::fuzz
