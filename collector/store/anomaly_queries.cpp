// Anomaly search; see anomaly_queries.h.
#include "store/anomaly_queries.h"

#include <algorithm>

#include "store/sql_builder.h"

namespace nightjar::collector {

Result<AnomalyPage> SearchAnomalies(Reader& reader, const AnomalyQuery& query) {
  SqlBuilder b;
  // LEFT JOIN keeps the anomalies as the outer loop (walked by id) and keeps an anomaly whose
  // series row could not be read.
  b.Sql(
       "SELECT a.id, a.series_id, a.metric, a.attributes, a.time_unix_nano, a.value, a.score, "
       "a.reason, a.detector, a.plugin, r.attributes, r.service FROM anomalies a "
       "LEFT JOIN series s ON s.id = a.series_id LEFT JOIN resources r ON r.id = s.resource_id "
       "WHERE a.id >= ")
      .Param(LogIdAt(std::clamp<int64_t>(query.from_ms, 0, kMaxLogTimeMs)))
      .Sql(" AND a.id < ")
      .Param(LogIdAt(std::clamp<int64_t>(query.to_ms, 0, kMaxLogTimeMs)));
  if (query.before_id > 0) b.Sql(" AND a.id < ").Param(query.before_id);
  if (!query.metric.empty()) b.Sql(" AND a.metric = ").Param(query.metric);
  if (!query.detector.empty()) b.Sql(" AND a.detector = ").Param(query.detector);
  if (query.min_score) b.Sql(" AND a.score >= ").Param(*query.min_score);
  b.Sql(" ORDER BY a.id DESC LIMIT ").Param(int64_t{query.limit} + 1);
  auto st = b.Prepare(reader.db());
  if (!st.ok()) return reader.Check(st.status());
  AnomalyPage page;
  Status status = reader.ForEach(*st, [&](const sqlite::Statement& row) {
    Anomaly a;
    a.id = row.Int64(0);
    a.series_id = row.Int64(1);
    a.metric = row.Text(2);
    a.attributes = row.Text(3);
    a.time_unix_nano = static_cast<uint64_t>(row.Int64(4));
    a.value = row.Double(5);
    a.score = row.Double(6);
    a.reason = row.Text(7);
    a.detector = row.Text(8);
    a.plugin = row.Text(9);
    if (!row.IsNull(10)) a.resource_attributes = row.Text(10);
    a.service = row.Text(11);
    page.anomalies.push_back(std::move(a));
  });
  if (!status.ok()) return status;
  if (page.anomalies.size() > static_cast<size_t>(query.limit)) {
    page.anomalies.resize(static_cast<size_t>(query.limit));
    page.next_cursor = page.anomalies.back().id;
  }
  return page;
}

}  // namespace nightjar::collector
