// Mapping of the level words logs use ("WARN", "error", "I", "crit", "DEBUG2") to OTLP
// severity numbers, following the OpenTelemetry log data model's mapping of syslog, log4j and
// Python levels.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace nightjar::agent {

// Returns the OTLP SeverityNumber (1..24) for a level word, case-insensitively and ignoring
// surrounding blanks and brackets, or 0 (unspecified) when the word is not a known level.
// A trailing digit 1..4 on a level name selects the step within it ("INFO2" = 10).
int32_t SeverityFromText(std::string_view text);

}  // namespace nightjar::agent
