// Reading YAML configuration with errors that say exactly where and what.
//
// A ConfigNode reads typed values out of a YAML mapping. Readers never throw: a missing key
// gives the default, a bad value records an error such as
//   collector.yaml:12:7: receiver.max_body_size: expected a byte size like "20MiB", got "lots"
// and returns the default, so that a whole section can be read straight through and checked
// once. Only the first error is kept: it is the one to fix first. AllowKeys() turns every key
// the reader does not know into an error, with a suggestion for a likely typo.
//
// Scalars may refer to environment variables as ${NAME} or ${NAME:-default}, so that secrets
// such as tokens need not be written into the file.
//
// Thread-safety: a ConfigNode and its children share state; use them from one thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "runtime/units.h"

namespace nightjar {

class ConfigNode {
 public:
  // Parses a YAML file. Fails with the file name, line and column of a syntax error.
  static Result<ConfigNode> LoadFile(const std::string& path);

  // Parses YAML text; `name` stands for the file name in messages.
  static Result<ConfigNode> LoadString(std::string_view text, std::string name);

  // Returns true when the node is absent or null (an empty file, a missing section).
  bool IsNull() const { return !node_ || node_.IsNull(); }
  bool IsMap() const { return node_ && node_.IsMap(); }
  bool IsSequence() const { return node_ && node_.IsSequence(); }
  bool Has(std::string_view key) const;

  // Dotted path of this node from the document root, e.g. "inputs[2].parser".
  const std::string& path() const { return path_; }

  // Scalar readers. Each returns `def` when the key is absent or null, and records an error
  // (returning `def`) when the value is present but invalid.
  std::string String(std::string_view key, std::string def = {});
  std::optional<std::string> OptionalString(std::string_view key);
  int64_t Int(std::string_view key, int64_t def, int64_t min = INT64_MIN, int64_t max = INT64_MAX);
  double Double(std::string_view key, double def);
  bool Bool(std::string_view key, bool def);
  Duration Dur(std::string_view key, Duration def);
  uint64_t Bytes(std::string_view key, uint64_t def);
  // Reads one of `choices`.
  std::string Enum(std::string_view key, std::string def,
                   std::initializer_list<const char*> choices);
  // Reads a string or a list of strings.
  std::vector<std::string> Strings(std::string_view key);
  // Reads a mapping of string to string (e.g. HTTP headers, labels).
  std::vector<std::pair<std::string, std::string>> StringMap(std::string_view key);

  // Returns the mapping under `key` (a null node when absent; an error if not a mapping).
  ConfigNode Child(std::string_view key);
  // Returns the elements of the sequence under `key` (none when absent).
  std::vector<ConfigNode> Items(std::string_view key);
  // Returns the entries of the mapping under `key` as (name, node) pairs, in file order.
  std::vector<std::pair<std::string, ConfigNode>> Entries(std::string_view key);
  // Returns this node's own entries when it is a mapping.
  std::vector<std::pair<std::string, ConfigNode>> Entries();

  // Records an error for every key of this mapping not in `keys`.
  void AllowKeys(std::initializer_list<std::string_view> keys);
  void AllowKeys(const std::vector<std::string>& keys);

  // Records an error at `key` (or at this node when `key` is empty).
  void Error(std::string_view key, std::string_view message);

  // Returns true while no error has been recorded anywhere in the document.
  bool ok() const { return state_->error.empty(); }
  // Returns the first error as InvalidArgument, or OK.
  Status status() const;
  // The file name given at load time.
  const std::string& file() const { return state_->file; }

 private:
  struct State {
    std::string file;
    std::string error;
  };

  ConfigNode(YAML::Node node, std::shared_ptr<State> state, std::string path)
      : node_(std::move(node)), state_(std::move(state)), path_(std::move(path)) {}

  YAML::Node Get(std::string_view key) const;
  std::string PathOf(std::string_view key) const;
  std::string Where(const YAML::Node& node) const;
  void Fail(const YAML::Node& at, std::string_view key, std::string_view message);
  // Returns the scalar under `key` with ${VAR} references expanded, or nullopt if absent.
  std::optional<std::string> Scalar(std::string_view key, const char* expected);

  YAML::Node node_;
  std::shared_ptr<State> state_;
  std::string path_;
};

// Expands ${NAME} and ${NAME:-default} from the environment; "$$" is a literal '$'. An unset
// variable without default expands to "" and is reported through `missing` when given.
std::string ExpandEnv(std::string_view text, std::string* missing = nullptr);

}  // namespace nightjar
