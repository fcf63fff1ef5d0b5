// Runs the Node scripts of tests/interop/js/ and reads what the export scripts report.
//
// Thread-safety: all functions are reentrant.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "capture_server.h"
#include "child_process.h"

namespace nightjar::interop {

// The summary line the export scripts print (see js/report.mjs).
struct ExportSummary {
  struct Export {
    std::string name;  // the variant, e.g. "proto:gzip" or "delta/2/json:none"
    int code = -1;     // the SDK's ExportResultCode: 0 = SUCCESS, 1 = FAILED
    std::string error;
  };
  struct Diagnostic {
    std::string level;  // "warn" or "error"
    std::string text;
  };
  std::vector<Export> exports;
  std::vector<Diagnostic> diagnostics;
};

// Runs `node tests/interop/js/<script> <args>...` with a minimal environment and a generous
// deadline. A missing node is reported as a run that did not start.
ProcessResult RunNodeScript(std::string_view script, const std::vector<std::string>& args);

// Parses an export script's stdout.
Result<ExportSummary> ParseExportSummary(std::string_view stdout_text);

// What one run of an export script against a capture server produced.
struct ExportRun {
  ProcessResult process;
  std::vector<CapturedRequest> requests;  // in arrival order
  uint64_t started_unix_nano = 0;         // wall clock just before the script started
  uint64_t finished_unix_nano = 0;        // wall clock just after it exited
};

// Runs an export script with `server`'s base URL as its first argument followed by `args`,
// then waits for the server to have recorded `expected_requests` requests. The caller checks
// the outcome (see ExpectCleanExport in interop_expect.h).
ExportRun RunExportScript(CaptureServer& server, std::string_view script,
                          const std::vector<std::string>& args, size_t expected_requests);

}  // namespace nightjar::interop
