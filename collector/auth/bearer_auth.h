// Bearer-token authentication for ingestion and for the API.
//
// Tokens come from the configuration (often as ${ENV} references). A request passes when its
// "Authorization: Bearer <token>" matches one of them. The comparison takes the same time
// whatever the token's content and whichever configured token it matches, so response timing
// does not reveal how much of a guess was right. With no tokens configured, every request
// passes (the default configuration listens on localhost only).
//
// Thread-safety: immutable after construction; Check() may be called from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nightjar::collector {

class BearerAuth {
 public:
  explicit BearerAuth(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {}

  // Returns true when no token is required or `authorization` (the header's value, possibly
  // empty) carries a configured token.
  bool Check(std::string_view authorization) const;

  bool enabled() const { return !tokens_.empty(); }

 private:
  std::vector<std::string> tokens_;
};

// Compares two strings in time that depends only on their lengths, not their contents.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace nightjar::collector
