// One plugin shared library, loaded and checked against the ABI this collector speaks.
//
// Load() opens the file with dlopen (RTLD_NOW | RTLD_LOCAL: every symbol resolved up front, none
// leaking into other plugins), finds nj_plugin_entry, and refuses the library with a message
// naming the file and the reason when: the symbol is missing, the entry returns nothing, the
// descriptor or option-table entries are smaller than this ABI version requires, the major
// differs, the minor is newer than ours, the kind is unknown, create/destroy or the kind's hook
// is missing, another kind's hook is set, the name or version is invalid, or the option table
// is invalid. The library stays loaded until the last reference goes.
//
// Thread-safety: immutable after Load; share freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "nightjar/plugin.h"
#include "plugin_host/option_schema.h"

namespace nightjar::plugins {

// Returns "classifier", "detector" or "notifier"; "unknown" for anything else.
std::string_view KindName(uint32_t kind);

class PluginLibrary {
 public:
  // Loads and checks the plugin at `path`.
  static Result<std::shared_ptr<PluginLibrary>> Load(const std::string& path);

  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::string& description() const { return description_; }
  uint32_t kind() const { return descriptor_->kind; }
  std::string_view kind_name() const { return KindName(descriptor_->kind); }
  bool thread_safe() const { return (descriptor_->flags & NJ_PLUGIN_THREAD_SAFE) != 0; }
  // The ABI version the plugin was built for.
  uint32_t abi_major() const { return descriptor_->abi_major; }
  uint32_t abi_minor() const { return descriptor_->abi_minor; }
  const std::vector<OptionDecl>& options() const { return options_; }
  const nj_plugin_descriptor& descriptor() const { return *descriptor_; }

 private:
  PluginLibrary(std::string path, void* handle) : path_(std::move(path)), handle_(handle) {}
  Status Check();

  std::string path_;
  void* handle_;
  const nj_plugin_descriptor* descriptor_ = nullptr;
  std::string name_;
  std::string version_;
  std::string description_;
  std::vector<OptionDecl> options_;
};

}  // namespace nightjar::plugins
