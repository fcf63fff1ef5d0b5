// Builds SQL text and its parameters together, for queries whose WHERE clause depends on the
// filters a request gives. Values are always bound, never spliced into the text.
//
// Thread-safety: plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "runtime/sqlite.h"

namespace nightjar::collector {

class SqlBuilder {
 public:
  // Appends SQL text.
  SqlBuilder& Sql(std::string_view text) {
    sql_ += text;
    return *this;
  }
  // Appends a "?" bound to `value`.
  SqlBuilder& Param(int64_t value);
  SqlBuilder& Param(std::string value);
  SqlBuilder& Param(double value);

  // Appends "AND <json attribute at key of column> equals value": strings compare as text,
  // numbers by their decimal text, booleans as "true"/"false".
  Status AndJsonEquals(std::string_view column, const std::string& key, const std::string& value);

  // Appends "AND (<first column> ... OR <second column> ...)": the attribute equals `value` in
  // either JSON column (e.g. point attributes or resource attributes).
  Status AndJsonEqualsEither(std::string_view first, std::string_view second,
                             const std::string& key, const std::string& value);

  // Prepares the statement and binds every parameter.
  Result<sqlite::Statement> Prepare(sqlite::Database& db) const;

  const std::string& sql() const { return sql_; }

 private:
  void JsonText(std::string_view column, const std::string& path);

  std::string sql_;
  std::vector<std::variant<int64_t, std::string, double>> params_;
};

}  // namespace nightjar::collector
