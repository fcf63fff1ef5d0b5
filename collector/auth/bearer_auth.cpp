// Bearer-token checks; see bearer_auth.h.
#include "auth/bearer_auth.h"

#include <strings.h>

namespace nightjar::collector {

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Walk the longer length whatever happens, folding every difference into one byte; the
  // compiler cannot stop early because `diff` is read only at the end.
  size_t n = std::max(a.size(), b.size());
  volatile unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff = static_cast<unsigned char>(diff | (x ^ y));
  }
  return diff == 0;
}

BearerAuth::BearerAuth(std::vector<std::string> tokens)
    : tokens_(std::make_shared<const TokenSet>(std::move(tokens))) {}

std::shared_ptr<const BearerAuth::TokenSet> BearerAuth::Tokens() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tokens_;
}

void BearerAuth::Replace(std::vector<std::string> tokens) {
  auto next = std::make_shared<const TokenSet>(std::move(tokens));
  std::lock_guard<std::mutex> lock(mutex_);
  tokens_ = std::move(next);
}

bool BearerAuth::Check(std::string_view authorization) const {
  std::shared_ptr<const TokenSet> tokens = Tokens();
  if (tokens->empty()) return true;
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size() ||
      strncasecmp(authorization.data(), kScheme.data(), kScheme.size()) != 0) {
    return false;
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  bool match = false;
  for (const std::string& t : *tokens) match |= ConstantTimeEquals(token, t);  // no early exit
  return match;
}

}  // namespace nightjar::collector
