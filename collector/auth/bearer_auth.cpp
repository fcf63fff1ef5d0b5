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

bool BearerAuth::Check(std::string_view authorization) const {
  if (tokens_.empty()) return true;
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size() ||
      strncasecmp(authorization.data(), kScheme.data(), kScheme.size()) != 0) {
    return false;
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  bool match = false;
  for (const std::string& t : tokens_) match |= ConstantTimeEquals(token, t);  // no early exit
  return match;
}

}  // namespace nightjar::collector
