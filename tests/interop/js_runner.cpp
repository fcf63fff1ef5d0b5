// Runs the interop Node scripts; see js_runner.h.
#include "js_runner.h"

#include <rapidjson/document.h>

#include <chrono>

#include "test_env.h"

namespace nightjar::interop {
namespace {

// Loading the OpenTelemetry packages takes well under a second; the deadline only guards
// against a hang (an exporter waiting out its own 10 s timeout and retries, say).
constexpr std::chrono::seconds kScriptTimeout{120};

uint64_t NowUnixNano() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::string StringMember(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace

ProcessResult RunNodeScript(std::string_view script, const std::vector<std::string>& args) {
  Result<std::string> node = NodePath();
  if (!node.ok()) {
    ProcessResult result;
    result.error = node.status().message();
    return result;
  }
  std::vector<std::string> argv = {*node, (InteropDir() / "js" / script).string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, MinimalEnvironment(), kScriptTimeout);
}

Result<ExportSummary> ParseExportSummary(std::string_view stdout_text) {
  rapidjson::Document doc;
  doc.Parse(stdout_text.data(), stdout_text.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("exports") ||
      !doc["exports"].IsArray() || !doc.HasMember("diagnostics") || !doc["diagnostics"].IsArray()) {
    return InvalidArgument("not an export summary: " + std::string(stdout_text));
  }
  ExportSummary summary;
  for (const rapidjson::Value& e : doc["exports"].GetArray()) {
    if (!e.IsObject() || !e.HasMember("code") || !e["code"].IsInt()) {
      return InvalidArgument("bad export entry in: " + std::string(stdout_text));
    }
    summary.exports.push_back(
        {StringMember(e, "name"), e["code"].GetInt(), StringMember(e, "error")});
  }
  for (const rapidjson::Value& d : doc["diagnostics"].GetArray()) {
    if (!d.IsObject()) return InvalidArgument("bad diagnostic in: " + std::string(stdout_text));
    summary.diagnostics.push_back({StringMember(d, "level"), StringMember(d, "text")});
  }
  return summary;
}

ExportRun RunExportScript(CaptureServer& server, std::string_view script,
                          const std::vector<std::string>& args, size_t expected_requests) {
  ExportRun run;
  std::vector<std::string> full_args = {server.BaseUrl()};
  full_args.insert(full_args.end(), args.begin(), args.end());
  run.started_unix_nano = NowUnixNano();
  run.process = RunNodeScript(script, full_args);
  run.finished_unix_nano = NowUnixNano();
  // The exporters resolve only after the server's answer, and the server records a request
  // before answering, so a clean exit means everything is recorded; the wait covers a client
  // that exits early by mistake, and is what makes a missing request fail rather than hang.
  server.WaitForRequests(expected_requests, std::chrono::seconds(10));
  run.requests = server.Requests();
  return run;
}

}  // namespace nightjar::interop
