// Silences: operator-made mutes over label matchers for a time range. An alert matched by an
// active silence still changes state and is still shown (as silenced), but nothing is sent for
// it.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/label_matcher.h"
#include "alerting/rule_evaluation.h"

namespace nightjar::collector::alerting {

struct Silence {
  enum class State { kPending, kActive, kExpired };

  std::string id;                      // 32 hex digits, random
  std::vector<LabelMatcher> matchers;  // all must match; never empty
  int64_t starts_at = 0;               // unix nanoseconds
  int64_t ends_at = 0;                 // exclusive
  std::string created_by;
  std::string comment;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  // Returns the state at `now`: pending before starts_at, active until ends_at, then expired.
  State StateAt(int64_t now) const;
  // Returns true when the silence is active at `now` and matches `labels`.
  bool Silences(const Labels& labels, int64_t now) const;
};

// Returns "pending", "active" or "expired".
std::string_view SilenceStateName(Silence::State state);

// Returns a fresh silence id from the system's random source.
std::string NewSilenceId();

// Returns the matchers as JSON ([{"name", "op", "value"}]) and back.
std::string MatchersJson(const std::vector<LabelMatcher>& matchers);
Result<std::vector<LabelMatcher>> ParseMatchersJson(std::string_view json);

}  // namespace nightjar::collector::alerting
