// Checking what a receiver got against the numbered lines that were written (see
// log_writer.h): exactly once and in order, or at least once with duplicates only where a
// batch was re-sent.
//
// Thread-safety: pure functions.
#pragma once

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "test_receiver.h"

namespace nightjar::agent::testing {

// Returns the sequence numbers of `tag`'s lines among `records`, in arrival order.
std::vector<int> SequenceOf(const std::vector<ReceivedRecord>& records, std::string_view tag);

// Succeeds when `tag`'s lines 0..count-1 each arrived exactly once, in order.
::testing::AssertionResult ExactlyOnceInOrder(const std::vector<ReceivedRecord>& records,
                                              std::string_view tag, int count);

// Succeeds when every line 0..count-1 of `tag` arrived, nothing else did, and any repeat is a
// contiguous re-send of lines already seen (the sequence may step back, never skip ahead), with
// at most `max_duplicates` repeats in total.
::testing::AssertionResult AtLeastOnceInOrder(const std::vector<ReceivedRecord>& records,
                                              std::string_view tag, int count,
                                              size_t max_duplicates);

}  // namespace nightjar::agent::testing
