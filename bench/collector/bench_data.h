// Deterministic telemetry for the collector's benchmarks: app-log-like records (~150-byte
// bodies drawn from a fixed vocabulary, 10 attributes) and gauge/counter points. The same seed
// always gives the same data, so figures are comparable between runs.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "otlp/model.h"

namespace nightjar::collector::bench {

// Returns `count` log records in one resource/scope, timestamps from `start_unix_nano` one
// microsecond apart. `seed` varies bodies and attributes.
otlp::LogsData MakeLogs(uint64_t seed, size_t count, uint64_t start_unix_nano);

// Returns `points` gauge points spread over `series` series of metric "bench.latency" (one
// resource per 10 series), one point per series every `interval_nanos` from `start_unix_nano`.
otlp::MetricsData MakeMetrics(uint64_t seed, size_t series, size_t points_per_series,
                              uint64_t start_unix_nano, uint64_t interval_nanos);

// A word that appears in about one record in `every` (for selective full-text searches).
const char* RareWord();

}  // namespace nightjar::collector::bench
