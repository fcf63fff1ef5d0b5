// TLS settings; see tls.h.
#include "runtime/tls.h"

namespace nightjar {
namespace {

// The certificate and key go together: one without the other is a half-done setup.
void RequirePair(ConfigNode& node, const std::string& cert, const std::string& key) {
  if (!cert.empty() && key.empty()) node.Error("key_file", "cert_file is set but key_file is not");
  if (cert.empty() && !key.empty()) node.Error("cert_file", "key_file is set but cert_file is not");
}

}  // namespace

TlsServerSettings ParseTlsServerSettings(ConfigNode node) {
  TlsServerSettings s;
  if (node.IsNull()) return s;
  node.AllowKeys({"cert_file", "key_file", "client_ca_file"});
  s.cert_file = node.String("cert_file");
  s.key_file = node.String("key_file");
  s.client_ca_file = node.String("client_ca_file");
  RequirePair(node, s.cert_file, s.key_file);
  if (s.cert_file.empty() && !s.client_ca_file.empty()) {
    node.Error("client_ca_file", "client certificates need TLS: set cert_file and key_file too");
  }
  return s;
}

TlsClientSettings ParseTlsClientSettings(ConfigNode node) {
  TlsClientSettings s;
  if (node.IsNull()) return s;
  node.AllowKeys({"ca_file", "cert_file", "key_file", "insecure_skip_verify"});
  s.ca_file = node.String("ca_file");
  s.cert_file = node.String("cert_file");
  s.key_file = node.String("key_file");
  s.insecure_skip_verify = node.Bool("insecure_skip_verify", false);
  RequirePair(node, s.cert_file, s.key_file);
  return s;
}

}  // namespace nightjar
