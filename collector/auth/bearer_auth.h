// Bearer-token authentication for ingestion and for the API.
//
// Tokens come from the configuration (often as ${ENV} references). A request passes when its
// "Authorization: Bearer <token>" matches one of them. The comparison takes the same time
// whatever the token's content and whichever configured token it matches, so response timing
// does not reveal how much of a guess was right. With no tokens configured, every request
// passes (the default configuration listens on localhost only).
//
// Thread-safety: Check(), enabled() and Replace() may be called from any thread; a reload
// replaces the tokens while requests are being checked, each check seeing one whole set.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace nightjar::collector {

class BearerAuth {
 public:
  explicit BearerAuth(std::vector<std::string> tokens);

  // Returns true when no token is required or `authorization` (the header's value, possibly
  // empty) carries a configured token.
  bool Check(std::string_view authorization) const;

  // Returns true when a token is required.
  bool enabled() const { return !Tokens()->empty(); }

  // Replaces the configured tokens (a configuration reload); checks already running finish
  // with the previous set.
  void Replace(std::vector<std::string> tokens);

 private:
  using TokenSet = std::vector<std::string>;
  std::shared_ptr<const TokenSet> Tokens() const;

  mutable std::mutex mutex_;  // guards tokens_ (the pointer, not the set it points to)
  std::shared_ptr<const TokenSet> tokens_;
};

// Compares two strings in time that depends only on their lengths, not their contents.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace nightjar::collector
