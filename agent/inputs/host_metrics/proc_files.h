// Reading the text files of /proc and /sys under a root path, and the small parsing helpers the
// host metrics scrapers share.
//
// The root path lets the agent run in a container with the host's file system mounted (say at
// /hostfs): /proc/stat is then read from /hostfs/proc/stat. Paths passed here are absolute
// host paths ("/proc/stat"); the root is put in front of them.
//
// Thread-safety: pure functions over the file system.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace nightjar::agent::host_metrics {

// Returns `path` under `root` ("/" or "" leave it as is; "/hostfs" + "/proc/stat").
std::string UnderRoot(std::string_view root, std::string_view path);

// Reads a whole file of /proc or /sys (their sizes say 0, so this reads to the end). Fails with
// NotFound when the file does not exist, IoError otherwise; the message names the path.
Result<std::string> ReadProcFile(std::string_view root, std::string_view path);

// Splits `text` into lines (without their '\n'); empty lines are kept out.
std::vector<std::string_view> Lines(std::string_view text);

// Splits `line` at runs of blanks (spaces and tabs).
std::vector<std::string_view> Fields(std::string_view line);

// Parses a decimal unsigned integer that is the whole of `text`.
bool ParseU64(std::string_view text, uint64_t* out);

// Parses a decimal number (e.g. "0.75") that is the whole of `text`.
bool ParseDouble(std::string_view text, double* out);

// Reads the boot time from <root>/proc/stat ("btime", seconds since the epoch) in unix
// nanoseconds: the start time of the host's cumulative counters.
Result<uint64_t> ReadBootTimeUnixNanos(std::string_view root);

}  // namespace nightjar::agent::host_metrics
