// nightjar-agent-https.so: HTTPS sessions for the agent's exporter; see https_module.h.
#include "exporter/https/https_module.h"

#include <Poco/Net/HTTPSClientSession.h>

#include <cstring>

#include "runtime/tls_context.h"

extern "C" __attribute__((visibility("default"))) Poco::Net::HTTPClientSession*
nightjar_agent_https_session(const char* host, unsigned port, const NjHttpsSettings* settings,
                             char* error, size_t error_size) {
  nightjar::TlsClientSettings tls;
  tls.ca_file = settings->ca_file;
  tls.cert_file = settings->cert_file;
  tls.key_file = settings->key_file;
  tls.insecure_skip_verify = settings->insecure_skip_verify != 0;
  nightjar::Result<Poco::Net::Context::Ptr> context = nightjar::MakeClientContext(tls);
  if (!context.ok()) {
    std::strncpy(error, context.status().message().c_str(), error_size - 1);
    error[error_size - 1] = '\0';
    return nullptr;
  }
  return new Poco::Net::HTTPSClientSession(host, static_cast<Poco::UInt16>(port), *context);
}
