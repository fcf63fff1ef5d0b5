// Helpers of the plugin tests; see plugin_test_support.h.
#include "plugin_test_support.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <gtest/gtest.h>

namespace nightjar::plugins::testing {

std::string FixturePath(std::string_view name) {
  return std::string(NJ_FIXTURE_DIR) + "/" + std::string(name) + ".so";
}

std::string PluginPath(std::string_view name) {
  return std::string(NJ_PLUGINS_DIR) + "/" + std::string(name) + ".so";
}

std::string SourcePath(std::string_view relative) {
  return std::string(NJ_SOURCE_DIR) + "/" + std::string(relative);
}

std::string SharedDataPath(std::string_view relative) {
  const char* dir = std::getenv("NJ_SHARED_DATA");
  std::string base = dir != nullptr && *dir != '\0' ? dir : NJ_SHARED_DATA_DIR;
  return base + "/" + std::string(relative);
}

OptionInputs Scalars(std::initializer_list<std::pair<std::string, std::string>> values) {
  OptionInputs out;
  for (const auto& [k, v] : values) out.emplace_back(k, OptionInput::Scalar(v));
  return out;
}

PluginHostConfig OneInstance(const std::string& path, const std::string& plugin,
                             OptionInputs options, const std::string& instance) {
  PluginHostConfig config;
  config.paths.push_back(path);
  InstanceConfig i;
  i.plugin = plugin;
  i.name = instance.empty() ? plugin : instance;
  i.options = std::move(options);
  config.instances.push_back(std::move(i));
  return config;
}

std::unique_ptr<PluginHost> StartInstance(const std::string& path, const std::string& plugin,
                                          OptionInputs options, const std::string& instance) {
  auto host = PluginHost::Start(OneInstance(path, plugin, std::move(options), instance));
  EXPECT_TRUE(host->problems().empty()) << host->problems()[0];
  return host;
}

std::string InstanceRefusal(const std::string& path, const std::string& plugin,
                            OptionInputs options) {
  auto host = PluginHost::Start(OneInstance(path, plugin, std::move(options)));
  EXPECT_EQ(host->problems().size(), 1u);
  return host->problems().empty() ? "" : host->problems()[0];
}

otlp::LogRecord Record(std::string body, int32_t severity_number, std::string severity_text) {
  otlp::LogRecord r;
  r.body = otlp::AnyValue(std::move(body));
  r.severity_number = severity_number;
  r.severity_text = std::move(severity_text);
  return r;
}

std::optional<std::string> Label(const Classification& c, std::string_view key) {
  for (const auto& [k, v] : c.labels) {
    if (k == key) return v;
  }
  return std::nullopt;
}

const otlp::AnyValue* Attribute(const Classification& c, std::string_view key) {
  return otlp::FindAttribute(c.attributes, key);
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "nj-plugins-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Copy(const std::string& file, const std::string& name) const {
  std::string to = path_ + "/" + name;
  std::filesystem::copy_file(file, to, std::filesystem::copy_options::overwrite_existing);
  return to;
}

std::string TempDir::Write(const std::string& name, std::string_view content) const {
  std::string to = path_ + "/" + name;
  std::ofstream out(to, std::ios::binary);
  out << content;
  return to;
}

}  // namespace nightjar::plugins::testing
