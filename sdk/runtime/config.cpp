// YAML configuration reading; see config.h.
#include "runtime/config.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/suggest.h"

namespace nightjar {
namespace {

std::string Quote(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, 80));
  if (s.size() > 80) out += "...";
  return out + "\"";
}

}  // namespace

std::string ExpandEnv(std::string_view text, std::string* missing) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out.push_back(text[i]);
      continue;
    }
    if (text[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    size_t close = text[i + 1] == '{' ? text.find('}', i + 2) : std::string_view::npos;
    if (close == std::string_view::npos) {
      out.push_back(text[i]);
      continue;
    }
    std::string_view ref = text.substr(i + 2, close - i - 2);
    std::optional<std::string_view> def;
    size_t sep = ref.find(":-");
    if (sep != std::string_view::npos) {
      def = ref.substr(sep + 2);
      ref = ref.substr(0, sep);
    }
    const char* value = std::getenv(std::string(ref).c_str());
    if (value != nullptr && (*value != '\0' || !def)) {
      out += value;
    } else if (def) {
      out += *def;
    } else if (missing != nullptr && missing->empty()) {
      *missing = std::string(ref);
    }
    i = close;
  }
  return out;
}

Result<ConfigNode> ConfigNode::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open the configuration file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return LoadString(buffer.str(), path);
}

Result<ConfigNode> ConfigNode::LoadString(std::string_view text, std::string name) {
  auto state = std::make_shared<State>();
  state->file = std::move(name);
  try {
    YAML::Node root = YAML::Load(std::string(text));
    ConfigNode node(root, state, "");
    if (!node.IsNull() && !root.IsMap()) {
      return InvalidArgument(state->file + ":" + std::to_string(root.Mark().line + 1) + ":" +
                             std::to_string(root.Mark().column + 1) +
                             ": the configuration must be a mapping of keys to values");
    }
    return node;
  } catch (const YAML::Exception& e) {
    return InvalidArgument(state->file + ":" + std::to_string(e.mark.line + 1) + ":" +
                           std::to_string(e.mark.column + 1) + ": YAML syntax error: " + e.msg);
  }
}

bool ConfigNode::Has(std::string_view key) const {
  YAML::Node v = Get(key);
  return v && !v.IsNull();
}

YAML::Node ConfigNode::Get(std::string_view key) const {
  if (!node_ || !node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& kv : node_) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string ConfigNode::PathOf(std::string_view key) const {
  if (key.empty()) return path_.empty() ? "(top level)" : path_;
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string ConfigNode::Where(const YAML::Node& node) const {
  std::string where = state_->file;
  const YAML::Node& at = (node && node.Mark().line >= 0) ? node : node_;
  if (at && at.Mark().line >= 0) {
    where += ":" + std::to_string(at.Mark().line + 1) + ":" + std::to_string(at.Mark().column + 1);
  }
  return where;
}

void ConfigNode::Fail(const YAML::Node& at, std::string_view key, std::string_view message) {
  if (!state_->error.empty()) return;
  state_->error = Where(at) + ": " + PathOf(key) + ": " + std::string(message);
}

void ConfigNode::Error(std::string_view key, std::string_view message) {
  Fail(key.empty() ? node_ : Get(key), key, message);
}

Status ConfigNode::status() const { return ok() ? Status::Ok() : InvalidArgument(state_->error); }

std::optional<std::string> ConfigNode::Scalar(std::string_view key, const char* expected) {
  YAML::Node v = Get(key);
  if (!v || v.IsNull()) return std::nullopt;
  if (!v.IsScalar()) {
    Fail(v, key,
         std::string("expected ") + expected + ", got a " + (v.IsMap() ? "mapping" : "list"));
    return std::nullopt;
  }
  std::string missing;
  std::string value = ExpandEnv(v.Scalar(), &missing);
  if (!missing.empty()) {
    Fail(v, key,
         "environment variable " + missing + " is not set (write ${" + missing +
             ":-default} to give a default)");
  }
  return value;
}

std::string ConfigNode::String(std::string_view key, std::string def) {
  auto v = Scalar(key, "a string");
  return v ? *v : def;
}

std::optional<std::string> ConfigNode::OptionalString(std::string_view key) {
  return Scalar(key, "a string");
}

int64_t ConfigNode::Int(std::string_view key, int64_t def, int64_t min, int64_t max) {
  auto v = Scalar(key, "an integer");
  if (!v) return def;
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || errno != 0) {
    Fail(Get(key), key, "expected an integer, got " + Quote(*v));
    return def;
  }
  if (n < min || n > max) {
    Fail(Get(key), key,
         "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
             std::to_string(n));
    return def;
  }
  return n;
}

double ConfigNode::Double(std::string_view key, double def) {
  auto v = Scalar(key, "a number");
  if (!v) return def;
  char* end = nullptr;
  double d = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0') {
    Fail(Get(key), key, "expected a number, got " + Quote(*v));
    return def;
  }
  return d;
}

bool ConfigNode::Bool(std::string_view key, bool def) {
  auto v = Scalar(key, "true or false");
  if (!v) return def;
  if (*v == "true" || *v == "yes" || *v == "on") return true;
  if (*v == "false" || *v == "no" || *v == "off") return false;
  Fail(Get(key), key, "expected true or false, got " + Quote(*v));
  return def;
}

Duration ConfigNode::Dur(std::string_view key, Duration def) {
  auto v = Scalar(key, "a duration");
  if (!v) return def;
  auto d = ParseDuration(*v);
  if (!d) {
    Fail(Get(key), key, "expected a duration like \"30s\", \"5m\" or \"1h30m\", got " + Quote(*v));
    return def;
  }
  return *d;
}

uint64_t ConfigNode::Bytes(std::string_view key, uint64_t def) {
  auto v = Scalar(key, "a byte size");
  if (!v) return def;
  auto b = ParseByteSize(*v);
  if (!b) {
    Fail(Get(key), key, "expected a byte size like \"64MiB\" or \"512KB\", got " + Quote(*v));
    return def;
  }
  return *b;
}

std::string ConfigNode::Enum(std::string_view key, std::string def,
                             std::initializer_list<const char*> choices) {
  auto v = Scalar(key, "a string");
  if (!v) return def;
  std::string list;
  for (const char* c : choices) {
    if (*v == c) return *v;
    list += list.empty() ? "" : ", ";
    list += c;
  }
  Fail(Get(key), key, "expected one of " + list + ", got " + Quote(*v));
  return def;
}

std::vector<std::string> ConfigNode::Strings(std::string_view key) {
  YAML::Node v = Get(key);
  std::vector<std::string> out;
  if (!v || v.IsNull()) return out;
  if (v.IsScalar()) {
    out.push_back(*Scalar(key, "a string"));
    return out;
  }
  if (!v.IsSequence()) {
    Fail(v, key, "expected a string or a list of strings, got a mapping");
    return out;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].IsScalar()) {
      Fail(v[i], std::string(key) + "[" + std::to_string(i) + "]", "expected a string");
      return {};
    }
    out.push_back(ExpandEnv(v[i].Scalar()));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ConfigNode::StringMap(std::string_view key) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [name, node] : Entries(key)) {
    if (!node.node_.IsScalar()) {
      Fail(node.node_, std::string(key) + "." + name, "expected a string value");
      continue;
    }
    out.emplace_back(name, ExpandEnv(node.node_.Scalar()));
  }
  return out;
}

ConfigNode ConfigNode::Child(std::string_view key) {
  YAML::Node v = Get(key);
  if (v && !v.IsNull() && !v.IsMap()) {
    Fail(v, key, "expected a mapping of keys to values");
    return ConfigNode(YAML::Node(YAML::NodeType::Undefined), state_, PathOf(key));
  }
  return ConfigNode(v, state_, PathOf(key));
}

std::vector<ConfigNode> ConfigNode::Items(std::string_view key) {
  YAML::Node v = Get(key);
  std::vector<ConfigNode> out;
  if (!v || v.IsNull()) return out;
  if (!v.IsSequence()) {
    Fail(v, key, "expected a list");
    return out;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    out.push_back(ConfigNode(v[i], state_, PathOf(key) + "[" + std::to_string(i) + "]"));
  }
  return out;
}

std::vector<std::pair<std::string, ConfigNode>> ConfigNode::Entries(std::string_view key) {
  return Child(key).Entries();
}

std::vector<std::pair<std::string, ConfigNode>> ConfigNode::Entries() {
  std::vector<std::pair<std::string, ConfigNode>> out;
  if (!node_ || !node_.IsMap()) return out;
  for (const auto& kv : node_) {
    std::string name = kv.first.IsScalar() ? kv.first.Scalar() : "";
    std::string path = path_.empty() ? name : path_ + "." + name;
    out.emplace_back(name, ConfigNode(kv.second, state_, path));
  }
  return out;
}

void ConfigNode::AllowKeys(std::initializer_list<std::string_view> keys) {
  AllowKeys(std::vector<std::string>(keys.begin(), keys.end()));
}

void ConfigNode::AllowKeys(const std::vector<std::string>& keys) {
  if (!node_ || !node_.IsMap()) return;
  for (const auto& kv : node_) {
    std::string name = kv.first.IsScalar() ? kv.first.Scalar() : "?";
    if (std::find(keys.begin(), keys.end(), name) != keys.end()) continue;
    std::string best = ClosestName(name, keys);
    std::string message = "unknown key";
    if (!best.empty()) message += " (did you mean \"" + best + "\"?)";
    Fail(kv.first, name, message);
    return;
  }
}

}  // namespace nightjar
