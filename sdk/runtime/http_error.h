// How the collector's JSON APIs answer a failed request: the HTTP status a Status code maps to,
// and the body {"error": message, "code": "invalid_argument"}.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "base/status.h"

namespace nightjar {

// 400 invalid argument, 401 unauthenticated, 404 not found, 409 failed precondition, 413
// resource exhausted, 503 deadline exceeded or unavailable, 500 anything else.
int HttpStatusFor(StatusCode code);

// Returns the JSON error body for `status`.
std::string ErrorJson(const Status& status);

}  // namespace nightjar
