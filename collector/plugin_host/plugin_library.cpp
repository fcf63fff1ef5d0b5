// Loading and checking plugin libraries; see plugin_library.h.
#include "plugin_host/plugin_library.h"

#include <dlfcn.h>

#include <cstddef>

namespace nightjar::plugins {
namespace {

// Sizes of the growable structs a plugin fills, as ABI 1.0 defined them. A later minor that
// appends fields adds a row here; a plugin of minor m must fill at least the size of minor m.
constexpr size_t kDescriptorSize_1_0 = offsetof(nj_plugin_descriptor, notify) + sizeof(void*);
constexpr size_t kOptionDeclSize_1_0 = offsetof(nj_option_decl, choices) + sizeof(const char*);
// Enough to read struct_size, abi_major and abi_minor, which never move.
constexpr size_t kVersionFieldsSize = 3 * sizeof(uint32_t);

std::string Version(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

bool ValidPluginName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
      return false;
    }
  }
  return true;
}

bool ValidVersion(std::string_view version) {
  if (version.empty() || version.size() > 64) return false;
  for (char c : version) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

}  // namespace

std::string_view KindName(uint32_t kind) {
  switch (kind) {
    case NJ_KIND_CLASSIFIER:
      return "classifier";
    case NJ_KIND_DETECTOR:
      return "detector";
    case NJ_KIND_NOTIFIER:
      return "notifier";
    default:
      return "unknown";
  }
}

Result<std::shared_ptr<PluginLibrary>> PluginLibrary::Load(const std::string& path) {
  // dlerror() is per thread; clear any stale message first.
  dlerror();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return InvalidArgument(path + ": cannot load: " + (why != nullptr ? why : "dlopen failed"));
  }
  std::shared_ptr<PluginLibrary> library(new PluginLibrary(path, handle));
  Status st = library->Check();
  if (!st.ok()) return InvalidArgument(path + ": " + st.message());
  return library;
}

PluginLibrary::~PluginLibrary() {
  if (handle_ != nullptr) dlclose(handle_);
}

Status PluginLibrary::Check() {
  dlerror();
  void* symbol = dlsym(handle_, NJ_PLUGIN_ENTRY_SYMBOL);
  if (symbol == nullptr) {
    return InvalidArgument(
        "not a Nightjar plugin: it does not export the entry symbol \"" NJ_PLUGIN_ENTRY_SYMBOL
        "\" (define it with NJ_PLUGIN(...) in C++ or NJ_PLUGIN_EXPORT in C, and build with "
        "nightjar_add_plugin())");
  }
  using Entry = const nj_plugin_descriptor* (*)();
  Entry entry = reinterpret_cast<Entry>(symbol);
  const nj_plugin_descriptor* d = entry();
  if (d == nullptr) return InvalidArgument(NJ_PLUGIN_ENTRY_SYMBOL "() returned no descriptor");
  if (d->struct_size < kVersionFieldsSize) {
    return InvalidArgument("the descriptor is " + std::to_string(d->struct_size) +
                           " bytes, too small to hold even the ABI version");
  }
  const std::string ours = Version(NJ_PLUGIN_ABI_MAJOR, NJ_PLUGIN_ABI_MINOR);
  const std::string theirs = Version(d->abi_major, d->abi_minor);
  if (d->abi_major != NJ_PLUGIN_ABI_MAJOR) {
    return InvalidArgument("built for plugin ABI " + theirs + ", but this collector speaks ABI " +
                           ours + "; rebuild the plugin against a Nightjar SDK with ABI " +
                           std::to_string(NJ_PLUGIN_ABI_MAJOR) + ".x");
  }
  if (d->abi_minor > NJ_PLUGIN_ABI_MINOR) {
    return InvalidArgument("built for plugin ABI " + theirs + ", newer than this collector's ABI " +
                           ours +
                           "; upgrade the collector, or rebuild the plugin against the SDK "
                           "of ABI " +
                           ours);
  }
  if (d->struct_size < kDescriptorSize_1_0) {
    return InvalidArgument("the descriptor is " + std::to_string(d->struct_size) +
                           " bytes, smaller than the " + std::to_string(kDescriptorSize_1_0) +
                           " bytes ABI " + theirs +
                           " requires (a broken or hand-made "
                           "descriptor: set struct_size = sizeof(nj_plugin_descriptor))");
  }
  if (d->option_count > 0 && d->option_decl_size < kOptionDeclSize_1_0) {
    return InvalidArgument("option table entries are " + std::to_string(d->option_decl_size) +
                           " bytes, smaller than the " + std::to_string(kOptionDeclSize_1_0) +
                           " bytes ABI " + theirs +
                           " requires (set option_decl_size = "
                           "sizeof(nj_option_decl))");
  }
  descriptor_ = d;

  if (d->name == nullptr || !ValidPluginName(d->name)) {
    return InvalidArgument("invalid plugin name \"" + std::string(d->name ? d->name : "") +
                           "\" (use 1-64 of a-z, 0-9, '_', '.', '-')");
  }
  name_ = d->name;
  if (d->version == nullptr || !ValidVersion(d->version)) {
    return InvalidArgument("plugin \"" + name_ + "\" has no valid version string");
  }
  version_ = d->version;
  description_ = d->description != nullptr ? d->description : "";

  void* hooks[] = {reinterpret_cast<void*>(d->classify), reinterpret_cast<void*>(d->detect),
                   reinterpret_cast<void*>(d->notify)};
  const char* hook_names[] = {"classify", "detect", "notify"};
  if (d->kind < NJ_KIND_CLASSIFIER || d->kind > NJ_KIND_NOTIFIER) {
    return InvalidArgument("plugin \"" + name_ + "\" has unknown kind " + std::to_string(d->kind) +
                           " (expected classifier 1, detector 2 or notifier 3)");
  }
  if (d->create == nullptr || d->destroy == nullptr) {
    return InvalidArgument("plugin \"" + name_ + "\" is missing its " +
                           (d->create == nullptr ? "create" : "destroy") + " function");
  }
  for (uint32_t k = NJ_KIND_CLASSIFIER; k <= NJ_KIND_NOTIFIER; ++k) {
    bool set = hooks[k - 1] != nullptr;
    if (k == d->kind && !set) {
      return InvalidArgument("plugin \"" + name_ + "\" is a " + std::string(KindName(k)) +
                             " but has no " + hook_names[k - 1] + " hook");
    }
    if (k != d->kind && set) {
      return InvalidArgument("plugin \"" + name_ + "\" is a " + std::string(KindName(d->kind)) +
                             " but also sets the " + hook_names[k - 1] + " hook of a " +
                             std::string(KindName(k)));
    }
  }
  if ((d->flags & ~NJ_PLUGIN_THREAD_SAFE) != 0) {
    return InvalidArgument("plugin \"" + name_ + "\" sets unknown descriptor flags");
  }

  auto options = ReadOptionTable(d->options, d->option_count, d->option_decl_size);
  if (!options.ok()) {
    return InvalidArgument("plugin \"" + name_ + "\": " + options.status().message());
  }
  options_ = std::move(options).value();
  return Status::Ok();
}

}  // namespace nightjar::plugins
