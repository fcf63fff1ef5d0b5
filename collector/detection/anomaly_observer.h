// The hook for whoever acts on anomalies (the Lua rules' on_anomaly, alerting): an observer is
// told about every anomaly once it is stored.
//
//   class Rules : public AnomalyObserver {
//     void OnAnomaly(const Anomaly& a) override { ... a.metric, a.score, a.reason ... }
//   };
//   collector.AddAnomalyObserver(std::make_shared<Rules>());   // before Start()
//
// Thread-safety: OnAnomaly is called on the detection thread, one anomaly at a time, in the
// order they were stored; it delays the detection of later points (never ingestion), so an
// observer that does slow work should hand it to a thread of its own.
#pragma once

#include "store/anomaly.h"

namespace nightjar::collector {

class AnomalyObserver {
 public:
  virtual ~AnomalyObserver() = default;
  // Receives one stored anomaly (`anomaly.id` is set); valid for the call only.
  virtual void OnAnomaly(const Anomaly& anomaly) = 0;
};

}  // namespace nightjar::collector
