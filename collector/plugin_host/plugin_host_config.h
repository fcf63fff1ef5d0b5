// The `plugins:` section of the collector's configuration.
//
//   plugins:
//     directory: /usr/lib/nightjar/plugins   # every *.so in it is loaded
//     paths: [/opt/acme/acme_classifier.so]  # more plugin files
//     suspend:                               # when a hook keeps failing
//       after_failures: 5
//       initial: 10s
//       max: 10m
//     instances:
//       - plugin: severity                   # the plugin's declared name
//         name: severity                     # unique; defaults to the plugin's name
//         options: {mode: inconsistent}
//       - plugin: zscore
//         name: cpu-anomalies
//         match: ["system.cpu.*"]            # detectors: metric-name globs
//         options: {threshold: 4}
//       - plugin: webhook
//         name: oncall
//         enabled: false
//
// The structure is checked here (errors land in the configuration document, with line and
// column). Instance options are only collected: they are validated against the plugin's
// declared table once the plugin is loaded (PluginHost), so that a bad option refuses that one
// instance with a message naming the option and the plugin.
//
// Thread-safety: plain values.
#pragma once

#include <string>
#include <vector>

#include "plugin_host/failure_backoff.h"
#include "plugin_host/option_schema.h"
#include "runtime/config.h"

namespace nightjar::plugins {

struct InstanceConfig {
  std::string name;  // unique among instances; defaults to `plugin`
  std::string plugin;
  bool enabled = true;
  std::vector<std::string> match;  // detectors only: metric-name globs; empty = every metric
  OptionInputs options;
  // Where the instance was written, e.g. "collector.yaml: plugins.instances[1]"; may be empty.
  std::string where;
};

struct PluginHostConfig {
  std::string directory;           // empty = none
  std::vector<std::string> paths;  // plugin files loaded besides the directory's
  std::vector<InstanceConfig> instances;
  SuspendPolicy suspend;
  // Identifies the host to plugins (nj_host.host_version).
  std::string host_version = "nightjar-collector";
};

// Reads the `plugins:` section. Structural errors are recorded in `section`'s document (check
// its status()); the returned value holds whatever could be read.
PluginHostConfig ReadPluginHostConfig(ConfigNode section);

}  // namespace nightjar::plugins
