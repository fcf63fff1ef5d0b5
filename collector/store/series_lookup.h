// Reads the identity of stored metric series (metric, unit, point and resource attributes) for
// the detection thread (detection/detection_runner.h), which is given only series ids.
//
// A read-only connection of its own: in WAL mode it never waits for the writer, and it does not
// take one of the query API's pooled readers for the collector's whole life.
//
// Thread-safety: one thread at a time (the detection thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "runtime/sqlite.h"
#include "store/store.h"

namespace nightjar::collector {

// What identifies a series, as stored: the metric, its point attributes and its resource.
struct SeriesIdentity {
  std::string metric;
  std::string unit;
  std::string attributes;           // JSON object (store form)
  std::string resource_attributes;  // JSON object (store form)
  std::string service;
};

class SeriesLookup {
 public:
  // Opens a read-only connection to the store's (already migrated) database.
  static Result<std::unique_ptr<SeriesLookup>> Open(const StoreOptions& options);
  ~SeriesLookup();

  // Returns the identity of series `series_id`; NotFound when there is no such series.
  Result<SeriesIdentity> Find(int64_t series_id);

 private:
  SeriesLookup(sqlite::Database db, sqlite::Statement select);

  sqlite::Database db_;
  sqlite::Statement select_;
};

}  // namespace nightjar::collector
