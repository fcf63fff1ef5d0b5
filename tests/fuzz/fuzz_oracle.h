// Oracles shared by the fuzz targets of sdk/otlp: what must hold for any input, beyond "does not
// crash".
//
// A decoder that accepts an input must produce a model that encodes to bytes the decoder accepts
// again and that re-encode to the very same bytes, in both encodings; bytes are compared rather
// than models because NaN != NaN. A decoder that refuses an input must say so with
// InvalidArgument and a message. Checks that need more than a round trip (exact JSON numbers,
// agreement of the protobuf wire checks, span counts, the gzip limit) are declared below too.
// When an oracle does not hold, the failure handler runs: by default it prints what went wrong
// and traps, so that libFuzzer records the input as a crash; the regression test installs one
// that throws, so that it can name the file.
//
// Thread-safety: the failure handler is process-wide; set it before running any check.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "otlp/codec.h"

namespace nightjar::fuzz {

// Receives the description of a failed oracle. It must not return normally: it either throws
// or ends the process (if it returns, the process traps anyway).
using OracleFailureHandler = void (*)(const std::string& description);

// Replaces the failure handler; nullptr restores the default (print to stderr and trap).
void SetOracleFailureHandler(OracleFailureHandler handler);

// Reports that the oracle `check` (a short kebab-case name, used to name reproducers) does not
// hold, with `detail` saying how.
[[noreturn]] void OracleFailed(std::string_view check, std::string_view detail);

// Reports `check` as failed unless `condition` holds.
void Expect(bool condition, std::string_view check, std::string_view detail = {});

// Reports `check` as failed unless `actual` is byte-for-byte `expected`; the detail shows where
// they first differ.
void ExpectSameBytes(std::string_view expected, std::string_view actual, std::string_view check);

// Reports `check` as failed unless `status` is the refusal of bad input: InvalidArgument with a
// message.
void ExpectRefusal(const Status& status, std::string_view check);

// Decodes `input` as an OTLP logs request and, when it is accepted, checks that it round-trips
// through both encodings.
void CheckLogsRequest(std::string_view input, otlp::Encoding encoding);

// Decodes `input` as an OTLP metrics request and, when it is accepted, checks that it round-trips
// through both encodings.
void CheckMetricsRequest(std::string_view input, otlp::Encoding encoding);

// Decodes `input` as the export response of each signal and, when it is accepted, checks that it
// round-trips through both encodings.
void CheckExportResponse(std::string_view input, otlp::Encoding encoding);

// Decodes `input` as a google.rpc.Status and, when it is accepted, checks that it round-trips
// through both encodings.
void CheckRpcStatus(std::string_view input, otlp::Encoding encoding);

// Decodes `input` as an OTLP traces request and checks the summary against an independent count
// of the same input, and against the summary of the same request in the other encoding.
void CheckTracesRequest(std::string_view input, otlp::Encoding encoding);

// The protobuf messages the decoders read.
enum class WireMessage {
  kLogsRequest,
  kMetricsRequest,
  kTracesRequest,
  kLogsResponse,
  kMetricsResponse,
  kTracesResponse,
  kRpcStatus,
};

// Checks that the three readings of protobuf bytes behind every protobuf decoder agree: the
// strict wire check and libprotobuf accept exactly the bytes in which the wire diagnosis finds
// nothing wrong, so that every refusal is explained.
void CheckProtobufWire(std::string_view input, WireMessage message);

// Checks that the OTLP/JSON decoder reads each number in `input` (up to 16 of them, when
// `input` starts as JSON) as the correctly rounded double that strtod gives.
void CheckJsonNumbers(std::string_view input);

// Decompresses `input` as gzip with a 1 MB limit and checks the limit and the round trip of the
// output and of `input` itself through GzipCompress.
void CheckGzip(std::string_view input);

}  // namespace nightjar::fuzz
