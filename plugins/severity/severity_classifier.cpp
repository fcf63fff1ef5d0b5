// severity: a classifier plugin that fills in missing or inconsistent log severity from what
// the record says about itself, and tags records with a category by keyword and regex rules.
//
// Where a level is found, in order: a level attribute (level, log.level, severity, loglevel);
// then the body: a syslog priority "<N>" at the start, a JSON object's "level"/"severity"/"lvl"
// field (names or pino/bunyan numbers), a logfmt "level=..." pair, or a level word in the first
// `scan_bytes`: upper-case words anywhere (ERROR, WARN, FATAL, ...), words in any case when
// bracketed or followed by ':' ("[error]", "err:"), and single letters in glog/Android form
// ("E0512 ...", "W/Tag").
//
// `mode` decides when the record's own severity is replaced:
//   missing       only when the record has no severity number
//   inconsistent  also when the number and the text disagree, or one of them is missing
//                 (default; the body decides a disagreement when it names a level)
//   always        whenever the record names a level that differs from its severity
//
// Categories: the first rule that matches the first `max_body_bytes` of the body sets the label
// `label` (default log.class). Rules are the user's `keywords` (category: "kw1|kw2", matched
// case-insensitively as substrings) and `patterns` (category: a POSIX extended regular
// expression, as grep -E takes, matched case-insensitively), then the built-in keyword rules
// unless `builtin_categories` is false. Keywords are much cheaper than patterns: prefer them.
//
// Thread-safety: an instance is immutable after construction, so it declares itself
// thread-safe.
#include <regex.h>
#include <nightjar/plugin.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keyword_matcher.h"
#include "level_finder.h"

namespace {

using nightjar::severity::Band;
using nightjar::severity::BandName;
using nightjar::severity::BodyLevel;
using nightjar::severity::KeywordMatcher;
using nightjar::severity::Level;
using nightjar::severity::NumericLevel;
using nightjar::severity::WordLevel;

using nightjar::sdk::ClassifyOutput;
using nightjar::sdk::Context;
using nightjar::sdk::LogRecord;
using nightjar::sdk::Option;

std::vector<std::string> SplitKeywords(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    size_t bar = list.find('|');
    std::string_view item = list.substr(0, bar);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);  // the matcher ignores case
    if (bar == std::string_view::npos) break;
    list.remove_prefix(bar + 1);
  }
  return out;
}

// Built-in category rules: common failure causes, matched case-insensitively.
constexpr std::pair<const char*, const char*> kBuiltinRules[] = {
    {"timeout", "timed out|timeout|time out|deadline exceeded|etimedout"},
    {"connection_refused", "connection refused|econnrefused"},
    {"connection_reset", "connection reset|econnreset|broken pipe"},
    {"out_of_memory",
     "out of memory|outofmemoryerror|cannot allocate memory|oom-killer|oom killer|enomem"},
    {"permission_denied", "permission denied|access denied|eacces|operation not permitted"},
    {"disk_full", "no space left on device|disk full|enospc|disk quota exceeded"},
    {"dns_failure",
     "name or service not known|could not resolve host|temporary failure in name resolution|"
     "nxdomain"},
    {"auth_failure",
     "authentication failure|authentication failed|failed password|"
     "invalid user|login incorrect"},
};

class SeverityClassifier : public nightjar::sdk::Classifier {
 public:
  static constexpr nightjar::sdk::PluginInfo kInfo{
      "severity", "1.0.0",
      "Fills in missing or inconsistent severity from the record's text and tags failure "
      "categories."};
  static constexpr bool kThreadSafe = true;
  static constexpr Option kOptions[] = {
      Option::String("mode", "inconsistent",
                     "When to replace the record's severity: missing, inconsistent or always.")
          .Choices("missing|inconsistent|always"),
      Option::Int("scan_bytes", "200", "How far into the body to look for a level word.")
          .Range(8, 65536),
      Option::Bool("builtin_categories", "true",
                   "Use the built-in category rules (timeout, connection_refused, ...)."),
      Option::StringMap("keywords",
                        "Category rules: category to '|'-separated keywords, matched "
                        "case-insensitively."),
      Option::StringMap("patterns",
                        "Category rules: category to a POSIX extended regular expression (as "
                        "grep -E), matched case-insensitively."),
      Option::String("label", "log.class", "The label that receives the category."),
      Option::Int("max_body_bytes", "4096", "How much of the body category rules search.")
          .Range(16, 1 << 20),
  };

  explicit SeverityClassifier(const Context& context)
      : scan_bytes_(static_cast<size_t>(context.options().Int("scan_bytes"))),
        max_body_bytes_(static_cast<size_t>(context.options().Int("max_body_bytes"))),
        label_(context.options().String("label")) {
    std::string mode = context.options().String("mode");
    mode_ = mode == "missing" ? Mode::kMissing
                              : (mode == "always" ? Mode::kAlways : Mode::kInconsistent);
    if (label_.empty()) throw nightjar::sdk::Error("option \"label\" must not be empty");
    for (const auto& [category, keywords] : context.options().StringMap("keywords")) {
      AddRule(category, SplitKeywords(keywords), nullptr);
    }
    for (const auto& [category, pattern] : context.options().StringMap("patterns")) {
      AddRule(category, {}, Compile(category, pattern));
    }
    if (context.options().Bool("builtin_categories")) {
      for (const auto& [category, keywords] : kBuiltinRules) {
        bool overridden = std::any_of(rules_.begin(), rules_.end(),
                                      [&](const Rule& r) { return r.category == category; });
        if (!overridden) AddRule(category, SplitKeywords(keywords), nullptr);
      }
    }
    for (uint32_t i = 0; i < rules_.size(); ++i) {
      for (const std::string& k : rules_[i].keywords) keywords_.Add(k, i);
      has_patterns_ = has_patterns_ || rules_[i].pattern != nullptr;
    }
    keywords_.Build();
  }

  void Classify(const LogRecord& record, ClassifyOutput& out) override {
    std::string_view body = record.Body();
    Decide(record, body, out);
    if (rules_.empty() || body.empty()) return;
    std::string_view text = body.substr(0, max_body_bytes_);
    // Every keyword of every rule in one pass; patterns only for rules ahead of the best
    // keyword match, since the first rule that matches wins.
    uint32_t best = keywords_.Find(text);
    if (has_patterns_) {
      std::string subject(text);  // regexec wants a NUL-terminated string
      for (uint32_t i = 0; i < rules_.size() && i < best; ++i) {
        const Regex& pattern = rules_[i].pattern;
        if (pattern && regexec(pattern.get(), subject.c_str(), 0, nullptr, 0) == 0) best = i;
      }
    }
    if (best < rules_.size()) out.AddLabel(label_, rules_[best].category);
  }

 private:
  enum class Mode { kMissing, kInconsistent, kAlways };

  // A compiled POSIX regex, freed with regfree. regexec on a shared regex_t is thread-safe.
  using Regex = std::shared_ptr<regex_t>;

  static Regex Compile(const std::string& category, const std::string& pattern) {
    auto compiled = std::make_unique<regex_t>();
    int rc = regcomp(compiled.get(), pattern.c_str(), REG_EXTENDED | REG_ICASE | REG_NOSUB);
    if (rc != 0) {  // nothing to regfree after a failed regcomp
      char why[256];
      regerror(rc, compiled.get(), why, sizeof(why));
      throw nightjar::sdk::Error("patterns." + category + ": invalid regular expression \"" +
                                 pattern + "\": " + why);
    }
    return Regex(compiled.release(), [](regex_t* r) {
      regfree(r);
      delete r;
    });
  }

  struct Rule {
    std::string category;
    std::vector<std::string> keywords;  // searched, all rules at once, by keywords_
    Regex pattern;                      // may be null
  };

  void AddRule(const std::string& category, std::vector<std::string> keywords, Regex pattern) {
    if (category.empty()) throw nightjar::sdk::Error("a category rule has an empty name");
    for (Rule& rule : rules_) {
      if (rule.category == category) {  // keywords and patterns of one category combine
        for (auto& k : keywords) rule.keywords.push_back(std::move(k));
        if (pattern) rule.pattern = std::move(pattern);
        return;
      }
    }
    rules_.push_back(Rule{category, std::move(keywords), std::move(pattern)});
  }

  // Returns the level the record names for itself: an attribute, else the body.
  std::optional<Level> Named(const LogRecord& record, std::string_view body) const {
    static constexpr std::string_view kAttributes[] = {"level", "log.level", "severity",
                                                       "loglevel"};
    for (std::string_view key : kAttributes) {
      if (auto value = record.attributes().Find(key)) {
        if (value->IsString()) {
          if (auto level = WordLevel(value->AsString(), true)) return level;
        } else if (value->type() == NJ_VALUE_INT) {
          if (auto level = NumericLevel(static_cast<long>(value->AsInt()))) return level;
        }
      }
    }
    return BodyLevel(body, scan_bytes_, max_body_bytes_);
  }

  static void Set(ClassifyOutput& out, int32_t number, std::string_view text,
                  std::string_view source) {
    out.SetSeverity(number, text);
    out.AddAttribute("log.severity.source", source);
  }

  void Decide(const LogRecord& record, std::string_view body, ClassifyOutput& out) const {
    int32_t number = record.severity_number();
    std::string_view text = record.severity_text();
    // number 0 = the text names no level we know.
    Level from_text =
        (text.empty() ? std::nullopt : WordLevel(text, /*any_case=*/true)).value_or(Level{0, {}});
    if (number == 0) {
      if (from_text.number != 0) return Set(out, from_text.number, text, "severity_text");
      if (auto named = Named(record, body)) return Set(out, named->number, named->text, "body");
      return;
    }
    if (mode_ == Mode::kMissing) return;
    if (mode_ == Mode::kAlways) {
      std::optional<Level> named = Named(record, body);
      if (named && Band(named->number) != Band(number)) {
        return Set(out, named->number, named->text, "body");
      }
    }
    if (text.empty()) {
      std::string_view name = BandName(number);
      if (!name.empty()) Set(out, number, name, "severity_number");
      return;
    }
    if (from_text.number != 0 && Band(from_text.number) != Band(number)) {
      // The number and the text disagree: the body decides when it names a level.
      std::optional<Level> named = Named(record, body);
      if (named &&
          (Band(named->number) == Band(number) || Band(named->number) == Band(from_text.number))) {
        return Set(out, named->number, named->text, "body");
      }
      return Set(out, from_text.number, text, "severity_text");
    }
  }

  Mode mode_ = Mode::kInconsistent;
  size_t scan_bytes_;
  size_t max_body_bytes_;
  std::string label_;
  std::vector<Rule> rules_;  // in priority order
  KeywordMatcher keywords_;
  bool has_patterns_ = false;
};

}  // namespace

NJ_PLUGIN(SeverityClassifier)
