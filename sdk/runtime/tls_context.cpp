// TLS contexts; see tls_context.h.
#include "runtime/tls_context.h"

#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/SHA2Engine.h>
#include <openssl/ssl.h>

#include <fstream>
#include <optional>
#include <sstream>

namespace nightjar {
namespace {

// Reads `path` whole; nullopt when it cannot be opened.
std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

// Checks that each named file can be read, so that the error names the file rather than
// coming back from OpenSSL as "system lib".
Status CheckReadable(std::initializer_list<std::pair<const char*, const std::string*>> files) {
  for (const auto& [key, path] : files) {
    if (path->empty()) continue;
    if (!std::ifstream(*path).good()) {
      return InvalidArgument("tls." + std::string(key) + " \"" + *path + "\" cannot be read");
    }
  }
  return Status::Ok();
}

// OpenSSL takes a key that does not match the certificate by dropping the certificate, which
// would show only at the first handshake: check the pair here.
Status CheckKeyMatches(const Poco::Net::Context::Ptr& context, const std::string& cert_file,
                       const std::string& key_file) {
  if (cert_file.empty() || SSL_CTX_check_private_key(context->sslContext()) == 1) {
    return Status::Ok();
  }
  return InvalidArgument("tls.key_file \"" + key_file + "\" is not the key of tls.cert_file \"" +
                         cert_file + "\"");
}

}  // namespace

Result<Poco::Net::Context::Ptr> MakeServerContext(const TlsServerSettings& settings) {
  NJ_RETURN_IF_ERROR(CheckReadable({{"cert_file", &settings.cert_file},
                                    {"key_file", &settings.key_file},
                                    {"client_ca_file", &settings.client_ca_file}}));
  try {
    // VERIFY_STRICT asks for a client certificate and refuses the handshake without one.
    auto mode = settings.client_ca_file.empty() ? Poco::Net::Context::VERIFY_NONE
                                                : Poco::Net::Context::VERIFY_STRICT;
    Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_SERVER_USE, settings.key_file, settings.cert_file,
        settings.client_ca_file, mode, 9, /*loadDefaultCAs=*/false);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    // Poco would also check that a client's certificate names the client's address; agents'
    // certificates name agents, not addresses. Trust comes from the chain OpenSSL verified.
    context->enableExtendedCertificateVerification(false);
    // A session ID context is what OpenSSL needs to resume sessions of verified clients.
    context->enableSessionCache(true, "nightjar");
    NJ_RETURN_IF_ERROR(CheckKeyMatches(context, settings.cert_file, settings.key_file));
    return context;
  } catch (const Poco::Exception& e) {
    return InvalidArgument("tls: cannot use cert_file \"" + settings.cert_file +
                           "\" with key_file \"" + settings.key_file + "\": " + e.displayText());
  }
}

Result<Poco::Net::Context::Ptr> MakeClientContext(const TlsClientSettings& settings) {
  NJ_RETURN_IF_ERROR(CheckReadable({{"ca_file", &settings.ca_file},
                                    {"cert_file", &settings.cert_file},
                                    {"key_file", &settings.key_file}}));
  try {
    auto mode = settings.insecure_skip_verify ? Poco::Net::Context::VERIFY_NONE
                                              : Poco::Net::Context::VERIFY_RELAXED;
    Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, settings.key_file, settings.cert_file, settings.ca_file,
        mode, 9, /*loadDefaultCAs=*/settings.ca_file.empty());
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    NJ_RETURN_IF_ERROR(CheckKeyMatches(context, settings.cert_file, settings.key_file));
    return context;
  } catch (const Poco::Exception& e) {
    return InvalidArgument("tls: cannot use ca_file \"" + settings.ca_file + "\", cert_file \"" +
                           settings.cert_file + "\", key_file \"" + settings.key_file +
                           "\": " + e.displayText());
  }
}

Result<std::string> TlsFilesDigest(const TlsServerSettings& settings) {
  Poco::SHA2Engine sha256;
  for (const std::string* path :
       {&settings.cert_file, &settings.key_file, &settings.client_ca_file}) {
    if (path->empty()) continue;
    std::optional<std::string> content = ReadFile(*path);
    if (!content) return InvalidArgument("\"" + *path + "\" cannot be read");
    sha256.update(*path);
    sha256.update('\0');
    sha256.update(*content);
  }
  return Poco::DigestEngine::digestToHex(sha256.digest());
}

void ServeTls(HttpServerOptions* options, Poco::Net::Context::Ptr context) {
  options->tls = true;
  // The TLS handshake happens on the connection's thread at its first read, so a slow or
  // failing client never holds up the accepting thread.
  options->make_socket = [context] { return Poco::Net::SecureServerSocket(context); };
}

}  // namespace nightjar
