// Container selection and attributes; see container.h.
#include "inputs/docker/container.h"

#include <fnmatch.h>

#include <algorithm>

namespace nightjar::agent::docker {
namespace {

bool Matches(const std::string& pattern, const std::string& text) {
  return ::fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

bool AnyMatches(const std::vector<std::string>& patterns, const std::string& text) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return Matches(p, text); });
}

const std::string* Label(const ContainerInfo& c, const std::string& key) {
  for (const auto& [k, v] : c.labels) {
    if (k == key) return &v;
  }
  return nullptr;
}

bool LabelMatches(const ContainerInfo& c, const std::pair<std::string, std::string>& pattern) {
  const std::string* value = Label(c, pattern.first);
  return value != nullptr && Matches(pattern.second, *value);
}

void Set(StringPairs& out, const std::string& key, const std::string& value) {
  for (auto& kv : out) {
    if (kv.first == key) {
      kv.second = value;
      return;
    }
  }
  out.emplace_back(key, value);
}

}  // namespace

bool Selected(const ContainerSelection& selection, const ContainerInfo& container) {
  const ContainerPatterns& in = selection.include;
  if (!in.names.empty() && !AnyMatches(in.names, container.name)) return false;
  if (!in.images.empty() && !AnyMatches(in.images, container.image)) return false;
  for (const auto& label : in.labels) {
    if (!LabelMatches(container, label)) return false;
  }
  const ContainerPatterns& out = selection.exclude;
  if (AnyMatches(out.names, container.name) || AnyMatches(out.images, container.image)) {
    return false;
  }
  for (const auto& label : out.labels) {
    if (LabelMatches(container, label)) return false;
  }
  return true;
}

std::pair<std::string, std::string> SplitImage(std::string_view image) {
  size_t at = image.find('@');
  if (at != std::string_view::npos) image = image.substr(0, at);
  size_t slash = image.rfind('/');
  size_t colon = image.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    return {std::string(image.substr(0, colon)), std::string(image.substr(colon + 1))};
  }
  return {std::string(image), "latest"};
}

StringPairs ContainerResource(const StringPairs& base, const StringPairs& label_attributes,
                              const ContainerInfo& container) {
  StringPairs out = base;
  auto [image, tag] = SplitImage(container.image);
  Set(out, "container.id", container.id);
  Set(out, "container.name", container.name);
  Set(out, "container.image.name", image);
  Set(out, "container.image.tag", tag);
  bool has_service = std::any_of(out.begin(), out.end(),
                                 [](const auto& kv) { return kv.first == "service.name"; });
  if (!has_service) Set(out, "service.name", container.name);
  for (const auto& [label, attribute] : label_attributes) {
    if (const std::string* value = Label(container, label)) Set(out, attribute, *value);
  }
  return out;
}

}  // namespace nightjar::agent::docker
