// Checking the plugins' configuration; see plugin_check.h.
#include "config/plugin_check.h"

namespace nightjar::collector {

size_t CountInstances(const std::vector<plugins::PluginStats>& stats, std::string_view state) {
  size_t n = 0;
  for (const plugins::PluginStats& plugin : stats) {
    for (const plugins::InstanceStats& instance : plugin.instances) n += instance.state == state;
  }
  return n;
}

PluginCheck CheckPlugins(const plugins::PluginHostConfig& config, const ConfigLocator& locator) {
  std::unique_ptr<plugins::PluginHost> host = plugins::PluginHost::Start(config);
  PluginCheck check;
  for (const std::string& problem : host->problems()) {
    check.problems.push_back(locator.Locate(problem));
  }
  std::vector<plugins::PluginStats> stats = host->Stats();
  for (const plugins::PluginStats& plugin : stats) check.plugins_loaded += plugin.state == "loaded";
  check.instances_running = CountInstances(stats, "running");
  check.instances_refused = CountInstances(stats, "failed");
  return check;
}

}  // namespace nightjar::collector
