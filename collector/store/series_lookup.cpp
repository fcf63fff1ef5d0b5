// Series identities for detectors; see series_lookup.h.
#include "store/series_lookup.h"

namespace nightjar::collector {

SeriesLookup::SeriesLookup(sqlite::Database db, sqlite::Statement select)
    : db_(std::move(db)), select_(std::move(select)) {}

SeriesLookup::~SeriesLookup() = default;

Result<std::unique_ptr<SeriesLookup>> SeriesLookup::Open(const StoreOptions& options) {
  sqlite::OpenOptions open;
  open.read_only = true;
  open.cache_kib = 2048;  // one indexed row at a time
  NJ_ASSIGN_OR_RETURN(sqlite::Database db, sqlite::Database::Open(options.path, open));
  NJ_ASSIGN_OR_RETURN(sqlite::Statement select,
                      db.Prepare("SELECT m.name, m.unit, s.attributes, r.attributes, r.service "
                                 "FROM series s CROSS JOIN metrics m ON m.id = s.metric_id "
                                 "CROSS JOIN resources r ON r.id = s.resource_id "
                                 "WHERE s.id = ?"));
  return std::unique_ptr<SeriesLookup>(new SeriesLookup(std::move(db), std::move(select)));
}

Result<SeriesIdentity> SeriesLookup::Find(int64_t series_id) {
  select_.Bind(1, series_id);
  auto row = select_.Step();
  if (!row.ok() || !*row) {
    select_.Reset();
    if (!row.ok()) return row.status();
    return NotFound("no series with id " + std::to_string(series_id));
  }
  SeriesIdentity identity{std::string(select_.Text(0)), std::string(select_.Text(1)),
                          std::string(select_.Text(2)), std::string(select_.Text(3)),
                          std::string(select_.Text(4))};
  select_.Reset();
  return identity;
}

}  // namespace nightjar::collector
