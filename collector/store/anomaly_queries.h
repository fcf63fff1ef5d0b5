// Queries over stored anomalies: GET /api/v1/anomalies.
//
// Anomaly ids are time-ordered like log ids (store_writer.h), so "newest first", time ranges and
// the keyset cursor (the id of the last anomaly returned) are id ranges; a metric or detector
// filter walks its own index in the same order.
//
// Thread-safety: each function uses the caller's Reader, which belongs to the calling thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/anomaly.h"
#include "store/store.h"
#include "store/store_writer.h"

namespace nightjar::collector {

struct AnomalyQuery {
  std::string metric;    // "" = every metric
  std::string detector;  // instance name; "" = every detector
  std::optional<double> min_score;
  int64_t from_ms = 0;            // inclusive, the point's time
  int64_t to_ms = kMaxLogTimeMs;  // exclusive
  int64_t before_id = 0;          // the cursor: only ids below it; 0 = from the newest
  int limit = 100;
};

struct AnomalyPage {
  std::vector<Anomaly> anomalies;
  std::optional<int64_t> next_cursor;  // set when more anomalies may follow
};

// Returns a page of anomalies matching `query`, newest first.
Result<AnomalyPage> SearchAnomalies(Reader& reader, const AnomalyQuery& query);

}  // namespace nightjar::collector
