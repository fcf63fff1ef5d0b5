// The store's writer; see store_writer.h.
#include "store/store_writer.h"

#include "store/value_json.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

namespace nightjar::collector {
namespace {

constexpr char kSep = '\x1f';

std::string ResourceKey(const StreamRow& s) {
  std::string key = s.resource_attributes;
  key += kSep;
  key += std::to_string(s.resource_dropped);
  key += kSep;
  key += s.resource_schema_url;
  return key;
}

std::optional<double> NumberOf(const PointRow& p) {
  if (p.int_value) return static_cast<double>(*p.int_value);
  if (p.double_value) return *p.double_value;
  if (p.is_distribution && p.sum && p.count > 0) return *p.sum / static_cast<double>(p.count);
  return std::nullopt;
}

constexpr int64_t kNanosPerMinute = 60'000'000'000;

struct Rollup {
  int64_t count = 0;
  double sum = 0, min = 0, max = 0;
  int64_t first_time = 0, last_time = 0;
  double first_value = 0, last_value = 0;
};

}  // namespace

struct StoreWriter::Statements {
  sqlite::Statement insert_resource, select_resource, insert_scope, select_scope;
  sqlite::Statement insert_log, insert_fts, upsert_volume;
  sqlite::Statement insert_metric, select_metric, insert_series, select_series;
  sqlite::Statement insert_point, insert_dist, upsert_rollup;
  sqlite::Statement delete_logs, delete_volume, next_series, delete_points, delete_dist,
      delete_rollup, oldest_log, delete_anomalies, insert_anomaly;
};

StoreWriter::StoreWriter(sqlite::Database db) : db_(std::move(db)) {}
StoreWriter::~StoreWriter() = default;

Result<std::unique_ptr<StoreWriter>> StoreWriter::Create(sqlite::Database db) {
  std::unique_ptr<StoreWriter> w(new StoreWriter(std::move(db)));
  // After a restart the log file is cut back to this size rather than kept at its peak.
  NJ_RETURN_IF_ERROR(
      w->db_.Exec("PRAGMA journal_size_limit = " + std::to_string(kWalRestartBytes)));
  sqlite3_wal_hook(w->db_.raw(), &StoreWriter::OnWal, w.get());
  NJ_RETURN_IF_ERROR(w->PrepareAll());
  return w;
}

Status StoreWriter::PrepareAll() {
  auto prep = [&](const char* sql) { return db_.Prepare(sql); };
#define NJ_PREP(field, sql)   \
  auto field##_r = prep(sql); \
  if (!field##_r.ok()) return field##_r.status();
  NJ_PREP(insert_resource,
          "INSERT INTO resources(attributes, dropped_attributes_count, schema_url, service) "
          "VALUES(?, ?, ?, ?) ON CONFLICT DO NOTHING")
  NJ_PREP(select_resource,
          "SELECT id FROM resources WHERE attributes = ? AND dropped_attributes_count = ? AND "
          "schema_url = ?")
  NJ_PREP(insert_scope,
          "INSERT INTO scopes(resource_id, name, version, attributes, dropped_attributes_count, "
          "schema_url) VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
  NJ_PREP(select_scope,
          "SELECT id FROM scopes WHERE resource_id = ? AND name = ? AND version = ? AND "
          "attributes = ? AND dropped_attributes_count = ? AND schema_url = ?")
  NJ_PREP(insert_log,
          "INSERT OR IGNORE INTO logs(id, scope_id, time_unix_nano, observed_time_unix_nano, "
          "severity_number, severity_text, body, body_json, attributes, "
          "dropped_attributes_count, flags, trace_id, span_id, event_name, labels) "
          "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
  NJ_PREP(insert_fts, "INSERT INTO logs_fts(rowid, text) VALUES(?, ?)")
  NJ_PREP(upsert_volume,
          "INSERT INTO log_volume(minute, scope_id, severity_number, count) VALUES(?, ?, ?, ?) "
          "ON CONFLICT DO UPDATE SET count = count + excluded.count")
  NJ_PREP(insert_metric,
          "INSERT INTO metrics(name, type, unit, description, metadata, temporality, monotonic) "
          "VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
  NJ_PREP(select_metric, "SELECT id FROM metrics WHERE name = ? AND type = ? AND unit = ?")
  NJ_PREP(insert_series,
          "INSERT INTO series(metric_id, resource_id, scope_id, attributes) VALUES(?, ?, ?, ?) "
          "ON CONFLICT DO NOTHING")
  NJ_PREP(select_series,
          "SELECT id FROM series WHERE metric_id = ? AND resource_id = ? AND attributes = ?")
  NJ_PREP(insert_point,
          "INSERT OR IGNORE INTO points(series_id, time_unix_nano, start_time_unix_nano, value, "
          "flags, exemplars) VALUES(?, ?, ?, ?, ?, ?)")
  NJ_PREP(insert_dist,
          "INSERT OR IGNORE INTO dist_points(series_id, time_unix_nano, start_time_unix_nano, "
          "count, sum, min, max, data, flags, exemplars) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
  NJ_PREP(upsert_rollup,
          "INSERT INTO rollup_1m(series_id, minute, count, sum, min, max, first_time, "
          "first_value, last_time, last_value) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT DO UPDATE SET count = count + excluded.count, "
          "sum = sum + excluded.sum, min = min(min, excluded.min), "
          "max = max(max, excluded.max), "
          "first_value = CASE WHEN excluded.first_time < first_time THEN excluded.first_value "
          "ELSE first_value END, "
          "first_time = min(first_time, excluded.first_time), "
          "last_value = CASE WHEN excluded.last_time >= last_time THEN excluded.last_value "
          "ELSE last_value END, "
          "last_time = max(last_time, excluded.last_time)")
  NJ_PREP(delete_logs,
          "DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE id < ? ORDER BY id LIMIT ?)")
  NJ_PREP(delete_volume, "DELETE FROM log_volume WHERE minute < ?")
  NJ_PREP(next_series, "SELECT id FROM series WHERE id > ? ORDER BY id LIMIT ?")
  NJ_PREP(delete_points, "DELETE FROM points WHERE series_id = ? AND time_unix_nano < ?")
  NJ_PREP(delete_dist, "DELETE FROM dist_points WHERE series_id = ? AND time_unix_nano < ?")
  NJ_PREP(delete_rollup, "DELETE FROM rollup_1m WHERE series_id = ? AND minute < ?")
  NJ_PREP(oldest_log, "SELECT min(id) FROM logs")
  NJ_PREP(delete_anomalies,
          "DELETE FROM anomalies WHERE id IN (SELECT id FROM anomalies WHERE id < ? ORDER BY id "
          "LIMIT ?)")
  NJ_PREP(insert_anomaly,
          "INSERT OR IGNORE INTO anomalies(id, series_id, metric, attributes, time_unix_nano, "
          "value, score, reason, detector, plugin) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
#undef NJ_PREP
  st_.reset(
      new Statements{std::move(insert_resource_r).value(), std::move(select_resource_r).value(),
                     std::move(insert_scope_r).value(),    std::move(select_scope_r).value(),
                     std::move(insert_log_r).value(),      std::move(insert_fts_r).value(),
                     std::move(upsert_volume_r).value(),   std::move(insert_metric_r).value(),
                     std::move(select_metric_r).value(),   std::move(insert_series_r).value(),
                     std::move(select_series_r).value(),   std::move(insert_point_r).value(),
                     std::move(insert_dist_r).value(),     std::move(upsert_rollup_r).value(),
                     std::move(delete_logs_r).value(),     std::move(delete_volume_r).value(),
                     std::move(next_series_r).value(),     std::move(delete_points_r).value(),
                     std::move(delete_dist_r).value(),     std::move(delete_rollup_r).value(),
                     std::move(oldest_log_r).value(),      std::move(delete_anomalies_r).value(),
                     std::move(insert_anomaly_r).value()});
  return Status::Ok();
}

Status StoreWriter::Begin() { return db_.Exec("BEGIN IMMEDIATE"); }

int StoreWriter::OnWal(void* self, sqlite3*, const char*, int pages) {
  static_cast<StoreWriter*>(self)->wal_pages_ = pages;
  return SQLITE_OK;
}

Status StoreWriter::Commit() {
  NJ_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  // The checkpointer thread copies the log into the database, but under a continuous stream
  // of commits the log never empties, and SQLite only starts writing it from the beginning
  // again after a checkpoint that caught up with every frame. So when it has grown large, the
  // writer catches up itself (cheap: the checkpointer already copied nearly everything) and
  // restarts it. Readers holding an old snapshot make that wait; a short timeout keeps the
  // writer from waiting on them, and the next commit tries again.
  int64_t page_size = 4096;  // SQLite's default, which the store never changes
  if (static_cast<int64_t>(wal_pages_) * page_size > kWalRestartBytes) {
    sqlite3_busy_timeout(db_.raw(), 50);
    int log = 0, copied = 0;
    int rc =
        sqlite3_wal_checkpoint_v2(db_.raw(), nullptr, SQLITE_CHECKPOINT_RESTART, &log, &copied);
    sqlite3_busy_timeout(db_.raw(), 5000);
    if (rc == SQLITE_OK) wal_pages_ = 0;
  }
  return Status::Ok();
}

void StoreWriter::Rollback() {
  if (!sqlite3_get_autocommit(db_.raw())) (void)db_.Exec("ROLLBACK");
  resource_ids_.clear();
  scope_ids_.clear();
  metric_ids_.clear();
  series_ids_.clear();
}

namespace {

// Runs an INSERT ... ON CONFLICT DO NOTHING and then the SELECT of the row's id; both are
// bound by `bind`, which receives each statement.
template <typename Bind>
Result<int64_t> InsertOrSelect(sqlite::Statement& insert, sqlite::Statement& select, Bind bind) {
  bind(insert, true);
  NJ_RETURN_IF_ERROR(insert.Run());
  bind(select, false);
  auto row = select.Step();
  int64_t id = row.ok() && *row ? select.Int64(0) : 0;
  select.Reset();
  if (!row.ok()) return row.status();
  if (id == 0) return Internal("row vanished after insert");
  return id;
}

}  // namespace

Result<int64_t> StoreWriter::ResourceId(const StreamRow& s) {
  std::string key = ResourceKey(s);
  auto it = resource_ids_.find(key);
  if (it != resource_ids_.end()) return it->second;
  NJ_ASSIGN_OR_RETURN(int64_t id, InsertOrSelect(st_->insert_resource, st_->select_resource,
                                                 [&](sqlite::Statement& st, bool insert) {
                                                   st.BindStatic(1, s.resource_attributes)
                                                       .Bind(2, int64_t{s.resource_dropped})
                                                       .BindStatic(3, s.resource_schema_url);
                                                   if (insert) st.BindStatic(4, s.service);
                                                 }));
  resource_ids_.emplace(std::move(key), id);
  return id;
}

Result<int64_t> StoreWriter::ScopeId(const StreamRow& s) {
  NJ_ASSIGN_OR_RETURN(int64_t resource_id, ResourceId(s));
  std::string key = std::to_string(resource_id);
  for (const std::string* part :
       {&s.scope_name, &s.scope_version, &s.scope_attributes, &s.scope_schema_url}) {
    key += kSep;
    key += *part;
  }
  key += kSep;
  key += std::to_string(s.scope_dropped);
  auto it = scope_ids_.find(key);
  if (it != scope_ids_.end()) return it->second;
  NJ_ASSIGN_OR_RETURN(int64_t id, InsertOrSelect(st_->insert_scope, st_->select_scope,
                                                 [&](sqlite::Statement& st, bool) {
                                                   st.Bind(1, resource_id)
                                                       .BindStatic(2, s.scope_name)
                                                       .BindStatic(3, s.scope_version)
                                                       .BindStatic(4, s.scope_attributes)
                                                       .Bind(5, int64_t{s.scope_dropped})
                                                       .BindStatic(6, s.scope_schema_url);
                                                 }));
  scope_ids_.emplace(std::move(key), id);
  return id;
}

Status StoreWriter::WriteLogs(LogBatch& batch, std::vector<int64_t>* ids) {
  std::vector<int64_t> scope_ids;
  scope_ids.reserve(batch.streams.size());
  for (const StreamRow& s : batch.streams) {
    NJ_ASSIGN_OR_RETURN(int64_t id, ScopeId(s));
    scope_ids.push_back(id);
  }
  std::map<std::tuple<int64_t, int64_t, int32_t>, int64_t> volume;
  sqlite::Statement& ins = st_->insert_log;
  std::string labels;
  for (LogRow& r : batch.logs) {
    int64_t scope_id = scope_ids[r.stream];
    labels.clear();
    if (!r.labels.empty()) {
      rapidjson::StringBuffer buffer;
      JsonWriter w(buffer);
      w.StartObject();
      for (const auto& [name, value] : r.labels) {
        WriteString(w, name);
        WriteString(w, value);
      }
      w.EndObject();
      labels.assign(buffer.GetString(), buffer.GetSize());
    }
    // A collision with an existing id (same millisecond, same sequence number after the
    // sequence wrapped) is resolved by taking the next sequence number (InsertAtTimeKey).
    auto inserted = InsertAtTimeKey(db_, r.time_key_ms, &sequence_, [&](int64_t id) {
      ins.Bind(1, id)
          .Bind(2, scope_id)
          .Bind(3, r.time_unix_nano)
          .Bind(4, r.observed_time_unix_nano)
          .Bind(5, int64_t{r.severity_number})
          .BindStatic(6, r.severity_text);
      if (r.body) {
        ins.BindStatic(7, *r.body);
      } else {
        ins.BindNull(7);
      }
      if (r.body_json) {
        ins.BindStatic(8, *r.body_json);
      } else {
        ins.BindNull(8);
      }
      ins.BindStatic(9, r.attributes).Bind(10, int64_t{r.dropped_attributes_count});
      ins.Bind(11, int64_t{r.flags});
      if (r.trace_id.empty()) {
        ins.BindNull(12);
      } else {
        ins.BindBlob(12, r.trace_id);
      }
      if (r.span_id.empty()) {
        ins.BindNull(13);
      } else {
        ins.BindBlob(13, r.span_id);
      }
      ins.BindStatic(14, r.event_name);
      if (labels.empty()) {
        ins.BindNull(15);
      } else {
        ins.BindStatic(15, labels);
      }
      return ins.Run();
    });
    if (!inserted.ok()) return inserted.status();
    int64_t id = *inserted;
    int64_t time_ms = LogIdTimeMs(id);
    if (const std::string* text = r.SearchText()) {
      NJ_RETURN_IF_ERROR(st_->insert_fts.Bind(1, id).BindStatic(2, *text).Run());
    }
    ++volume[{time_ms / 60000, scope_id, r.severity_number}];
    if (ids != nullptr) ids->push_back(id);
  }
  for (const auto& [key, count] : volume) {
    NJ_RETURN_IF_ERROR(st_->upsert_volume.Bind(1, std::get<0>(key))
                           .Bind(2, std::get<1>(key))
                           .Bind(3, int64_t{std::get<2>(key)})
                           .Bind(4, count)
                           .Run());
  }
  return Status::Ok();
}

Result<int64_t> StoreWriter::MetricId(const MetricRow& m) {
  std::string key = m.name + kSep + m.type + kSep + m.unit;
  auto it = metric_ids_.find(key);
  if (it != metric_ids_.end()) return it->second;
  NJ_ASSIGN_OR_RETURN(int64_t id,
                      InsertOrSelect(st_->insert_metric, st_->select_metric,
                                     [&](sqlite::Statement& st, bool insert) {
                                       st.BindStatic(1, m.name).BindStatic(2, m.type).BindStatic(
                                           3, m.unit);
                                       if (!insert) return;
                                       st.BindStatic(4, m.description)
                                           .BindStatic(5, m.metadata)
                                           .Bind(6, int64_t{m.temporality})
                                           .Bind(7, int64_t{m.monotonic});
                                     }));
  metric_ids_.emplace(std::move(key), id);
  return id;
}

Result<int64_t> StoreWriter::SeriesId(int64_t metric_id, int64_t resource_id, int64_t scope_id,
                                      const std::string& attributes) {
  std::string key = std::to_string(metric_id) + kSep + std::to_string(resource_id) + kSep;
  key += attributes;
  auto it = series_ids_.find(key);
  if (it != series_ids_.end()) return it->second;
  NJ_ASSIGN_OR_RETURN(int64_t id, InsertOrSelect(st_->insert_series, st_->select_series,
                                                 [&](sqlite::Statement& st, bool insert) {
                                                   st.Bind(1, metric_id).Bind(2, resource_id);
                                                   if (insert) {
                                                     st.Bind(3, scope_id).BindStatic(4, attributes);
                                                   } else {
                                                     st.BindStatic(3, attributes);
                                                   }
                                                 }));
  series_ids_.emplace(std::move(key), id);
  return id;
}

Status StoreWriter::WriteMetrics(const MetricBatch& batch, std::vector<CommittedPoint>* committed,
                                 int64_t* stored) {
  std::vector<std::pair<int64_t, int64_t>> stream_ids;  // resource id, scope id
  for (const StreamRow& s : batch.streams) {
    NJ_ASSIGN_OR_RETURN(int64_t scope_id, ScopeId(s));
    NJ_ASSIGN_OR_RETURN(int64_t resource_id, ResourceId(s));
    stream_ids.emplace_back(resource_id, scope_id);
  }
  std::vector<int64_t> metric_ids;
  for (const MetricRow& m : batch.metrics) {
    NJ_ASSIGN_OR_RETURN(int64_t id, MetricId(m));
    metric_ids.push_back(id);
  }
  std::map<std::pair<int64_t, int64_t>, Rollup> rollups;
  int64_t n = 0;
  for (const PointRow& p : batch.points) {
    auto [resource_id, scope_id] = stream_ids[p.stream];
    NJ_ASSIGN_OR_RETURN(int64_t series_id,
                        SeriesId(metric_ids[p.metric], resource_id, scope_id, p.attributes));
    sqlite::Statement& ins = p.is_distribution ? st_->insert_dist : st_->insert_point;
    ins.Bind(1, series_id).Bind(2, p.time_unix_nano).Bind(3, p.start_time_unix_nano);
    int next = 4;
    if (p.is_distribution) {
      ins.Bind(4, p.count).Bind(5, p.sum).Bind(6, p.min).Bind(7, p.max).BindStatic(8, p.dist_data);
      next = 9;
    } else if (p.int_value) {
      ins.Bind(4, *p.int_value);
      next = 5;
    } else {
      ins.Bind(4, p.double_value);
      next = 5;
    }
    ins.Bind(next, int64_t{p.flags});
    if (p.exemplars) {
      ins.BindStatic(next + 1, *p.exemplars);
    } else {
      ins.BindNull(next + 1);
    }
    NJ_RETURN_IF_ERROR(ins.Run());
    if (db_.Changes() != 1) continue;  // a retry of a point already stored
    ++n;
    std::optional<double> value = NumberOf(p);
    if (!p.is_distribution && value) {
      int64_t t = static_cast<int64_t>(p.time_unix_nano);
      Rollup& r = rollups[{series_id, t / kNanosPerMinute}];
      if (r.count == 0) {
        r.min = r.max = r.first_value = r.last_value = *value;
        r.first_time = r.last_time = t;
      }
      ++r.count;
      r.sum += *value;
      r.min = std::min(r.min, *value);
      r.max = std::max(r.max, *value);
      if (t < r.first_time) {
        r.first_time = t;
        r.first_value = *value;
      }
      if (t >= r.last_time) {
        r.last_time = t;
        r.last_value = *value;
      }
    }
    if (committed != nullptr) {
      committed->push_back(CommittedPoint{series_id, &batch.metrics[p.metric],
                                          &batch.streams[p.stream], &p.attributes, p.time_unix_nano,
                                          value});
    }
  }
  for (const auto& [key, r] : rollups) {
    NJ_RETURN_IF_ERROR(st_->upsert_rollup.Bind(1, key.first)
                           .Bind(2, key.second)
                           .Bind(3, r.count)
                           .Bind(4, r.sum)
                           .Bind(5, r.min)
                           .Bind(6, r.max)
                           .Bind(7, r.first_time)
                           .Bind(8, r.first_value)
                           .Bind(9, r.last_time)
                           .Bind(10, r.last_value)
                           .Run());
  }
  if (stored != nullptr) *stored = n;
  return Status::Ok();
}

Result<int64_t> StoreWriter::DeleteLogsBefore(int64_t id_limit, int64_t max_rows) {
  NJ_RETURN_IF_ERROR(st_->delete_logs.Bind(1, id_limit).Bind(2, max_rows).Run());
  int64_t deleted = db_.Changes();
  // Whole minutes before the oldest remaining record no longer count in the volume chart.
  NJ_ASSIGN_OR_RETURN(int64_t oldest, OldestLogId());
  int64_t minute = oldest == 0 ? LogIdTimeMs(id_limit) / 60000 : LogIdTimeMs(oldest) / 60000;
  NJ_RETURN_IF_ERROR(st_->delete_volume.Bind(1, minute).Run());
  return deleted;
}

Result<int64_t> StoreWriter::DeletePointsBefore(uint64_t time_unix_nano, int64_t max_series,
                                                int64_t* cursor) {
  std::vector<int64_t> ids;
  st_->next_series.Bind(1, *cursor).Bind(2, max_series);
  for (;;) {
    NJ_ASSIGN_OR_RETURN(bool row, st_->next_series.Step());
    if (!row) break;
    ids.push_back(st_->next_series.Int64(0));
  }
  st_->next_series.Reset();
  int64_t deleted = 0;
  int64_t minute = static_cast<int64_t>(time_unix_nano / kNanosPerMinute);
  for (int64_t id : ids) {
    NJ_RETURN_IF_ERROR(st_->delete_points.Bind(1, id).Bind(2, time_unix_nano).Run());
    deleted += db_.Changes();
    NJ_RETURN_IF_ERROR(st_->delete_dist.Bind(1, id).Bind(2, time_unix_nano).Run());
    deleted += db_.Changes();
    NJ_RETURN_IF_ERROR(st_->delete_rollup.Bind(1, id).Bind(2, minute).Run());
  }
  *cursor = static_cast<int64_t>(ids.size()) < max_series ? 0 : ids.back();
  return deleted;
}

Status StoreWriter::WriteAnomalies(std::vector<Anomaly>& anomalies) {
  sqlite::Statement& ins = st_->insert_anomaly;
  for (Anomaly& a : anomalies) {
    int64_t time_ms = static_cast<int64_t>(a.time_unix_nano / 1'000'000);
    auto id = InsertAtTimeKey(db_, time_ms, &sequence_, [&](int64_t candidate) {
      return ins.Bind(1, candidate)
          .Bind(2, a.series_id)
          .BindStatic(3, a.metric)
          .BindStatic(4, a.attributes)
          .Bind(5, a.time_unix_nano)
          .Bind(6, a.value)
          .Bind(7, a.score)
          .BindStatic(8, a.reason)
          .BindStatic(9, a.detector)
          .BindStatic(10, a.plugin)
          .Run();
    });
    if (!id.ok()) return id.status();
    a.id = *id;
  }
  return Status::Ok();
}

Result<int64_t> StoreWriter::DeleteAnomaliesBefore(int64_t id_limit, int64_t max_rows) {
  NJ_RETURN_IF_ERROR(st_->delete_anomalies.Bind(1, id_limit).Bind(2, max_rows).Run());
  return db_.Changes();
}

Result<int64_t> StoreWriter::OldestLogId() {
  auto row = st_->oldest_log.Step();
  int64_t id = row.ok() && *row ? st_->oldest_log.Int64(0) : 0;
  st_->oldest_log.Reset();
  if (!row.ok()) return row.status();
  return id;
}

Result<int64_t> StoreWriter::OldestMetricMinute() {
  NJ_ASSIGN_OR_RETURN(sqlite::Statement st,
                      db_.Prepare("SELECT coalesce(min(minute), 0) FROM rollup_1m"));
  NJ_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int64(0) : 0;
}

Result<int64_t> StoreWriter::UsedBytes() {
  NJ_ASSIGN_OR_RETURN(
      sqlite::Statement st,
      db_.Prepare("SELECT (page_count - freelist_count) * page_size FROM pragma_page_count, "
                  "pragma_freelist_count, pragma_page_size"));
  NJ_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int64(0) : 0;
}

}  // namespace nightjar::collector
