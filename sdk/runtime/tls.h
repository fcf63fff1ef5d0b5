// TLS settings of the agent's exporter and of the collector's listeners, as the `tls:` sections
// of their configuration files say them. The contexts built from them are in tls_context.h, a
// library of its own: a binary that never speaks TLS (an agent shipping over http) does not
// load OpenSSL.
//
//   tls:                                   # a listener (server side)
//     cert_file: /etc/nightjar/tls/collector.pem      # PEM chain, leaf first
//     key_file: /etc/nightjar/tls/collector-key.pem
//     client_ca_file: /etc/nightjar/tls/agents-ca.pem  # set: clients must show a certificate
//                                                      # signed by one of these (mutual TLS)
//   tls:                                   # the exporter (client side)
//     ca_file: /etc/nightjar/tls/ca.pem      # default: the system's CAs
//     cert_file: ... key_file: ...           # a client certificate, for mutual TLS
//     insecure_skip_verify: false            # for throwaway test setups only
//
// Both sides use TLS 1.2 or newer. A client verifies the server's chain and, through Poco, that
// the certificate names the host it connected to. Files are read when the context is built, so
// a missing or mismatched file is a configuration error naming the file, never a failure at
// the first connection.
//
// Thread-safety: plain values.
#pragma once

#include <string>

#include "base/status.h"
#include "runtime/config.h"

namespace nightjar {

struct TlsServerSettings {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // empty: no client certificate is asked for

  bool enabled() const { return !cert_file.empty(); }
  bool operator==(const TlsServerSettings&) const = default;
};

struct TlsClientSettings {
  std::string ca_file;    // empty: the system's CAs
  std::string cert_file;  // with key_file: the certificate shown to a server that asks
  std::string key_file;
  bool insecure_skip_verify = false;

  bool operator==(const TlsClientSettings&) const = default;
};

// Reads a listener's `tls:` mapping (absent: TLS off). cert_file and key_file go together.
TlsServerSettings ParseTlsServerSettings(ConfigNode node);

// Reads the exporter's `tls:` mapping (absent: the defaults). cert_file and key_file go
// together.
TlsClientSettings ParseTlsClientSettings(ConfigNode node);

}  // namespace nightjar
