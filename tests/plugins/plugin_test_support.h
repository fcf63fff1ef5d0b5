// Helpers shared by the plugin tests: where the fixture and first-party plugins are, hosts
// with one instance, records, and temporary directories.
//
// Thread-safety: functions are reentrant; a TempDir belongs to one test.
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "otlp/model.h"
#include "plugin_host/plugin_host.h"

namespace nightjar::plugins::testing {

// Returns the path of a fixture plugin, e.g. FixturePath("good") -> .../fixtures/good.so.
std::string FixturePath(std::string_view name);

// Returns the path of a first-party plugin, e.g. PluginPath("zscore").
std::string PluginPath(std::string_view name);

// Returns a path under the repository's source tree.
std::string SourcePath(std::string_view relative);

// Returns a path under the shared development data (../shared/data, or $NJ_SHARED_DATA).
std::string SharedDataPath(std::string_view relative);

// Returns options given as scalars, e.g. Scalars({{"word", "hi"}, {"count", "4"}}).
OptionInputs Scalars(std::initializer_list<std::pair<std::string, std::string>> values);

// Returns a configuration loading `path` with one instance of `plugin` named `instance`.
PluginHostConfig OneInstance(const std::string& path, const std::string& plugin,
                             OptionInputs options = {}, const std::string& instance = "");

// Starts a host with one instance of `plugin` loaded from `path`; fails the test when anything
// is refused.
std::unique_ptr<PluginHost> StartInstance(const std::string& path, const std::string& plugin,
                                          OptionInputs options = {},
                                          const std::string& instance = "");

// Starts a host whose one instance must be refused, and returns the refusal.
std::string InstanceRefusal(const std::string& path, const std::string& plugin,
                            OptionInputs options);

// Returns a log record with a string body.
otlp::LogRecord Record(std::string body, int32_t severity_number = 0,
                       std::string severity_text = "");

// Returns the value of a label, if added.
std::optional<std::string> Label(const Classification& c, std::string_view key);

// Returns an added attribute, or nullptr.
const otlp::AnyValue* Attribute(const Classification& c, std::string_view key);

// Returns true when `text` contains `part`.
inline bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// A fresh directory under the system's temporary directory, removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Copies `file` into the directory as `name` and returns the new path.
  std::string Copy(const std::string& file, const std::string& name) const;
  // Writes `content` to `name` and returns the path.
  std::string Write(const std::string& name, std::string_view content) const;

 private:
  std::string path_;
};

}  // namespace nightjar::plugins::testing
