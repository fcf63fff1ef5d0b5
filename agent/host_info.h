// The host's identity as OpenTelemetry resource attributes: host.name, host.id (from
// /etc/machine-id, as the semantic conventions recommend for Linux) and os.type.
//
// Thread-safety: pure functions over the file system.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace nightjar::agent {

// Returns {host.name, host.id, os.type} for this host; host.id is left out when no machine id
// can be read. `machine_id_paths` are tried in order.
std::vector<std::pair<std::string, std::string>> HostResource(
    const std::vector<std::string>& machine_id_paths = {"/etc/machine-id",
                                                        "/var/lib/dbus/machine-id"});

}  // namespace nightjar::agent
