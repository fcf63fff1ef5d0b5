// Queries over stored log records: search, context, volume.
//
// Search walks records newest first by id (= indexed time, see store_writer.h) and stops at
// the page size, so its cost is proportional to what it returns plus what filters skip, not to
// the table's size; full-text search walks the FTS index in the same order. Pagination is by
// keyset: the cursor is the id of the last record returned.
//
// Thread-safety: each function uses the caller's Reader, which belongs to the calling thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace nightjar::collector {

// Attribute or label equality filters: key -> value as text.
using Filters = std::vector<std::pair<std::string, std::string>>;

struct LogQuery {
  std::string words;  // every word must appear in the body (each is quoted for FTS5)
  std::string fts;    // a raw FTS5 query expression, ANDed with `words`
  std::string service;
  int severity_min = 0;
  int severity_max = 255;
  int64_t from_ms = 0;            // inclusive, indexed time
  int64_t to_ms = kMaxLogTimeMs;  // exclusive
  Filters attributes;             // record attributes
  Filters resource_attributes;
  Filters labels;         // classifier labels
  int64_t before_id = 0;  // the cursor: only ids below it; 0 = from the newest
  int limit = 100;
};

// A stored record with its stream, as the API returns it.
struct LogEntry {
  int64_t id = 0;
  uint64_t time_unix_nano = 0;
  uint64_t observed_time_unix_nano = 0;
  int32_t severity_number = 0;
  std::string severity_text;
  std::optional<std::string> body;
  std::optional<std::string> body_json;
  std::string attributes;
  uint32_t dropped_attributes_count = 0;
  uint32_t flags = 0;
  std::string trace_id;  // raw bytes; empty when unset
  std::string span_id;
  std::string event_name;
  std::optional<std::string> labels;  // JSON object
  int64_t scope_id = 0;
  std::string scope_name, scope_version, scope_attributes, scope_schema_url;
  uint32_t scope_dropped = 0;
  std::string resource_attributes, resource_schema_url, service;
  uint32_t resource_dropped = 0;
};

struct LogPage {
  std::vector<LogEntry> logs;
  std::optional<int64_t> next_cursor;  // set when more records may follow
};

// Returns a page of records matching `query`, newest first.
Result<LogPage> SearchLogs(Reader& reader, const LogQuery& query);

struct LogContext {
  std::vector<LogEntry> before;  // oldest first, ending just before the record
  LogEntry record;
  std::vector<LogEntry> after;  // oldest first, starting just after the record
};

// Returns up to `before`/`after` records around record `id` from the same stream (resource and
// scope); with `same_file`, only those with the same log.file.path attribute. NotFound when
// there is no such record.
Result<LogContext> GetLogContext(Reader& reader, int64_t id, int before, int after, bool same_file);

enum class VolumeSplit { kNone, kSeverity, kService };

struct VolumeQuery {
  LogQuery filter;  // words/fts/attribute/label filters force a scan of the records
  int64_t step_ms = 60000;
  VolumeSplit split = VolumeSplit::kSeverity;
  int max_buckets = 2000;
};

struct VolumeResult {
  int64_t start_ms = 0;  // start of the first bucket (aligned to a multiple of the step)
  int64_t step_ms = 0;
  size_t buckets = 0;
  // One series per severity level ("error", ...) or service, each with a count per bucket.
  std::vector<std::pair<std::string, std::vector<int64_t>>> series;
  bool from_rollup = false;  // answered from per-minute counts rather than records
};

// Returns record counts per time bucket, split by severity level or service.
Result<VolumeResult> LogVolume(Reader& reader, const VolumeQuery& query);

// Returns the severity level name of an OTLP severity number ("trace" .. "fatal",
// "unspecified").
const char* SeverityLevelName(int severity_number);

// Builds the SQL JSON path "$.\"key\"" for an attribute key; fails for keys SQLite's JSON path
// syntax cannot address (containing '"').
Result<std::string> JsonPath(const std::string& key);

}  // namespace nightjar::collector
