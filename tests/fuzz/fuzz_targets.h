// The fuzz targets, one per decoder of bytes from elsewhere: sdk/otlp's and the agent's.
//
// Each target is a plain function of the input bytes, so that the same source serves two
// builds: with NJ_FUZZ_LIBFUZZER defined (the fuzz tree), NJ_FUZZ_ENTRY_POINT gives it
// libFuzzer's entry point; otherwise the regression test calls it on every file of the target's
// corpus and regressions folders. A target returns normally when the oracles hold; otherwise it
// reports through the failure handler of fuzz_oracle.h.
//
// Thread-safety: the targets are reentrant; the failure handler is process-wide.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace nightjar::fuzz {

void FuzzDecodeLogsProto(std::string_view input);
void FuzzDecodeLogsJson(std::string_view input);
void FuzzDecodeMetricsProto(std::string_view input);
void FuzzDecodeMetricsJson(std::string_view input);
void FuzzDecodeTracesProto(std::string_view input);
void FuzzDecodeTracesJson(std::string_view input);
void FuzzDecodeResponseProto(std::string_view input);
void FuzzDecodeResponseJson(std::string_view input);
void FuzzDecodeRpcStatusProto(std::string_view input);
void FuzzDecodeRpcStatusJson(std::string_view input);
void FuzzGzipDecompress(std::string_view input);
// The agent's Docker input: the Engine API's HTTP answers, json-file lines and partial entries.
void FuzzDockerHttp(std::string_view input);
void FuzzDockerJsonLog(std::string_view input);

// A target: the name of its executable and of its folders under tests/fuzz/corpus and
// tests/fuzz/regressions, and its function.
struct FuzzTarget {
  const char* name;
  void (*run)(std::string_view input);
};

// Returns every target, in the order run.sh runs them.
std::span<const FuzzTarget> AllFuzzTargets();

}  // namespace nightjar::fuzz

#ifdef NJ_FUZZ_LIBFUZZER
// Defines libFuzzer's entry point as a call of `function`.
#define NJ_FUZZ_ENTRY_POINT(function)                                       \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { \
    function(std::string_view(reinterpret_cast<const char*>(data), size));  \
    return 0;                                                               \
  }                                                                         \
  static_assert(true, "the use of the macro ends with a semicolon")
#else
#define NJ_FUZZ_ENTRY_POINT(function) static_assert(true, "no libFuzzer entry point")
#endif
