// What the agent knows about a Docker container, which containers an input reads (include and
// exclude by name, image and label), and the resource attributes of its records.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nightjar::agent::docker {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

struct ContainerInfo {
  std::string id;          // 64 hex digits
  std::string name;        // without Docker's leading '/'
  std::string image;       // as given to `docker run` (Config.Image), e.g. "redis:7"
  std::string log_driver;  // HostConfig.LogConfig.Type, e.g. "json-file"
  StringPairs labels;
};

// Shell patterns (fnmatch, '*' also spans '/') over names, images and label values.
struct ContainerPatterns {
  std::vector<std::string> names;
  std::vector<std::string> images;
  StringPairs labels;  // label key -> pattern of its value
  bool empty() const { return names.empty() && images.empty() && labels.empty(); }
};

struct ContainerSelection {
  // Empty: every container. Otherwise a container must match each list given: one of the name
  // patterns, one of the image patterns, and every label pattern.
  ContainerPatterns include;
  // A container matching any one pattern (a name, an image or a label) is left out.
  ContainerPatterns exclude;
};

// Returns true when the input reads `container`.
bool Selected(const ContainerSelection& selection, const ContainerInfo& container);

// Splits an image reference into name and tag: "registry:5000/app:1.2" -> {"registry:5000/app",
// "1.2"}; no tag means "latest"; a digest ("app@sha256:...") is dropped.
std::pair<std::string, std::string> SplitImage(std::string_view image);

// Returns the resource attributes of the container's records: `base` (host, agent-wide and input
// attributes, service.name included), then container.id, container.name, container.image.name,
// container.image.tag (and service.name = the container's name when `base` has none), then each
// label of `label_attributes` (label -> attribute) that the
// container has; later entries replace earlier ones of the same key.
StringPairs ContainerResource(const StringPairs& base, const StringPairs& label_attributes,
                              const ContainerInfo& container);

}  // namespace nightjar::agent::docker
