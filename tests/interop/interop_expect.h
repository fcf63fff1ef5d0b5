// GoogleTest checks shared by the interop tests: that an export script ran cleanly, and that
// decoded OTLP data equals the expected data field by field, with the path of every difference.
//
// Call the void helpers inside ASSERT_NO_FATAL_FAILURE when later steps depend on them.
//
// Thread-safety: GoogleTest assertions; call from the test's thread.
#pragma once

#include <string_view>
#include <vector>

#include "capture_server.h"
#include "js_runner.h"
#include "otlp/model.h"

namespace nightjar::interop {

// Checks that the script exited 0, that every export it made succeeded, that the capture server
// received exactly `expected_requests` requests and, unless `allow_diagnostics`, that the SDK
// logged no warning or error.
void ExpectCleanExport(const ExportRun& run, size_t expected_requests,
                       bool allow_diagnostics = false);

// Returns the summary of a run (ExpectCleanExport has checked that it parses).
ExportSummary SummaryOf(const ExportRun& run);

// Returns the one request sent to `path`, or nullptr after recording a failure when there is
// none or more than one.
const CapturedRequest* RequestTo(const std::vector<CapturedRequest>& requests,
                                 std::string_view path);

// Checks the HTTP framing the JavaScript exporters use: POST to `path`, the Content-Type of
// `protocol` ("proto" or "json"), Content-Encoding gzip exactly when `compression` is "gzip",
// and a chunked body without Content-Length.
void ExpectExporterRequest(const CapturedRequest& request, std::string_view path,
                           std::string_view protocol, std::string_view compression);

// Checks that two attribute lists hold the same keys and values, in the same order.
void ExpectAttributesEqual(const otlp::Attributes& expected, const otlp::Attributes& actual);

// Checks every field of every resource, scope and log record.
void ExpectLogsEqual(const otlp::LogsData& expected, const otlp::LogsData& actual);

// Checks every field of every resource, scope, metric and data point except the data points'
// start and end times, which the SDK takes from the clock (check those separately). Metrics are
// matched by name and points by attributes: their order is the SDK's choice, not OTLP's.
void ExpectMetricsEqualExceptTimes(const otlp::MetricsData& expected,
                                   const otlp::MetricsData& actual);

}  // namespace nightjar::interop
