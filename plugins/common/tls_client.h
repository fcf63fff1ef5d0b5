// TLS client settings shared by the notifiers that speak HTTPS or SMTP over TLS: the two
// options every such plugin declares and the Poco context built from them.
//
// Verification is on by default: the server's chain must lead to a trusted CA (the system's,
// or those of `ca_file`) and, for names other than localhost, Poco checks that the certificate
// names the host. `insecure_skip_verify` exists for test setups with throwaway certificates;
// it is never the default.
//
// Thread-safety: a context is immutable once built and may be shared by concurrent sessions.
#pragma once

#include <Poco/Net/Context.h>
#include <nightjar/plugin.hpp>

#include <string>

namespace nightjar::plugins::common {

// Declares the `ca_file` option.
inline constexpr sdk::Option kCaFileOption = sdk::Option::String(
    "ca_file", nullptr, "PEM file of CAs to trust for TLS (default: the system's CAs).");

// Declares the `insecure_skip_verify` option.
inline constexpr sdk::Option kInsecureSkipVerifyOption =
    sdk::Option::Bool("insecure_skip_verify", "false",
                      "Accept any server certificate. For tests only: it allows interception.");

// What a plugin read from the TLS options.
struct TlsSettings {
  std::string ca_file;  // empty: the system's CAs
  bool insecure_skip_verify = false;

  // Reads `ca_file` and `insecure_skip_verify` from the plugin's options.
  static TlsSettings FromOptions(const sdk::Options& options);
};

// Returns a client context for `settings`: TLS 1.2 or newer, peer verification unless skipped.
// Throws sdk::Error when the CA file cannot be read.
Poco::Net::Context::Ptr MakeClientContext(const TlsSettings& settings);

}  // namespace nightjar::plugins::common
