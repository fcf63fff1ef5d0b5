// HTTPS sessions for the exporter, made by the HTTPS module (https_module.h), which is loaded
// the first time one is asked for and stays loaded.
//
// The module is looked for next to the agent's binary (a build tree), then where the package
// installs it (<libdir>/nightjar/agent/). A missing module is an error naming where it was
// looked for.
//
// Thread-safety: every function may be called from any thread.
#pragma once

#include <Poco/Net/HTTPClientSession.h>

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "runtime/tls.h"

namespace nightjar::agent::https {

// Returns a new HTTPS session to host:port with `settings`. Fails with InvalidArgument naming a
// file that cannot be used, or the module that cannot be loaded.
Result<std::unique_ptr<Poco::Net::HTTPClientSession>> NewSession(const std::string& host,
                                                                 uint16_t port,
                                                                 const TlsClientSettings& settings);

// Checks that `settings` can be used: what a configuration check runs.
Status Check(const TlsClientSettings& settings);

// Makes the module be loaded from `path` (tests, whose binaries live elsewhere). Only before
// the first session.
void SetModulePath(std::string path);

}  // namespace nightjar::agent::https
