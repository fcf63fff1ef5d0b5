// The persistent queue's schema of version 1 (before batches had a signal), as an agent of that
// version left it on disk: tests build such databases to check that an upgrade keeps them.
#pragma once

namespace nightjar::agent::testing {

inline constexpr char kQueueSchemaVersion1[] = R"sql(
PRAGMA page_size = 65536;
PRAGMA journal_mode = WAL;
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE batches(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_unix_ns INTEGER NOT NULL,
  records INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  content_encoding TEXT NOT NULL,
  body BLOB NOT NULL);
CREATE TABLE checkpoints(
  device INTEGER NOT NULL,
  inode INTEGER NOT NULL,
  input TEXT NOT NULL,
  path TEXT NOT NULL,
  fingerprint BLOB NOT NULL,
  offset INTEGER NOT NULL,
  flags INTEGER NOT NULL,
  updated_unix_ns INTEGER NOT NULL,
  PRIMARY KEY(device, inode)) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES('schema_version', '1');
INSERT INTO meta(key, value) VALUES('initialized', '1');
)sql";

}  // namespace nightjar::agent::testing
