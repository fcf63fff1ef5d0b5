// The alerts database's schema and its migrations (its own file, alerts.db, beside the main
// store's: the store's single writer holds its write lock nearly all the time, and alert
// transitions must not wait behind ingestion).
//
// As in the main store (store/schema.h), the version lives in PRAGMA user_version, each
// migration runs in one transaction, and a database newer than this build is refused.
//
// Tables:
//   alerts          the current alerts (pending, firing, recently resolved) with their state,
//                   timers (active_since keeps `for` across restarts), flap tracking,
//                   acknowledgement and which receivers heard of the current firing
//   alert_history   every visible transition and operator action, with its time
//   silences        operator silences (matchers as JSON)
//   notifications   one row per notification to one receiver: its payload, delivery state,
//                   attempts and last error. The id is the idempotency key; the columns are
//                   those of an outbox (next_attempt_at, group_key), so routing and grouping
//                   can grow on this table rather than replace it.
//   notification_groups  (version 2) per receiver and group key: when the group started, when
//                   it was last notified and what that notification carried
//
// Thread-safety: functions take a connection owned by the caller.
#pragma once

#include "base/status.h"
#include "runtime/sqlite.h"

namespace nightjar::collector::alerting {

// The schema version this build writes.
inline constexpr int kAlertSchemaVersion = 2;

// Returns the database's schema version (0 for a new database).
Result<int> AlertSchemaVersion(sqlite::Database* db);

// Migrates the database to kAlertSchemaVersion; fails when it is newer than this build.
Status MigrateAlerts(sqlite::Database* db);

}  // namespace nightjar::collector::alerting
