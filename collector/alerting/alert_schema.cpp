// The alerts database's schema; see alert_schema.h.
#include "alerting/alert_schema.h"

#include <string>

namespace nightjar::collector::alerting {
namespace {

// Version 1: alerts, their history, silences and notification records. Times are unix
// nanoseconds; labels, annotations and lists are JSON text.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE alerts(
  fingerprint TEXT PRIMARY KEY,
  rule TEXT NOT NULL,
  labels TEXT NOT NULL,
  annotations TEXT NOT NULL,
  value REAL NOT NULL,
  state TEXT NOT NULL,
  raw_state TEXT NOT NULL,
  last_condition TEXT NOT NULL,
  active_since INTEGER NOT NULL,
  last_active_at INTEGER NOT NULL,
  fired_at INTEGER NOT NULL,
  resolved_at INTEGER NOT NULL,
  state_changed_at INTEGER NOT NULL,
  evaluated_at INTEGER NOT NULL,
  flapping INTEGER NOT NULL,
  flapping_since INTEGER NOT NULL,
  flap_changes TEXT NOT NULL,
  ack_by TEXT,
  ack_at INTEGER,
  ack_comment TEXT,
  notified TEXT NOT NULL);
CREATE INDEX alerts_rule ON alerts(rule);
CREATE TABLE alert_history(
  id INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  rule TEXT NOT NULL,
  time_unix_nano INTEGER NOT NULL,
  event TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  value REAL NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT NOT NULL);
CREATE INDEX alert_history_fingerprint ON alert_history(fingerprint, id);
CREATE INDEX alert_history_time ON alert_history(time_unix_nano);
CREATE TABLE silences(
  id TEXT PRIMARY KEY,
  matchers TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  comment TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE TABLE notifications(
  id TEXT PRIMARY KEY,
  receiver TEXT NOT NULL,
  group_key TEXT NOT NULL,
  status TEXT NOT NULL,
  fingerprints TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  delivered_at INTEGER NOT NULL,
  last_error TEXT NOT NULL);
CREATE INDEX notifications_state ON notifications(state, next_attempt_at);
CREATE INDEX notifications_group ON notifications(receiver, group_key, state);
CREATE INDEX notifications_created ON notifications(created_at);
)sql";

// Version 2: the state of notification groups (notification_group.h). The firing and resolved
// episode lists are JSON arrays of strings.
constexpr const char* kMigration2 = R"sql(
CREATE TABLE notification_groups(
  receiver TEXT NOT NULL,
  group_key TEXT NOT NULL,
  first_at INTEGER NOT NULL,
  notified_at INTEGER NOT NULL,
  firing TEXT NOT NULL,
  resolved TEXT NOT NULL,
  state_hash TEXT NOT NULL,
  PRIMARY KEY(receiver, group_key));
)sql";

constexpr const char* kMigrations[] = {kMigration1, kMigration2};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kAlertSchemaVersion);

}  // namespace

Result<int> AlertSchemaVersion(sqlite::Database* db) {
  NJ_ASSIGN_OR_RETURN(sqlite::Statement st, db->Prepare("PRAGMA user_version"));
  NJ_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? static_cast<int>(st.Int64(0)) : 0;
}

Status MigrateAlerts(sqlite::Database* db) {
  NJ_ASSIGN_OR_RETURN(int current, AlertSchemaVersion(db));
  if (current > kAlertSchemaVersion) {
    return FailedPrecondition("alerts database " + db->path() + " has schema version " +
                              std::to_string(current) + ", newer than this collector's " +
                              std::to_string(kAlertSchemaVersion) + "; upgrade nightjar-collector");
  }
  for (int v = current + 1; v <= kAlertSchemaVersion; ++v) {
    NJ_ASSIGN_OR_RETURN(sqlite::Transaction txn, sqlite::Transaction::Begin(db));
    Status st = db->Exec(kMigrations[v - 1]);
    if (!st.ok()) return st.WithContext("alerts schema migration to version " + std::to_string(v));
    NJ_RETURN_IF_ERROR(db->Exec("PRAGMA user_version = " + std::to_string(v)));
    NJ_RETURN_IF_ERROR(txn.Commit());
  }
  return Status::Ok();
}

}  // namespace nightjar::collector::alerting
