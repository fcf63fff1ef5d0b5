// The settings a running collector cannot change: what a reload (SIGHUP) keeps as they were
// started, and says so.
//
// A reload applies a new configuration live except for these keys: where the data lives (the
// open databases), the store's connection settings, the ingest queue and batch sizes (the
// pipeline's memory bounds), the HTTP servers' thread counts, the receiver's request limits, and
// whether the API shares the OTLP listener. KeepRestartOnly() sets each of them in the new
// configuration back to the running value and returns one change per key that differed, so the
// caller logs "<key> changed: needs a restart; keeping <value>" and applies the rest.
//
// Thread-safety: functions of their arguments.
#pragma once

#include <string>
#include <vector>

#include "config/collector_config.h"

namespace nightjar::collector {

// One restart-only setting whose new value was not applied.
struct RestartOnlyChange {
  std::string key;      // as written in the file, e.g. "store.path"
  std::string running;  // the value kept
  std::string wanted;   // the value the new configuration asked for
};

// Returns true when the API is served by the OTLP listener (both name the same fixed address).
bool SharesListener(const CollectorConfig& config);

// Sets every restart-only setting of `next` back to its value in `running`; returns those that
// differed, in file order.
std::vector<RestartOnlyChange> KeepRestartOnly(const CollectorConfig& running,
                                               CollectorConfig* next);

}  // namespace nightjar::collector
