// Label matchers as Prometheus Alertmanager writes them: name=value, name!=value, name=~regex
// and name!~regex. A regex matches the whole value (it is anchored at both ends), and a label
// that is absent has the value "", so `team=""` selects alerts without a team label.
//
// Thread-safety: a LabelMatcher is immutable after parsing; Matches may be called from any
// thread.
#pragma once

#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/rule_evaluation.h"
#include "base/status.h"

namespace nightjar::collector::alerting {

class LabelMatcher {
 public:
  enum class Op { kEqual, kNotEqual, kRegex, kNotRegex };

  // Returns a matcher; fails when the name is empty or the regex does not compile.
  static Result<LabelMatcher> Make(std::string name, Op op, std::string value);

  // Parses "name=value", "name!=value", "name=~regex" or "name!~regex". The value may be
  // double-quoted ("severity=\"critical\"") as in Alertmanager's filters.
  static Result<LabelMatcher> Parse(std::string_view text);

  // Returns the operator of its text form ("=", "!=", "=~", "!~"), or an error naming it.
  static Result<Op> ParseOp(std::string_view text);
  static std::string_view OpText(Op op);

  // Returns true when the labels satisfy this matcher.
  bool Matches(const Labels& labels) const;

  const std::string& name() const { return name_; }
  Op op() const { return op_; }
  const std::string& value() const { return value_; }
  // Returns the matcher in its text form, e.g. severity=~"crit.*".
  std::string ToString() const;

 private:
  LabelMatcher(std::string name, Op op, std::string value)
      : name_(std::move(name)), op_(op), value_(std::move(value)) {}

  std::string name_;
  Op op_;
  std::string value_;
  std::shared_ptr<const std::regex> regex_;  // shared: matchers are copied into silences
};

// Returns true when every matcher matches (an empty list matches everything).
bool MatchesAll(const std::vector<LabelMatcher>& matchers, const Labels& labels);

}  // namespace nightjar::collector::alerting
