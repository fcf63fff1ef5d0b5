// SQL text with bound parameters; see sql_builder.h.
#include "store/sql_builder.h"

#include "store/log_queries.h"

namespace nightjar::collector {

SqlBuilder& SqlBuilder::Param(int64_t value) {
  sql_ += '?';
  params_.emplace_back(value);
  return *this;
}

SqlBuilder& SqlBuilder::Param(std::string value) {
  sql_ += '?';
  params_.emplace_back(std::move(value));
  return *this;
}

SqlBuilder& SqlBuilder::Param(double value) {
  sql_ += '?';
  params_.emplace_back(value);
  return *this;
}

void SqlBuilder::JsonText(std::string_view column, const std::string& path) {
  // json_extract turns true/false into 1/0; json_type tells them apart from numbers.
  Sql("(CASE json_type(").Sql(column).Sql(", ").Param(path);
  Sql(") WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(json_extract(");
  Sql(column).Sql(", ").Param(path).Sql(") AS TEXT) END)");
}

Status SqlBuilder::AndJsonEquals(std::string_view column, const std::string& key,
                                 const std::string& value) {
  NJ_ASSIGN_OR_RETURN(std::string path, JsonPath(key));
  Sql(" AND ");
  JsonText(column, path);
  Sql(" = ").Param(value);
  return Status::Ok();
}

Status SqlBuilder::AndJsonEqualsEither(std::string_view first, std::string_view second,
                                       const std::string& key, const std::string& value) {
  NJ_ASSIGN_OR_RETURN(std::string path, JsonPath(key));
  Sql(" AND (");
  JsonText(first, path);
  Sql(" = ").Param(value).Sql(" OR ");
  JsonText(second, path);
  Sql(" = ").Param(value).Sql(")");
  return Status::Ok();
}

Result<sqlite::Statement> SqlBuilder::Prepare(sqlite::Database& db) const {
  NJ_ASSIGN_OR_RETURN(sqlite::Statement st, db.Prepare(sql_));
  for (size_t i = 0; i < params_.size(); ++i) {
    int index = static_cast<int>(i + 1);
    if (const auto* n = std::get_if<int64_t>(&params_[i])) {
      st.Bind(index, *n);
    } else if (const auto* d = std::get_if<double>(&params_[i])) {
      st.Bind(index, *d);
    } else {
      st.Bind(index, std::get<std::string>(params_[i]));
    }
  }
  return st;
}

}  // namespace nightjar::collector
