// Multiline records; see multiline.h.
#include "multiline/multiline.h"

namespace nightjar::agent {
namespace {

bool Indented(std::string_view line) {
  return !line.empty() && (line[0] == ' ' || line[0] == '\t');
}

// Frames ("\tat ..."), "... 12 more" and "Caused by:" continue a Java exception.
constexpr std::string_view kJavaContinuation =
    R"(^(\s|Caused by:|Suppressed:|\.\.\. \d+ (more|common frames omitted)))";
// Indented frames and source lines, the "Traceback" header, chained-exception banners and the
// blank lines around them continue a Python traceback.
constexpr std::string_view kPythonContinuation =
    R"(^(\s|Traceback \(most recent call last\):|During handling of the above exception|)"
    R"(The above exception was the direct cause|$))";
constexpr std::string_view kPythonExceptionLine = R"(^[A-Za-z_][\w.]*(:.*)?$)";

}  // namespace

Result<MultilineRules> MultilineRules::FromPattern(Mode mode, std::string_view pattern) {
  Result<Regex> regex = Regex::Compile(pattern);
  if (!regex.ok()) return regex.status();
  MultilineRules rules;
  rules.mode = mode;
  rules.pattern = std::move(*regex);
  return rules;
}

Result<MultilineRules> MultilineRules::Preset(std::string_view name) {
  if (name == "java") return FromPattern(Mode::kContinuationPattern, kJavaContinuation);
  if (name == "python") {
    Result<MultilineRules> rules = FromPattern(Mode::kContinuationPattern, kPythonContinuation);
    if (!rules.ok()) return rules;
    Result<Regex> tail = Regex::Compile(kPythonExceptionLine);
    if (!tail.ok()) return tail.status();
    rules->after_indented = std::move(*tail);
    return rules;
  }
  return InvalidArgument("unknown multiline preset \"" + std::string(name) +
                         "\" (known: java, python)");
}

void MultilineAggregator::Start(std::string_view line, uint64_t start, uint64_t end,
                                int64_t now_nanos) {
  text_.assign(line);
  start_ = start;
  end_ = end;
  lines_ = 1;
  last_indented_ = Indented(line);
  last_line_nanos_ = now_nanos;
}

bool MultilineAggregator::Push(MultilineRules& rules, std::string_view line, uint64_t start,
                               uint64_t end, int64_t now_nanos, MultilineRecord* out) {
  if (lines_ == 0) {
    Start(line, start, end, now_nanos);
    return false;
  }
  bool continues;
  if (rules.mode == MultilineRules::Mode::kStartPattern) {
    continues = !rules.pattern->Search(line);
  } else {
    continues = rules.pattern->Search(line) ||
                (rules.after_indented && last_indented_ && rules.after_indented->Search(line));
  }
  if (continues && lines_ < rules.max_lines && text_.size() + 1 + line.size() <= rules.max_bytes) {
    text_.push_back('\n');
    text_.append(line);
    end_ = end;
    ++lines_;
    last_indented_ = Indented(line);
    last_line_nanos_ = now_nanos;
    return false;
  }
  out->text.swap(text_);
  out->end_offset = end_;
  out->lines = lines_;
  Start(line, start, end, now_nanos);
  return true;
}

bool MultilineAggregator::Flush(MultilineRecord* out) {
  if (lines_ == 0) return false;
  out->text.swap(text_);
  out->end_offset = end_;
  out->lines = lines_;
  text_.clear();
  // A long stack trace should not pin its buffer for the life of the file.
  if (text_.capacity() > 64 * 1024) text_.shrink_to_fit();
  lines_ = 0;
  start_ = end_;
  return true;
}

}  // namespace nightjar::agent
