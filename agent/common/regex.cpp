// PCRE2 wrapper; see regex.h.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "common/regex.h"

#include <pcre2.h>

#include <optional>

namespace nightjar::agent {
namespace {

// Bounds on one match: enough for any sane log pattern, small enough that catastrophic
// backtracking on a long line costs milliseconds, not minutes.
constexpr uint32_t kMatchLimit = 1'000'000;
constexpr uint32_t kDepthLimit = 10'000;
constexpr size_t kJitStackMax = 1 << 20;

std::string ErrorText(int code) {
  PCRE2_UCHAR buffer[256];
  int n = pcre2_get_error_message(code, buffer, sizeof(buffer));
  return n < 0 ? "error " + std::to_string(code) : std::string(reinterpret_cast<char*>(buffer));
}

}  // namespace

struct Regex::Impl {
  pcre2_code* code = nullptr;
  pcre2_match_data* match = nullptr;
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* jit_stack = nullptr;
  bool matched = false;

  ~Impl() {
    if (jit_stack != nullptr) pcre2_jit_stack_free(jit_stack);
    if (context != nullptr) pcre2_match_context_free(context);
    if (match != nullptr) pcre2_match_data_free(match);
    if (code != nullptr) pcre2_code_free(code);
  }
};

Regex::Regex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;
Regex::~Regex() = default;

Result<Regex> Regex::Compile(std::string_view pattern) {
  auto impl = std::make_unique<Impl>();
  int error = 0;
  PCRE2_SIZE offset = 0;
  impl->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                             PCRE2_UTF, &error, &offset, nullptr);
  if (impl->code == nullptr) {
    return InvalidArgument("invalid regular expression at offset " + std::to_string(offset) + ": " +
                           ErrorText(error));
  }
  // JIT is an optimisation: when the platform refuses it, the interpreter still works.
  if (pcre2_jit_compile(impl->code, PCRE2_JIT_COMPLETE) == 0) {
    impl->jit_stack = pcre2_jit_stack_create(32 * 1024, kJitStackMax, nullptr);
  }
  impl->match = pcre2_match_data_create_from_pattern(impl->code, nullptr);
  impl->context = pcre2_match_context_create(nullptr);
  if (impl->match == nullptr || impl->context == nullptr) {
    return Internal("out of memory compiling a regular expression");
  }
  pcre2_set_match_limit(impl->context, kMatchLimit);
  pcre2_set_depth_limit(impl->context, kDepthLimit);
  if (impl->jit_stack != nullptr) pcre2_jit_stack_assign(impl->context, nullptr, impl->jit_stack);

  Regex regex(std::move(impl));
  regex.pattern_ = std::string(pattern);
  uint32_t count = 0;
  uint32_t entry_size = 0;
  PCRE2_SPTR table = nullptr;
  pcre2_pattern_info(regex.impl_->code, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(regex.impl_->code, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
  pcre2_pattern_info(regex.impl_->code, PCRE2_INFO_NAMETABLE, &table);
  for (uint32_t i = 0; i < count; ++i) {
    PCRE2_SPTR entry = table + static_cast<size_t>(i) * entry_size;
    int index = (entry[0] << 8) | entry[1];
    regex.named_groups_.push_back(NamedGroup{reinterpret_cast<const char*>(entry + 2), index});
  }
  return regex;
}

bool Regex::Search(std::string_view text, bool* limit_hit) {
  subject_ = text;
  int rc = pcre2_match(impl_->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0,
                       PCRE2_NO_UTF_CHECK, impl_->match, impl_->context);
  impl_->matched = rc >= 0;
  if (limit_hit != nullptr) {
    *limit_hit = rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
                 rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_HEAPLIMIT;
  }
  return impl_->matched;
}

std::optional<std::string_view> Regex::Group(int index) const {
  if (!impl_->matched || index < 0 ||
      static_cast<uint32_t>(index) >= pcre2_get_ovector_count(impl_->match)) {
    return std::nullopt;
  }
  PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(impl_->match);
  PCRE2_SIZE start = ovector[2 * index];
  PCRE2_SIZE end = ovector[2 * index + 1];
  if (start == PCRE2_UNSET || end < start) return std::nullopt;
  return subject_.substr(start, end - start);
}

}  // namespace nightjar::agent
