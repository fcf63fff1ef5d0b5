// Locating configuration paths; see config_locator.h.
#include "config/config_locator.h"

#include <fstream>
#include <optional>
#include <sstream>

namespace nightjar::collector {
namespace {

// Returns where `path` ("a.b[2].c"; keys may themselves contain dots) leads from `node`, or
// nullopt. At a mapping the longest key that `path` continues with wins. Recursive on purpose:
// assigning to a YAML::Node rebinds the node it refers to, which would rewrite the document.
std::optional<YAML::Mark> Follow(const YAML::Node& node, std::string_view path) {
  if (path.empty()) return node.Mark();
  if (node.IsSequence()) {
    size_t close = path.find(']');
    if (path.front() != '[' || close == std::string_view::npos || close == 1) return std::nullopt;
    size_t index = 0;
    for (char c : path.substr(1, close - 1)) {
      if (c < '0' || c > '9') return std::nullopt;
      index = index * 10 + static_cast<size_t>(c - '0');
    }
    if (index >= node.size()) return std::nullopt;
    return Follow(node[index], path.substr(close + 1));
  }
  if (!node.IsMap()) return std::nullopt;
  if (path.front() == '.') path.remove_prefix(1);
  std::string best;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) continue;
    const std::string& key = kv.first.Scalar();
    if (key.empty() || key.size() <= best.size() || path.substr(0, key.size()) != key) continue;
    if (key.size() < path.size() && path[key.size()] != '.' && path[key.size()] != '[') continue;
    best = key;
  }
  if (best.empty()) return std::nullopt;
  for (const auto& kv : node) {
    if (kv.first.IsScalar() && kv.first.Scalar() == best) {
      return Follow(kv.second, path.substr(best.size()));
    }
  }
  return std::nullopt;
}

}  // namespace

ConfigLocator ConfigLocator::ForFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ConfigLocator();
  std::stringstream text;
  text << in.rdbuf();
  return ForText(text.str(), path);
}

ConfigLocator ConfigLocator::ForText(std::string_view text, std::string name) {
  ConfigLocator locator;
  try {
    locator.root_ = YAML::Load(std::string(text));
    locator.file_ = std::move(name);
  } catch (const YAML::Exception&) {
    // The configuration was parsed before; a file changed since is simply not located.
  }
  return locator;
}

std::string ConfigLocator::Locate(std::string_view message) const {
  std::string prefix = file_ + ": ";
  if (file_.empty() || message.substr(0, prefix.size()) != prefix) return std::string(message);
  std::string_view rest = message.substr(prefix.size());
  size_t end = rest.find(": ");
  std::string_view path = rest.substr(0, end);
  if (path.empty() || path.find(' ') != std::string_view::npos) return std::string(message);
  std::optional<YAML::Mark> mark = Follow(root_, path);
  if (!mark || mark->line < 0) return std::string(message);
  return file_ + ":" + std::to_string(mark->line + 1) + ":" + std::to_string(mark->column + 1) +
         ": " + std::string(rest);
}

}  // namespace nightjar::collector
