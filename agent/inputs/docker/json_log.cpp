// Docker json-file lines; see json_log.h.
#include "inputs/docker/json_log.h"

#include <rapidjson/document.h>

#include "parsers/timestamp.h"

namespace nightjar::agent::docker {
namespace {

const TimeFormat& Rfc3339() {
  static const TimeFormat format = *TimeFormat::Compile("rfc3339");
  return format;
}

std::string_view StripNewline(std::string_view s) {
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view StreamName(LogStream stream) {
  return stream == LogStream::kStderr ? "stderr" : "stdout";
}

bool DecodeJsonLogLine(std::string_view line, JsonLogEntry* out) {
  rapidjson::Document doc;
  doc.Parse(line.data(), line.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  auto log = doc.FindMember("log");
  if (log == doc.MemberEnd() || !log->value.IsString()) return false;
  out->log.assign(log->value.GetString(), log->value.GetStringLength());
  out->partial = out->log.empty() || out->log.back() != '\n';
  out->stream = LogStream::kStdout;
  auto stream = doc.FindMember("stream");
  if (stream != doc.MemberEnd() && stream->value.IsString() &&
      std::string_view(stream->value.GetString(), stream->value.GetStringLength()) == "stderr") {
    out->stream = LogStream::kStderr;
  }
  out->time_unix_nano = 0;
  auto time = doc.FindMember("time");
  if (time != doc.MemberEnd() && time->value.IsString()) {
    std::optional<uint64_t> t = Rfc3339().Parse(
        std::string_view(time->value.GetString(), time->value.GetStringLength()), 0);
    if (t) out->time_unix_nano = static_cast<int64_t>(*t);
  }
  return true;
}

bool PartialMerger::Push(JsonLogEntry& entry, uint64_t start, size_t max_bytes, MergedLine* out) {
  Pending& p = pending_[static_cast<int>(entry.stream)];
  out->stream = entry.stream;
  if (!p.active) {
    if (!entry.partial) {
      // The common case: a whole line in one entry.
      out_.swap(entry.log);
      out->text = StripNewline(out_);
      out->time_unix_nano = entry.time_unix_nano;
      out->start = start;
      return true;
    }
    p.active = true;
    p.text.clear();
    p.time_unix_nano = entry.time_unix_nano;
    p.start = start;
  }
  p.text += entry.log;
  if (entry.partial && p.text.size() < max_bytes) return false;
  out_.swap(p.text);
  p.text.clear();
  p.active = false;
  out->text = StripNewline(out_);
  out->time_unix_nano = p.time_unix_nano;
  out->start = p.start;
  return true;
}

std::optional<uint64_t> PartialMerger::pending_start() const {
  std::optional<uint64_t> start;
  for (const Pending& p : pending_) {
    if (p.active && (!start || p.start < *start)) start = p.start;
  }
  return start;
}

bool PartialMerger::Flush(LogStream stream, MergedLine* out) {
  Pending& p = pending_[static_cast<int>(stream)];
  if (!p.active) return false;
  out_.swap(p.text);
  p.text.clear();
  p.active = false;
  out->text = StripNewline(out_);
  out->stream = stream;
  out->time_unix_nano = p.time_unix_nano;
  out->start = p.start;
  return true;
}

}  // namespace nightjar::agent::docker
