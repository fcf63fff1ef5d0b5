// TLS client contexts; see tls_client.h.
#include "tls_client.h"

#include <Poco/Exception.h>

#include <fstream>

namespace nightjar::plugins::common {

TlsSettings TlsSettings::FromOptions(const sdk::Options& options) {
  TlsSettings s;
  s.ca_file = options.String("ca_file");
  s.insecure_skip_verify = options.Bool("insecure_skip_verify");
  return s;
}

Poco::Net::Context::Ptr MakeClientContext(const TlsSettings& settings) {
  // Checked here so that a typo in the path is a configuration error at start, not a TLS
  // failure at the first alert.
  if (!settings.ca_file.empty() && !std::ifstream(settings.ca_file).good()) {
    throw sdk::Error("ca_file \"" + settings.ca_file + "\" cannot be read");
  }
  try {
    auto mode = settings.insecure_skip_verify ? Poco::Net::Context::VERIFY_NONE
                                              : Poco::Net::Context::VERIFY_RELAXED;
    Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, "", "", settings.ca_file, mode, 9,
        /*loadDefaultCAs=*/settings.ca_file.empty());
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    return context;
  } catch (const Poco::Exception& e) {
    throw sdk::Error("TLS setup failed: " + e.displayText());
  }
}

}  // namespace nightjar::plugins::common
