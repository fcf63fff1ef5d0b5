// What `nightjar-collector --check-config` says about the `plugins:` section: loads every
// plugin file and starts every configured instance exactly as the collector would, then drops
// them. Options are validated against each plugin's declared table and each instance's create
// runs (that is where a plugin refuses a configuration it cannot use); no hook runs.
//
// Thread-safety: a function of its arguments; plugins' create may run on the calling thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/config_locator.h"
#include "plugin_host/plugin_host.h"

namespace nightjar::collector {

struct PluginCheck {
  // One line per refused file or instance, with file:line:column where the configuration says.
  std::vector<std::string> problems;
  size_t plugins_loaded = 0;
  size_t instances_running = 0;
  size_t instances_refused = 0;  // configured, enabled, and refused: the configuration is invalid
};

// Returns how many instances of `stats` are in `state` ("running", "failed", "disabled", ...).
size_t CountInstances(const std::vector<plugins::PluginStats>& stats, std::string_view state);

// Checks `config` as described above; `locator` adds line and column to the problems.
PluginCheck CheckPlugins(const plugins::PluginHostConfig& config, const ConfigLocator& locator);

}  // namespace nightjar::collector
