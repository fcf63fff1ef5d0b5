// The list of fuzz targets; see fuzz_targets.h. Kept in step with NJ_FUZZ_TARGETS in
// CMakeLists.txt and the folders under corpus/ (the regression test checks both ways).
#include "fuzz_targets.h"

#include <array>

namespace nightjar::fuzz {

std::span<const FuzzTarget> AllFuzzTargets() {
  static constexpr std::array<FuzzTarget, 13> kTargets = {{
      {"fuzz_decode_logs_proto", &FuzzDecodeLogsProto},
      {"fuzz_decode_logs_json", &FuzzDecodeLogsJson},
      {"fuzz_decode_metrics_proto", &FuzzDecodeMetricsProto},
      {"fuzz_decode_metrics_json", &FuzzDecodeMetricsJson},
      {"fuzz_decode_traces_proto", &FuzzDecodeTracesProto},
      {"fuzz_decode_traces_json", &FuzzDecodeTracesJson},
      {"fuzz_decode_response_proto", &FuzzDecodeResponseProto},
      {"fuzz_decode_response_json", &FuzzDecodeResponseJson},
      {"fuzz_decode_rpc_status_proto", &FuzzDecodeRpcStatusProto},
      {"fuzz_decode_rpc_status_json", &FuzzDecodeRpcStatusJson},
      {"fuzz_gzip_decompress", &FuzzGzipDecompress},
      {"fuzz_docker_http", &FuzzDockerHttp},
      {"fuzz_docker_json_log", &FuzzDockerJsonLog},
  }};
  return kTargets;
}

}  // namespace nightjar::fuzz
