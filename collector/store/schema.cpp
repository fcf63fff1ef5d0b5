// Schema and migrations; see schema.h.
#include "store/schema.h"

#include <string>

namespace nightjar::collector {
namespace {

// Version 1: resources, scopes, logs with full-text search, metrics and their points.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE resources(
  id INTEGER PRIMARY KEY,
  attributes TEXT NOT NULL,
  dropped_attributes_count INTEGER NOT NULL,
  schema_url TEXT NOT NULL,
  service TEXT NOT NULL,
  UNIQUE(attributes, dropped_attributes_count, schema_url));
CREATE INDEX resources_service ON resources(service);
CREATE TABLE scopes(
  id INTEGER PRIMARY KEY,
  resource_id INTEGER NOT NULL REFERENCES resources(id),
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  attributes TEXT NOT NULL,
  dropped_attributes_count INTEGER NOT NULL,
  schema_url TEXT NOT NULL,
  UNIQUE(resource_id, name, version, attributes, dropped_attributes_count, schema_url));
CREATE TABLE logs(
  id INTEGER PRIMARY KEY,
  scope_id INTEGER NOT NULL,
  time_unix_nano INTEGER NOT NULL,
  observed_time_unix_nano INTEGER NOT NULL,
  severity_number INTEGER NOT NULL,
  severity_text TEXT NOT NULL,
  body TEXT,
  body_json TEXT,
  attributes TEXT NOT NULL,
  dropped_attributes_count INTEGER NOT NULL,
  flags INTEGER NOT NULL,
  trace_id BLOB,
  span_id BLOB,
  event_name TEXT NOT NULL);
CREATE INDEX logs_scope ON logs(scope_id);
CREATE VIRTUAL TABLE logs_fts USING fts5(text, content='', columnsize=0);
-- Retention deletes logs in id order; the index entries of their bodies go with them.
CREATE TRIGGER logs_fts_delete AFTER DELETE ON logs
  WHEN old.body IS NOT NULL OR old.body_json IS NOT NULL BEGIN
  INSERT INTO logs_fts(logs_fts, rowid, text)
    VALUES('delete', old.id, coalesce(old.body, old.body_json));
END;
CREATE TABLE metrics(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  unit TEXT NOT NULL,
  description TEXT NOT NULL,
  metadata TEXT NOT NULL,
  temporality INTEGER NOT NULL,
  monotonic INTEGER NOT NULL,
  UNIQUE(name, type, unit));
CREATE TABLE series(
  id INTEGER PRIMARY KEY,
  metric_id INTEGER NOT NULL REFERENCES metrics(id),
  resource_id INTEGER NOT NULL REFERENCES resources(id),
  scope_id INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  UNIQUE(metric_id, resource_id, attributes));
CREATE TABLE points(
  series_id INTEGER NOT NULL,
  time_unix_nano INTEGER NOT NULL,
  start_time_unix_nano INTEGER NOT NULL,
  value,
  flags INTEGER NOT NULL,
  exemplars TEXT,
  PRIMARY KEY(series_id, time_unix_nano)) WITHOUT ROWID;
CREATE TABLE dist_points(
  series_id INTEGER NOT NULL,
  time_unix_nano INTEGER NOT NULL,
  start_time_unix_nano INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum REAL,
  min REAL,
  max REAL,
  data TEXT NOT NULL,
  flags INTEGER NOT NULL,
  exemplars TEXT,
  PRIMARY KEY(series_id, time_unix_nano)) WITHOUT ROWID;
CREATE TABLE rollup_1m(
  series_id INTEGER NOT NULL,
  minute INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  first_time INTEGER NOT NULL,
  first_value REAL NOT NULL,
  last_time INTEGER NOT NULL,
  last_value REAL NOT NULL,
  PRIMARY KEY(series_id, minute)) WITHOUT ROWID;
)sql";

// Version 2: classifier labels on log records, per-minute log volume.
constexpr const char* kMigration2 = R"sql(
ALTER TABLE logs ADD COLUMN labels TEXT;
CREATE TABLE log_volume(
  minute INTEGER NOT NULL,
  scope_id INTEGER NOT NULL,
  severity_number INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY(minute, scope_id, severity_number)) WITHOUT ROWID;
INSERT INTO log_volume(minute, scope_id, severity_number, count)
  SELECT (id >> 20) / 60000, scope_id, severity_number, count(*) FROM logs
  GROUP BY 1, 2, 3;
)sql";

// Version 3: anomalies the detectors found. The id is time-ordered like a log id (the point's
// time in ms << 20 | a sequence), so "newest first", time ranges, cursors and retention are id
// ranges.
constexpr const char* kMigration3 = R"sql(
CREATE TABLE anomalies(
  id INTEGER PRIMARY KEY,
  series_id INTEGER NOT NULL,
  metric TEXT NOT NULL,
  attributes TEXT NOT NULL,
  time_unix_nano INTEGER NOT NULL,
  value REAL NOT NULL,
  score REAL NOT NULL,
  reason TEXT NOT NULL,
  detector TEXT NOT NULL,
  plugin TEXT NOT NULL);
CREATE INDEX anomalies_metric ON anomalies(metric, id);
CREATE INDEX anomalies_detector ON anomalies(detector, id);
)sql";

constexpr const char* kMigrations[] = {kMigration1, kMigration2, kMigration3};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion);

}  // namespace

Result<int> SchemaVersion(sqlite::Database* db) {
  NJ_ASSIGN_OR_RETURN(sqlite::Statement st, db->Prepare("PRAGMA user_version"));
  NJ_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? static_cast<int>(st.Int64(0)) : 0;
}

Status MigrateTo(sqlite::Database* db, int version) {
  NJ_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  if (current > kSchemaVersion) {
    return FailedPrecondition("database " + db->path() + " has schema version " +
                              std::to_string(current) + ", newer than this collector's " +
                              std::to_string(kSchemaVersion) + "; upgrade nightjar-collector");
  }
  for (int v = current + 1; v <= version && v <= kSchemaVersion; ++v) {
    NJ_ASSIGN_OR_RETURN(sqlite::Transaction txn, sqlite::Transaction::Begin(db));
    Status st = db->Exec(kMigrations[v - 1]);
    if (!st.ok()) return st.WithContext("schema migration to version " + std::to_string(v));
    NJ_RETURN_IF_ERROR(db->Exec("PRAGMA user_version = " + std::to_string(v)));
    NJ_RETURN_IF_ERROR(txn.Commit());
  }
  return Status::Ok();
}

Status Migrate(sqlite::Database* db) { return MigrateTo(db, kSchemaVersion); }

}  // namespace nightjar::collector
