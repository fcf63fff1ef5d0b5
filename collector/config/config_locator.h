// Adds line and column to messages that name a place in the configuration by its path.
//
// The plugin host validates an instance's options only once the plugin is loaded, long after
// the YAML document was read, and names the place as "<file>: <path>" (e.g.
// "collector.yaml: plugins.instances[1].options.treshold: unknown option ..."). Locate() turns
// that into "collector.yaml:14:18: plugins.instances[1].options.treshold: unknown option ...",
// the form of every other configuration error, so that editors and operators jump straight to
// it. Messages about other files, or paths the document does not have, come back unchanged.
//
// Thread-safety: const methods may be used from any thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

namespace nightjar::collector {

class ConfigLocator {
 public:
  // A locator that locates nothing (no configuration file).
  ConfigLocator() = default;

  // Reads the YAML file `path`; `path` is also the file name messages must start with. A file
  // that cannot be read gives a locator that locates nothing.
  static ConfigLocator ForFile(const std::string& path);

  // Reads YAML `text`; `name` stands for its file name in messages.
  static ConfigLocator ForText(std::string_view text, std::string name);

  // Returns `message` with ":<line>:<column>" after the file name when it starts with
  // "<file>: <path>" and the path leads to a node of the document; else `message`.
  std::string Locate(std::string_view message) const;

 private:
  std::string file_;
  YAML::Node root_;
};

}  // namespace nightjar::collector
