// Label matchers; see label_matcher.h.
#include "alerting/label_matcher.h"

#include "alerting/labels.h"

namespace nightjar::collector::alerting {

Result<LabelMatcher> LabelMatcher::Make(std::string name, Op op, std::string value) {
  if (name.empty()) return InvalidArgument("a matcher needs a label name");
  LabelMatcher m(std::move(name), op, std::move(value));
  if (op == Op::kRegex || op == Op::kNotRegex) {
    try {
      m.regex_ = std::make_shared<const std::regex>(m.value_, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return InvalidArgument("matcher " + m.name_ + std::string(OpText(op)) + "\"" + m.value_ +
                             "\": invalid regular expression: " + e.what());
    }
  }
  return m;
}

Result<LabelMatcher::Op> LabelMatcher::ParseOp(std::string_view text) {
  if (text == "=") return Op::kEqual;
  if (text == "!=") return Op::kNotEqual;
  if (text == "=~") return Op::kRegex;
  if (text == "!~") return Op::kNotRegex;
  return InvalidArgument("unknown matcher operator \"" + std::string(text) +
                         "\" (expected =, !=, =~ or !~)");
}

std::string_view LabelMatcher::OpText(Op op) {
  switch (op) {
    case Op::kEqual:
      return "=";
    case Op::kNotEqual:
      return "!=";
    case Op::kRegex:
      return "=~";
    case Op::kNotRegex:
      return "!~";
  }
  return "=";
}

Result<LabelMatcher> LabelMatcher::Parse(std::string_view text) {
  size_t at = text.find_first_of("=!");
  if (at == std::string_view::npos || at == 0) {
    return InvalidArgument("matcher \"" + std::string(text) +
                           "\": expected name=value, name!=value, name=~regex or name!~regex");
  }
  std::string_view name = text.substr(0, at);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  std::string_view rest = text.substr(at);
  std::string_view op_text;
  for (std::string_view candidate : {"=~", "!~", "!=", "="}) {
    if (rest.substr(0, candidate.size()) == candidate) {
      op_text = candidate;
      break;
    }
  }
  if (op_text.empty()) {
    return InvalidArgument("matcher \"" + std::string(text) + "\": unknown operator");
  }
  std::string_view value = rest.substr(op_text.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  std::string unquoted(value);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    unquoted.clear();
    for (size_t i = 1; i + 1 < value.size(); ++i) {
      if (value[i] == '\\' && i + 2 < value.size()) ++i;
      unquoted += value[i];
    }
  }
  NJ_ASSIGN_OR_RETURN(Op op, ParseOp(op_text));
  return Make(std::string(name), op, std::move(unquoted));
}

bool LabelMatcher::Matches(const Labels& labels) const {
  std::string_view actual = LabelValue(labels, name_).value_or("");
  switch (op_) {
    case Op::kEqual:
      return actual == value_;
    case Op::kNotEqual:
      return actual != value_;
    case Op::kRegex:
      return std::regex_match(actual.begin(), actual.end(), *regex_);
    case Op::kNotRegex:
      return !std::regex_match(actual.begin(), actual.end(), *regex_);
  }
  return false;
}

std::string LabelMatcher::ToString() const {
  return name_ + std::string(OpText(op_)) + QuoteLabelValue(value_);
}

bool MatchesAll(const std::vector<LabelMatcher>& matchers, const Labels& labels) {
  for (const LabelMatcher& m : matchers) {
    if (!m.Matches(labels)) return false;
  }
  return true;
}

}  // namespace nightjar::collector::alerting
