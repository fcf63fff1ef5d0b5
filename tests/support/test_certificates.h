// Throwaway certificates for the TLS tests, made with the openssl command-line tool at test
// time (nothing secret is kept in the tree): a CA, a server certificate it signed for localhost
// and 127.0.0.1, a client certificate it signed (for mutual TLS), and a second, unrelated CA
// with a client certificate of its own, for the cases that must be refused.
//
// Thread-safety: MakeTestCertificates writes only under the directory it is given.
#pragma once

#include <string>

namespace nightjar::testing {

struct TestCertificates {
  std::string ca_file;           // the CA's certificate: what a client (or server) must trust
  std::string cert_file;         // the server's certificate, signed by the CA
  std::string key_file;          // the server's private key
  std::string client_cert_file;  // a client certificate signed by the CA (CN=nightjar-agent)
  std::string client_key_file;
  std::string other_ca_file;           // a CA nothing here trusts
  std::string other_client_cert_file;  // a client certificate signed by the other CA
  std::string other_client_key_file;
  std::string error;  // set when openssl failed
};

// Creates the certificates in `dir` with /usr/bin/openssl (EC keys: milliseconds to make).
TestCertificates MakeTestCertificates(const std::string& dir);

}  // namespace nightjar::testing
