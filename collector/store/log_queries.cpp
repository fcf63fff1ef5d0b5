// Log search, context and volume; see log_queries.h.
#include "store/log_queries.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "store/sql_builder.h"

namespace nightjar::collector {
namespace {

constexpr const char* kColumns =
    "SELECT l.id, l.time_unix_nano, l.observed_time_unix_nano, l.severity_number, "
    "l.severity_text, l.body, l.body_json, l.attributes, l.dropped_attributes_count, l.flags, "
    "l.trace_id, l.span_id, l.event_name, l.labels, s.id, s.name, s.version, s.attributes, "
    "s.dropped_attributes_count, s.schema_url, r.attributes, r.dropped_attributes_count, "
    "r.schema_url, r.service ";

// CROSS JOIN fixes the join order: records drive the scan in id order, and their stream is
// looked up by primary key, so a filter never makes SQLite sort the whole table.
constexpr const char* kStreamJoin =
    " CROSS JOIN scopes s ON s.id = l.scope_id CROSS JOIN resources r ON r.id = s.resource_id ";

std::optional<std::string> OptionalText(const sqlite::Statement& st, int column) {
  if (st.IsNull(column)) return std::nullopt;
  return std::string(st.Text(column));
}

LogEntry ReadEntry(const sqlite::Statement& st) {
  LogEntry e;
  e.id = st.Int64(0);
  e.time_unix_nano = static_cast<uint64_t>(st.Int64(1));
  e.observed_time_unix_nano = static_cast<uint64_t>(st.Int64(2));
  e.severity_number = static_cast<int32_t>(st.Int64(3));
  e.severity_text = st.Text(4);
  e.body = OptionalText(st, 5);
  e.body_json = OptionalText(st, 6);
  e.attributes = st.Text(7);
  e.dropped_attributes_count = static_cast<uint32_t>(st.Int64(8));
  e.flags = static_cast<uint32_t>(st.Int64(9));
  e.trace_id = st.Blob(10);
  e.span_id = st.Blob(11);
  e.event_name = st.Text(12);
  e.labels = OptionalText(st, 13);
  e.scope_id = st.Int64(14);
  e.scope_name = st.Text(15);
  e.scope_version = st.Text(16);
  e.scope_attributes = st.Text(17);
  e.scope_dropped = static_cast<uint32_t>(st.Int64(18));
  e.scope_schema_url = st.Text(19);
  e.resource_attributes = st.Text(20);
  e.resource_dropped = static_cast<uint32_t>(st.Int64(21));
  e.resource_schema_url = st.Text(22);
  e.service = st.Text(23);
  return e;
}

// Returns `words` as an FTS5 expression: each whitespace-separated word a quoted string, so
// that punctuation in log text ("user-id", "a:b") never reads as query syntax.
std::string QuoteWords(const std::string& words) {
  std::string out;
  size_t i = 0;
  while (i < words.size()) {
    while (i < words.size() && std::isspace(static_cast<unsigned char>(words[i]))) ++i;
    size_t start = i;
    while (i < words.size() && !std::isspace(static_cast<unsigned char>(words[i]))) ++i;
    if (i == start) break;
    if (!out.empty()) out += ' ';
    out += '"';
    for (size_t j = start; j < i; ++j) {
      if (words[j] == '"') out += '"';
      out += words[j];
    }
    out += '"';
  }
  return out;
}

std::string MatchExpression(const LogQuery& q) {
  std::string quoted = QuoteWords(q.words);
  if (q.fts.empty()) return quoted;
  if (quoted.empty()) return q.fts;
  return "(" + q.fts + ") AND " + quoted;
}

// Appends FROM ... WHERE for `q`; `id` names the column the scan is ordered by.
Status AppendFilters(SqlBuilder& b, const LogQuery& q, std::string* id_column) {
  std::string match = MatchExpression(q);
  if (!match.empty()) {
    b.Sql("FROM logs_fts f CROSS JOIN logs l ON l.id = f.rowid").Sql(kStreamJoin);
    b.Sql("WHERE logs_fts MATCH ").Param(match);
    *id_column = "f.rowid";
  } else {
    b.Sql("FROM logs l").Sql(kStreamJoin).Sql("WHERE 1");
    *id_column = "l.id";
  }
  const std::string& id = *id_column;
  b.Sql(" AND ").Sql(id).Sql(" >= ").Param(
      LogIdAt(std::clamp<int64_t>(q.from_ms, 0, kMaxLogTimeMs)));
  b.Sql(" AND ").Sql(id).Sql(" < ").Param(LogIdAt(std::clamp<int64_t>(q.to_ms, 0, kMaxLogTimeMs)));
  if (q.before_id > 0) b.Sql(" AND ").Sql(id).Sql(" < ").Param(q.before_id);
  // Unary + keeps SQLite from using an index on these columns instead of walking ids.
  if (!q.service.empty()) b.Sql(" AND +r.service = ").Param(q.service);
  if (q.severity_min > 0) b.Sql(" AND +l.severity_number >= ").Param(int64_t{q.severity_min});
  if (q.severity_max < 255) b.Sql(" AND +l.severity_number <= ").Param(int64_t{q.severity_max});
  for (const auto& [k, v] : q.attributes) NJ_RETURN_IF_ERROR(b.AndJsonEquals("l.attributes", k, v));
  for (const auto& [k, v] : q.resource_attributes) {
    NJ_RETURN_IF_ERROR(b.AndJsonEquals("r.attributes", k, v));
  }
  for (const auto& [k, v] : q.labels) NJ_RETURN_IF_ERROR(b.AndJsonEquals("l.labels", k, v));
  return Status::Ok();
}

bool NeedsScan(const LogQuery& q) {
  return !q.words.empty() || !q.fts.empty() || !q.attributes.empty() ||
         !q.resource_attributes.empty() || !q.labels.empty();
}

Status QueryError(const Reader& reader, const Status& st) {
  Status checked = reader.Check(st);
  if (checked.code() == StatusCode::kInvalidArgument &&
      checked.message().find("fts5") != std::string::npos) {
    return InvalidArgument("fts: " + checked.message());
  }
  return checked;
}

Result<std::vector<LogEntry>> ReadEntries(Reader& reader, sqlite::Statement& st) {
  std::vector<LogEntry> out;
  Status status =
      reader.ForEach(st, [&](const sqlite::Statement& row) { out.push_back(ReadEntry(row)); });
  if (!status.ok()) return QueryError(reader, status);
  return out;
}

}  // namespace

Result<std::string> JsonPath(const std::string& key) {
  if (key.find('"') != std::string::npos) {
    return InvalidArgument("attribute key " + key + " contains '\"', which cannot be filtered");
  }
  return "$.\"" + key + "\"";
}

const char* SeverityLevelName(int n) {
  if (n <= 0 || n > 24) return "unspecified";
  static const char* const kNames[] = {"trace", "debug", "info", "warn", "error", "fatal"};
  return kNames[(n - 1) / 4];
}

Result<LogPage> SearchLogs(Reader& reader, const LogQuery& query) {
  SqlBuilder b;
  b.Sql(kColumns);
  std::string id;
  NJ_RETURN_IF_ERROR(AppendFilters(b, query, &id));
  b.Sql(" ORDER BY ").Sql(id).Sql(" DESC LIMIT ").Param(int64_t{query.limit} + 1);
  auto st = b.Prepare(reader.db());
  if (!st.ok()) return QueryError(reader, st.status());
  NJ_ASSIGN_OR_RETURN(std::vector<LogEntry> entries, ReadEntries(reader, *st));
  LogPage page;
  if (entries.size() > static_cast<size_t>(query.limit)) {
    entries.resize(static_cast<size_t>(query.limit));
    page.next_cursor = entries.back().id;
  }
  page.logs = std::move(entries);
  return page;
}

Result<LogContext> GetLogContext(Reader& reader, int64_t id, int before, int after,
                                 bool same_file) {
  LogContext ctx;
  {
    SqlBuilder b;
    b.Sql(kColumns).Sql("FROM logs l").Sql(kStreamJoin).Sql("WHERE l.id = ").Param(id);
    NJ_ASSIGN_OR_RETURN(sqlite::Statement st, b.Prepare(reader.db()));
    NJ_ASSIGN_OR_RETURN(std::vector<LogEntry> found, ReadEntries(reader, st));
    if (found.empty()) return NotFound("no log record with id " + std::to_string(id));
    ctx.record = std::move(found.front());
  }
  std::optional<std::string> file;
  if (same_file) {
    SqlBuilder b;
    b.Sql(
         "SELECT CAST(json_extract(attributes, '$.\"log.file.path\"') AS TEXT) FROM logs "
         "WHERE id = ")
        .Param(id);
    NJ_ASSIGN_OR_RETURN(sqlite::Statement st, b.Prepare(reader.db()));
    NJ_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row && !st.IsNull(0)) file = std::string(st.Text(0));
  }
  for (bool older : {true, false}) {
    int n = older ? before : after;
    if (n <= 0) continue;
    SqlBuilder b;
    b.Sql(kColumns).Sql("FROM logs l").Sql(kStreamJoin).Sql("WHERE l.scope_id = ");
    b.Param(ctx.record.scope_id).Sql(older ? " AND l.id < " : " AND l.id > ").Param(id);
    if (file) NJ_RETURN_IF_ERROR(b.AndJsonEquals("l.attributes", "log.file.path", *file));
    b.Sql(older ? " ORDER BY l.id DESC" : " ORDER BY l.id ASC").Sql(" LIMIT ").Param(int64_t{n});
    NJ_ASSIGN_OR_RETURN(sqlite::Statement st, b.Prepare(reader.db()));
    NJ_ASSIGN_OR_RETURN(std::vector<LogEntry> entries, ReadEntries(reader, st));
    if (older) {
      std::reverse(entries.begin(), entries.end());
      ctx.before = std::move(entries);
    } else {
      ctx.after = std::move(entries);
    }
  }
  return ctx;
}

Result<VolumeResult> LogVolume(Reader& reader, const VolumeQuery& query) {
  const LogQuery& q = query.filter;
  if (query.step_ms <= 0) return InvalidArgument("step: must be positive");
  VolumeResult out;
  out.step_ms = query.step_ms;
  out.start_ms = q.from_ms - q.from_ms % query.step_ms;
  int64_t end_ms = std::min(q.to_ms, kMaxLogTimeMs);
  if (end_ms <= out.start_ms) return out;
  int64_t buckets = (end_ms - out.start_ms + query.step_ms - 1) / query.step_ms;
  if (buckets > query.max_buckets) {
    return InvalidArgument("step: " + std::to_string(buckets) + " buckets in the range; at most " +
                           std::to_string(query.max_buckets) + " (use a larger step)");
  }
  out.buckets = static_cast<size_t>(buckets);
  out.from_rollup = !NeedsScan(q) && query.step_ms % 60000 == 0;
  SqlBuilder b;
  std::string split = query.split == VolumeSplit::kService ? "r.service" : "''";
  if (out.from_rollup) {
    b.Sql("SELECT v.minute * 60000, v.severity_number, ").Sql(split).Sql(", sum(v.count) ");
    b.Sql(
         "FROM log_volume v CROSS JOIN scopes s ON s.id = v.scope_id CROSS JOIN resources r ON "
         "r.id = s.resource_id WHERE v.minute >= ")
        .Param(out.start_ms / 60000)
        .Sql(" AND v.minute < ")
        .Param((end_ms + 59999) / 60000);
    if (!q.service.empty()) b.Sql(" AND r.service = ").Param(q.service);
    if (q.severity_min > 0) b.Sql(" AND v.severity_number >= ").Param(int64_t{q.severity_min});
    if (q.severity_max < 255) b.Sql(" AND v.severity_number <= ").Param(int64_t{q.severity_max});
    b.Sql(" GROUP BY 1, 2, 3");
  } else {
    LogQuery scan = q;
    scan.from_ms = out.start_ms;
    b.Sql("SELECT (l.id >> 20), l.severity_number, ").Sql(split).Sql(", 1 ");
    std::string id;
    NJ_RETURN_IF_ERROR(AppendFilters(b, scan, &id));
  }
  auto st = b.Prepare(reader.db());
  if (!st.ok()) return QueryError(reader, st.status());
  std::map<std::string, std::vector<int64_t>> series;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return QueryError(reader, row.status());
    if (!*row) break;
    int64_t t = st->Int64(0);
    if (t < out.start_ms || t >= end_ms + 60000) continue;
    size_t bucket = static_cast<size_t>((t - out.start_ms) / query.step_ms);
    if (bucket >= out.buckets) continue;
    std::string key;
    switch (query.split) {
      case VolumeSplit::kNone:
        key = "all";
        break;
      case VolumeSplit::kSeverity:
        key = SeverityLevelName(static_cast<int>(st->Int64(1)));
        break;
      case VolumeSplit::kService:
        key = st->Text(2);
        break;
    }
    auto& counts = series[key];
    if (counts.empty()) counts.resize(out.buckets);
    counts[bucket] += st->Int64(3);
  }
  for (auto& [k, v] : series) out.series.emplace_back(k, std::move(v));
  return out;
}

}  // namespace nightjar::collector
