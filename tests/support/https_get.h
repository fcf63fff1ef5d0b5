// A one-shot HTTPS GET for the TLS tests: a fresh connection to 127.0.0.1 with the client
// settings given (runtime/tls_context.h), so that a test can tell which certificate a server
// presents and whom it serves.
//
// Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/tls_context.h"

namespace nightjar::testing {

// GETs `path` on 127.0.0.1:`port`; returns the status, or 0 with `error` set when the
// handshake or the request failed (10 s timeout).
int HttpsGet(uint16_t port, const std::string& path, const TlsClientSettings& settings,
             std::string* error);

}  // namespace nightjar::testing
