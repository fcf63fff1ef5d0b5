// The labelled NAB series in the shared development data (../shared/data/nab): values and the
// anomaly windows that scoring uses. For tests and evaluation only; never packaged.
//
// Thread-safety: plain values; loading is reentrant.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace nightjar::plugins::testing {

struct NabSeries {
  std::string name;            // e.g. "realKnownCause/machine_temperature_system_failure"
  std::vector<int64_t> times;  // Unix seconds
  std::vector<double> values;
  std::vector<std::pair<int64_t, int64_t>> windows;  // labelled anomaly windows, inclusive

  bool InWindow(int64_t t) const {
    for (const auto& [start, end] : windows) {
      if (t >= start && t <= end) return true;
    }
    return false;
  }
};

// Loads every series listed in labels/combined_windows.json under `nab_dir`.
Result<std::vector<NabSeries>> LoadNab(const std::string& nab_dir);

}  // namespace nightjar::plugins::testing
