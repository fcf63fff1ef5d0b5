// Multi-keyword search; see keyword_matcher.h.
#include "keyword_matcher.h"

#include <algorithm>
#include <queue>
#include <stdexcept>

namespace nightjar::severity {
namespace {

uint8_t Fold(uint8_t c) { return c >= 'A' && c <= 'Z' ? static_cast<uint8_t>(c - 'A' + 'a') : c; }

}  // namespace

void KeywordMatcher::Add(std::string_view keyword, uint32_t rule) {
  if (keyword.empty()) return;
  keywords_.push_back(Keyword{std::string(keyword), rule});
}

void KeywordMatcher::Build() {
  // The alphabet: one class per distinct (case-folded) byte the keywords use.
  classes_ = 1;
  std::fill(std::begin(class_of_), std::end(class_of_), 0);
  for (const Keyword& k : keywords_) {
    for (char ch : k.text) {
      uint8_t c = Fold(static_cast<uint8_t>(ch));
      if (class_of_[c] == 0) {
        if (classes_ > 255) throw std::length_error("keywords use more than 255 distinct bytes");
        class_of_[c] = static_cast<uint8_t>(classes_++);
        if (c >= 'a' && c <= 'z') class_of_[c - 'a' + 'A'] = class_of_[c];
      }
    }
  }
  // The trie; kNone marks a missing edge until the links below fill it.
  next_.assign(classes_, kNone);
  output_.assign(1, kNone);
  for (const Keyword& k : keywords_) {
    uint32_t state = 0;
    for (char ch : k.text) {
      size_t edge = state * classes_ + class_of_[static_cast<uint8_t>(ch)];
      if (next_[edge] == kNone) {
        next_[edge] = static_cast<uint32_t>(output_.size());
        output_.push_back(kNone);
        next_.resize(next_.size() + classes_, kNone);
      }
      state = next_[edge];
    }
    output_[state] = std::min(output_[state], k.rule);
  }
  // Breadth first: each state's failure link is the longest proper suffix that is also a trie
  // path; missing edges follow it, so Find never backtracks. Outputs inherit the link's.
  std::vector<uint32_t> fail(output_.size(), 0);
  std::queue<uint32_t> queue;
  for (size_t c = 0; c < classes_; ++c) {
    uint32_t& to = next_[c];
    if (to == kNone) {
      to = 0;
    } else {
      queue.push(to);
    }
  }
  while (!queue.empty()) {
    uint32_t state = queue.front();
    queue.pop();
    for (size_t c = 0; c < classes_; ++c) {
      uint32_t& to = next_[state * classes_ + c];
      uint32_t via_link = next_[fail[state] * classes_ + c];
      if (to == kNone) {
        to = via_link;
      } else {
        fail[to] = via_link;
        output_[to] = std::min(output_[to], output_[via_link]);
        queue.push(to);
      }
    }
  }
}

uint32_t KeywordMatcher::Find(std::string_view text) const {
  uint32_t best = kNone;
  if (keywords_.empty()) return best;
  uint32_t state = 0;
  for (char ch : text) {
    state = next_[state * classes_ + class_of_[static_cast<uint8_t>(ch)]];
    if (output_[state] < best) {
      best = output_[state];
      if (best == 0) break;  // nothing can beat the first rule
    }
  }
  return best;
}

}  // namespace nightjar::severity
