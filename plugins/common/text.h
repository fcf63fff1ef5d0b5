// Small text helpers the notifiers share.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace nightjar::plugins::common {

// Returns `s` without leading and trailing ASCII white space.
std::string_view Trim(std::string_view s);

// Returns `data` in base64 on one line (HTTP basic auth, SMTP AUTH).
std::string Base64(std::string_view data);

}  // namespace nightjar::plugins::common
