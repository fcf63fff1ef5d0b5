// The interface between the agent and its HTTPS module, nightjar-agent-https.so: one C function
// that makes an HTTPS session. The module links OpenSSL (through Poco NetSSL); the agent loads
// it only when an endpoint is https://, so that an agent shipping over plain http does not map
// OpenSSL's libraries (about 4 MiB of resident memory on every host).
//
// Both sides are built from one tree and ship in one package: this is not a stable ABI.
//
// Thread-safety: the function is reentrant.
#pragma once

#include <cstddef>

namespace Poco::Net {
class HTTPClientSession;
}

extern "C" {

// The TLS settings (runtime/tls.h's TlsClientSettings) as C strings; "" for unset.
struct NjHttpsSettings {
  const char* ca_file;
  const char* cert_file;
  const char* key_file;
  int insecure_skip_verify;
};

// Returns a new Poco::Net::HTTPSClientSession to host:port, as its base class (the caller
// deletes it), or null with the reason (a file that cannot be used) in `error`.
using NjHttpsSessionFn = Poco::Net::HTTPClientSession* (*)(const char* host, unsigned port,
                                                           const NjHttpsSettings* settings,
                                                           char* error, size_t error_size);

// The name the module exports the function under.
inline constexpr char kNjHttpsSessionSymbol[] = "nightjar_agent_https_session";

}  // extern "C"
