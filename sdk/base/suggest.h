// "Did you mean" suggestions for names that are almost right (a key or option misspelt).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nightjar {

// Returns the Levenshtein distance between `a` and `b`.
size_t EditDistance(std::string_view a, std::string_view b);

// Returns the candidate closest to `name` when it is within `max_distance` edits (the first such
// on ties), else "". Only near misses are worth suggesting: a far one misleads.
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates,
                        size_t max_distance = 2);

}  // namespace nightjar
