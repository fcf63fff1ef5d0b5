// Delivery checks; see sequence_check.h.
#include "sequence_check.h"

#include <set>
#include <string>

namespace nightjar::agent::testing {

std::vector<int> SequenceOf(const std::vector<ReceivedRecord>& records, std::string_view tag) {
  std::vector<int> out;
  for (const ReceivedRecord& r : records) {
    std::string_view body = r.body;
    if (body.size() < tag.size() + 9 || body.substr(0, tag.size()) != tag ||
        body[tag.size()] != ' ') {
      continue;
    }
    out.push_back(std::stoi(std::string(body.substr(tag.size() + 1, 8))));
  }
  return out;
}

::testing::AssertionResult ExactlyOnceInOrder(const std::vector<ReceivedRecord>& records,
                                              std::string_view tag, int count) {
  std::vector<int> seen = SequenceOf(records, tag);
  for (size_t i = 0; i < seen.size(); ++i) {
    if (seen[i] != static_cast<int>(i)) {
      return ::testing::AssertionFailure()
             << tag << ": record " << i << " carries line " << seen[i] << " (expected " << i << "; "
             << seen.size() << " records of " << count << " lines)";
    }
  }
  if (seen.size() != static_cast<size_t>(count)) {
    return ::testing::AssertionFailure()
           << tag << ": got " << seen.size() << " lines, expected " << count;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult AtLeastOnceInOrder(const std::vector<ReceivedRecord>& records,
                                              std::string_view tag, int count,
                                              size_t max_duplicates) {
  std::vector<int> seen = SequenceOf(records, tag);
  std::set<int> distinct;
  int highest = -1;
  size_t duplicates = 0;
  for (size_t i = 0; i < seen.size(); ++i) {
    int s = seen[i];
    if (s < 0 || s >= count) {
      return ::testing::AssertionFailure() << tag << ": unexpected line " << s;
    }
    if (s > highest + 1) {
      return ::testing::AssertionFailure()
             << tag << ": line " << s << " arrived after " << highest << " (lines were skipped)";
    }
    // A re-send starts anywhere at or before the previous line and then runs contiguously.
    if (i > 0 && s <= highest && s > seen[i - 1] + 1) {
      return ::testing::AssertionFailure() << tag << ": re-sent lines out of order at " << s;
    }
    if (!distinct.insert(s).second) ++duplicates;
    highest = std::max(highest, s);
  }
  if (distinct.size() != static_cast<size_t>(count)) {
    return ::testing::AssertionFailure()
           << tag << ": " << distinct.size() << " distinct lines of " << count;
  }
  if (duplicates > max_duplicates) {
    return ::testing::AssertionFailure()
           << tag << ": " << duplicates << " duplicates, more than the unacknowledged tail ("
           << max_duplicates << ")";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace nightjar::agent::testing
