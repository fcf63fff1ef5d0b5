// Finds which of many keywords occur in a text, in one pass: an Aho-Corasick automaton over a
// byte alphabet reduced to the letters the keywords use, with ASCII case folded. Part of the
// severity plugin, where it replaces one substring search per keyword per record.
//
// Thread-safety: Build once, then Find from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace nightjar::severity {

class KeywordMatcher {
 public:
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

  // Adds a keyword (matched ignoring ASCII case) that belongs to rule `rule`. Empty keywords are
  // ignored.
  void Add(std::string_view keyword, uint32_t rule);

  // Builds the automaton; call after the last Add. Throws std::length_error when the keywords
  // use more than 255 distinct bytes.
  void Build();

  // Returns the smallest rule index among the keywords occurring in `text`, or kNone.
  uint32_t Find(std::string_view text) const;

  bool empty() const { return keywords_.empty(); }

 private:
  struct Keyword {
    std::string text;
    uint32_t rule;
  };

  std::vector<Keyword> keywords_;
  uint8_t class_of_[256] = {};  // byte -> alphabet class; 0 = a byte no keyword uses
  size_t classes_ = 1;
  std::vector<uint32_t> next_;    // state * classes_ + class -> state (a complete DFA)
  std::vector<uint32_t> output_;  // state -> smallest rule ending here, or kNone
};

}  // namespace nightjar::severity
