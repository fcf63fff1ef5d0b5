// The OpenSSL contexts (through Poco NetSSL) built from TLS settings (tls.h), and an HTTPS
// listener for the HTTP server. In a library of its own, nightjar_tls, so that only what
// speaks TLS loads OpenSSL.
//
// Both sides use TLS 1.2 or newer. A client verifies the server's chain and, through Poco, that
// the certificate names the host it connected to (any host but localhost). A server with
// client_ca_file refuses a client without a certificate of those CAs; client certificates name
// clients, not addresses, so only their chain is checked.
//
// Thread-safety: a built context is immutable and may be shared by concurrent connections.
#pragma once

#include <Poco/Net/Context.h>

#include <string>

#include "base/status.h"
#include "runtime/http_server.h"
#include "runtime/tls.h"

namespace nightjar {

// Builds a server context: loads the certificate chain and key and checks that they match, and
// the client CAs when set. Fails with InvalidArgument naming the file at fault.
Result<Poco::Net::Context::Ptr> MakeServerContext(const TlsServerSettings& settings);

// Builds a client context. Fails with InvalidArgument naming the file at fault.
Result<Poco::Net::Context::Ptr> MakeClientContext(const TlsClientSettings& settings);

// Returns a digest of the files `settings` names, to tell whether a reload must rebuild a
// listener whose settings read the same but whose certificate was renewed in place. Fails when
// a file cannot be read.
Result<std::string> TlsFilesDigest(const TlsServerSettings& settings);

// Makes `options`' listener speak HTTPS only, with `context`.
void ServeTls(HttpServerOptions* options, Poco::Net::Context::Ptr context);

}  // namespace nightjar
