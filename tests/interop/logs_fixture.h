// Reads fixtures/logs.json (the log records the JavaScript SDK is made to send) into the
// LogsData a receiver must decode from what the SDK sent. The format is described at the top of
// the fixture file; js/fixture.mjs reads the same file on the sending side.
//
// The expected data is built directly in the model, never through Nightjar's decoders, so a
// decoder bug cannot hide in the expectation.
//
// Thread-safety: reentrant.
#pragma once

#include <filesystem>

#include "base/status.h"
#include "otlp/model.h"

namespace nightjar::interop {

// Returns the expected LogsData for a logs fixture file: one resource, one ScopeLogs per
// fixture scope, records in fixture order, nothing dropped.
Result<otlp::LogsData> LoadLogsFixture(const std::filesystem::path& path);

}  // namespace nightjar::interop
