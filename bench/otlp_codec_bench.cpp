// Micro-benchmark of the OTLP codec: encode and decode a 1,000-record logs request (app-log
// records with ~150-byte bodies and 10 attributes) in protobuf and JSON, and gzip it.
//
// Run: build/release/bench/otlp_codec_bench --benchmark_repetitions=5
//        --benchmark_report_aggregates_only=true
// items_per_second is log records per second; bytes_per_second is encoded bytes per second.
#include <benchmark/benchmark.h>

#include "otlp/codec.h"
#include "otlp/gzip.h"
#include "test_data.h"

namespace nightjar::otlp {
namespace {

constexpr size_t kRecords = 1000;

const LogsData& Request() {
  static const LogsData* logs = new LogsData(testing::AppLogs(kRecords));
  return *logs;
}

void Encode(benchmark::State& state, Encoding encoding) {
  const LogsData& logs = Request();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string body = EncodeLogs(logs, encoding);
    bytes = body.size();
    benchmark::DoNotOptimize(body);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRecords));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["request_bytes"] = static_cast<double>(bytes);
}

void Decode(benchmark::State& state, Encoding encoding) {
  const std::string body = EncodeLogs(Request(), encoding);
  for (auto _ : state) {
    auto logs = DecodeLogs(body, encoding);
    if (!logs.ok()) state.SkipWithError(logs.status().message().c_str());
    benchmark::DoNotOptimize(logs);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRecords));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.counters["request_bytes"] = static_cast<double>(body.size());
}

void BM_EncodeLogsProtobuf(benchmark::State& state) { Encode(state, Encoding::kProtobuf); }
void BM_DecodeLogsProtobuf(benchmark::State& state) { Decode(state, Encoding::kProtobuf); }
void BM_EncodeLogsJson(benchmark::State& state) { Encode(state, Encoding::kJson); }
void BM_DecodeLogsJson(benchmark::State& state) { Decode(state, Encoding::kJson); }

// gzip at the level the agent uses, over the protobuf body; bytes are uncompressed bytes.
void BM_GzipProtobufBody(benchmark::State& state) {
  const std::string body = EncodeLogs(Request(), Encoding::kProtobuf);
  size_t compressed = 0;
  for (auto _ : state) {
    std::string out = GzipCompress(body, static_cast<int>(state.range(0)));
    compressed = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRecords));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.counters["ratio"] = static_cast<double>(body.size()) / static_cast<double>(compressed);
}

void BM_GunzipProtobufBody(benchmark::State& state) {
  const std::string body = EncodeLogs(Request(), Encoding::kProtobuf);
  const std::string compressed = GzipCompress(body, 6);
  for (auto _ : state) {
    auto out = GzipDecompress(compressed, 64u << 20);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRecords));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

BENCHMARK(BM_EncodeLogsProtobuf)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DecodeLogsProtobuf)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EncodeLogsJson)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DecodeLogsJson)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GzipProtobufBody)->Arg(1)->Arg(6)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GunzipProtobufBody)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace nightjar::otlp
