// Parsing and formatting of the units people write in configs and query strings: durations
// ("250ms", "30s", "5m", "1h30m", "7d") and byte sizes ("512KiB", "64MB", "1GiB", "1048576").
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nightjar {

using Duration = std::chrono::nanoseconds;

// Parses a duration: one or more <number><unit> parts, units ns, us, ms, s, m, h, d, w
// ("1h30m", "1.5s"). A bare "0" is zero. Returns nullopt on anything else or on overflow.
std::optional<Duration> ParseDuration(std::string_view text);

// Formats a duration the way ParseDuration reads it, e.g. "1h30m", "250ms", "0s".
std::string FormatDuration(Duration d);

// Parses a byte size: an integer, optionally followed by B, KB, MB, GB, TB (powers of 1000) or
// KiB, MiB, GiB, TiB (powers of 1024), case-insensitive for the prefix. "1.5GiB" is allowed.
std::optional<uint64_t> ParseByteSize(std::string_view text);

// Formats a byte size with a binary unit where exact, e.g. "64MiB", "1000B".
std::string FormatByteSize(uint64_t bytes);

}  // namespace nightjar
