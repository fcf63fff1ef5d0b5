// Reading the `plugins:` section; see plugin_host_config.h.
#include "plugin_host/plugin_host_config.h"

#include <chrono>

namespace nightjar::plugins {
namespace {

// Returns why a list item or mapping value cannot be an option string, or "" when it can.
std::string ScalarProblem(const ConfigNode& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "an empty value";
  return "";
}

// Collects an instance's options without judging them: only the plugin's declared table can.
// Nothing here records an error in the document, so that one instance's bad option refuses
// that instance alone.
OptionInputs ReadOptionInputs(ConfigNode& item) {
  OptionInputs inputs;
  ConfigNode options = item.Child("options");
  for (auto& [key, node] : options.Entries()) {
    if (node.IsNull()) continue;  // "key:" with no value reads as unset
    OptionInput in;
    in.where = options.file() + ": " + node.path();
    if (node.IsMap()) {
      in.shape = OptionInput::Shape::kMap;
      for (auto& [k, v] : node.Entries()) {
        std::string problem = ScalarProblem(v);
        if (!problem.empty()) {
          in.shape = OptionInput::Shape::kInvalid;
          in.problem = "the value of \"" + k + "\" must be a string, got " + problem;
          break;
        }
      }
      if (in.shape == OptionInput::Shape::kMap) in.map = options.StringMap(key);
    } else if (node.IsSequence()) {
      in.shape = OptionInput::Shape::kList;
      size_t i = 0;
      for (ConfigNode& element : options.Items(key)) {
        std::string problem = ScalarProblem(element);
        if (!problem.empty()) {
          in.shape = OptionInput::Shape::kInvalid;
          in.problem = "item " + std::to_string(i) + " must be a string, got " + problem;
          break;
        }
        ++i;
      }
      if (in.shape == OptionInput::Shape::kList) in.list = options.Strings(key);
    } else {
      in.scalar = options.String(key);
    }
    inputs.emplace_back(key, std::move(in));
  }
  return inputs;
}

}  // namespace

PluginHostConfig ReadPluginHostConfig(ConfigNode section) {
  PluginHostConfig config;
  if (section.IsNull()) return config;
  section.AllowKeys({"directory", "paths", "suspend", "instances"});
  config.directory = section.String("directory");
  config.paths = section.Strings("paths");

  ConfigNode suspend = section.Child("suspend");
  suspend.AllowKeys({"after_failures", "initial", "max"});
  config.suspend.after_failures = static_cast<uint32_t>(
      suspend.Int("after_failures", config.suspend.after_failures, 0, 1'000'000));
  config.suspend.initial = suspend.Dur("initial", config.suspend.initial);
  config.suspend.max = suspend.Dur("max", config.suspend.max);
  if (config.suspend.initial.count() <= 0) suspend.Error("initial", "must be longer than 0s");
  if (config.suspend.max < config.suspend.initial) {
    suspend.Error("max", "must not be shorter than `initial`");
  }

  for (ConfigNode& item : section.Items("instances")) {
    if (!item.IsMap()) {
      item.Error("", "expected a mapping with at least `plugin: <name>`");
      continue;
    }
    item.AllowKeys({"plugin", "name", "enabled", "match", "options"});
    InstanceConfig instance;
    instance.plugin = item.String("plugin");
    if (instance.plugin.empty()) {
      item.Error("plugin", "is required: the name a loaded plugin declares");
    }
    instance.name = item.String("name", instance.plugin);
    instance.enabled = item.Bool("enabled", true);
    instance.match = item.Strings("match");
    instance.where = item.file() + ": " + item.path();
    instance.options = ReadOptionInputs(item);
    for (const InstanceConfig& earlier : config.instances) {
      if (earlier.name == instance.name && !instance.name.empty()) {
        item.Error(item.Has("name") ? "name" : "plugin",
                   "instance name \"" + instance.name + "\" is already used by " + earlier.where +
                       " (give each instance of a plugin its own `name`)");
        break;
      }
    }
    config.instances.push_back(std::move(instance));
  }
  return config;
}

}  // namespace nightjar::plugins
