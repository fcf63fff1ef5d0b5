// The collector's SQLite schema and its migrations.
//
// The schema version lives in PRAGMA user_version. Each migration takes the database from
// version N-1 to N inside one transaction, so an upgraded collector opens a database written
// by an older one, and a crash mid-migration leaves the old version intact. A database newer
// than this build is refused rather than misread.
//
// Tables (see docs/api.md for what the API returns from them):
//   resources, scopes      a record's stream = resource + scope; logs and series point here
//   logs                   one row per log record; id = (indexed time in ms << 20) | sequence,
//                          so id order is time order and a time range is an id range
//   logs_fts               FTS5 over log bodies (contentless: the text lives in logs)
//   log_volume             per-minute record counts by scope and severity, for volume charts
//   metrics, series        metric identity (name, type, unit) and series identity
//                          (metric + resource + point attributes)
//   points                 gauge and sum points, numbers kept exact (int64 or double)
//   dist_points            histogram, exponential histogram and summary points
//   rollup_1m              per-series per-minute count/sum/min/max/first/last of number points
//   anomalies              points the detector plugins found anomalous; id is time-ordered like
//                          a log id (the point's time)
//
// Thread-safety: functions take a connection owned by the caller's thread.
#pragma once

#include "base/status.h"
#include "runtime/sqlite.h"

namespace nightjar::collector {

// The schema version this build writes.
inline constexpr int kSchemaVersion = 3;

// Returns the database's schema version (0 for a new database).
Result<int> SchemaVersion(sqlite::Database* db);

// Migrates the database to kSchemaVersion. Fails when the database is newer than this build.
Status Migrate(sqlite::Database* db);

// Migrates to `version` only (tests use it to build databases of older versions).
Status MigrateTo(sqlite::Database* db, int version);

}  // namespace nightjar::collector
