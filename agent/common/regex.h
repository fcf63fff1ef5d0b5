// Regular expressions for parsers and multiline rules: PCRE2 with JIT compilation and a bound
// on backtracking, so that a pathological pattern or a 10 MB line costs bounded time instead of
// hanging the tail thread (std::regex recurses per character and can overflow the stack).
//
// Patterns are compiled in UTF mode; subjects must be valid UTF-8, which the tail input
// guarantees by repairing every line before it reaches a parser.
//
// Thread-safety: a Regex keeps its match scratch inside; use each instance from one thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace nightjar::agent {

class Regex {
 public:
  // A named capture group of the pattern.
  struct NamedGroup {
    std::string name;
    int index;
  };

  // Compiles `pattern`. Fails with the position and PCRE2's explanation of a syntax error.
  static Result<Regex> Compile(std::string_view pattern);

  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;
  ~Regex();

  // Returns true when `text` matches somewhere (use ^ to anchor). A match that exceeds the
  // backtracking limit counts as no match; `*limit_hit` (when given) says it happened.
  bool Search(std::string_view text, bool* limit_hit = nullptr);

  // Returns the text of capture group `index` after a successful Search(), or nullopt when the
  // group did not take part in the match.
  std::optional<std::string_view> Group(int index) const;

  const std::vector<NamedGroup>& named_groups() const { return named_groups_; }
  const std::string& pattern() const { return pattern_; }

 private:
  struct Impl;
  explicit Regex(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  std::vector<NamedGroup> named_groups_;
  std::string pattern_;
  std::string_view subject_;
};

}  // namespace nightjar::agent
