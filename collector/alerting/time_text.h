// Times as the alerting API reads and writes them: RFC 3339 UTC text for people, with unix
// nanoseconds alongside in responses for programs.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nightjar::collector::alerting {

// Formats unix nanoseconds as RFC 3339 UTC with milliseconds ("2024-05-01T12:00:00.250Z").
std::string FormatTime(int64_t unix_nano);

// Parses RFC 3339 ("2024-05-01T12:00:00Z", fractions and offsets allowed) into unix
// nanoseconds; nullopt when the text is not such a time.
std::optional<int64_t> ParseTime(std::string_view text);

}  // namespace nightjar::collector::alerting
