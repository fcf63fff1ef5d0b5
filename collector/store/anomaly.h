// An anomaly a detector plugin found in a metric series: a row of the anomalies table, an item
// of GET /api/v1/anomalies, and what anomaly observers (detection/anomaly_observer.h) receive.
//
// Thread-safety: plain value.
#pragma once

#include <cstdint>
#include <string>

namespace nightjar::collector {

struct Anomaly {
  // The row's id once stored: the point's time in milliseconds << 20 | a sequence, like a log
  // record's id, so ids order anomalies by time.
  int64_t id = 0;
  int64_t series_id = 0;  // the store's series (GET /api/v1/metrics/series lists them)
  std::string metric;
  std::string attributes = "{}";  // the point attributes, a JSON object in the store's form
  uint64_t time_unix_nano = 0;
  double value = 0;
  double score = 0;
  std::string reason;
  std::string detector;  // the detector instance's name (plugins.instances[].name)
  std::string plugin;    // the instance's plugin
  // The series' resource, read with the series (not stored in the anomalies table).
  std::string resource_attributes = "{}";
  std::string service;
};

}  // namespace nightjar::collector
