// Fuzz target: Docker's json-file lines and the merging of partial entries
// (agent/inputs/docker/json_log.h). Each input line is decoded; an accepted entry must survive
// a round trip through the format (written back as JSON, decoded again, equal), and the merger
// fed the entries must hand out lines bounded by its limit that never hold more text than went
// in.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fuzz_oracle.h"
#include "fuzz_targets.h"
#include "inputs/docker/json_log.h"

namespace nightjar::fuzz {
namespace {

using agent::docker::DecodeJsonLogLine;
using agent::docker::JsonLogEntry;
using agent::docker::LogStream;
using agent::docker::MergedLine;
using agent::docker::PartialMerger;
using agent::docker::StreamName;

constexpr size_t kMaxLine = 256;

// Writes `e` back as a json-file line (without its time: times are checked by the parser's own
// tests, and a decoded time is not always the text it came from).
std::string Encode(const JsonLogEntry& e) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("log");
  w.String(e.log.data(), static_cast<rapidjson::SizeType>(e.log.size()));
  w.Key("stream");
  std::string_view stream = StreamName(e.stream);
  w.String(stream.data(), static_cast<rapidjson::SizeType>(stream.size()));
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

void FuzzDockerJsonLog(std::string_view input) {
  PartialMerger merger;
  size_t fed = 0;
  size_t handed_out = 0;
  uint64_t offset = 0;
  while (!input.empty()) {
    size_t nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
    JsonLogEntry entry;
    if (DecodeJsonLogLine(line, &entry)) {
      Expect(entry.partial == (entry.log.empty() || entry.log.back() != '\n'),
             "json-log-partial-flag");
      JsonLogEntry again;
      std::string encoded = Encode(entry);
      Expect(DecodeJsonLogLine(encoded, &again), "json-log-round-trip-refused", encoded);
      ExpectSameBytes(entry.log, again.log, "json-log-round-trip-log");
      Expect(entry.stream == again.stream && entry.partial == again.partial,
             "json-log-round-trip-fields");
      fed += entry.log.size();
      size_t piece = entry.log.size();
      MergedLine out;
      if (merger.Push(entry, offset, kMaxLine, &out)) {
        handed_out += out.text.size();
        Expect(out.text.size() <= kMaxLine + piece, "json-log-merged-line-unbounded");
        Expect(out.start <= offset, "json-log-merged-start-after-entry");
      }
    }
    offset += line.size() + 1;
  }
  for (LogStream s : {LogStream::kStdout, LogStream::kStderr}) {
    MergedLine out;
    if (merger.Flush(s, &out)) handed_out += out.text.size();
  }
  Expect(!merger.pending_start().has_value(), "json-log-pending-after-flush");
  Expect(handed_out <= fed, "json-log-merger-invents-text");
}

}  // namespace nightjar::fuzz

NJ_FUZZ_ENTRY_POINT(nightjar::fuzz::FuzzDockerJsonLog);
