// The containers scraper (cgroup v2): per-container CPU time, memory and disk I/O, each container
// a resource of its own (container.id, container.name, container.image.name/.tag,
// container.runtime, and the host's attributes), per the OpenTelemetry semantic conventions for
// container metrics:
//   container.cpu.time      counter, s      {cpu.mode: user|kernel}    cpu.stat user/system_usec
//   container.memory.usage  up-down, By                                memory.current
//   container.disk.io       counter, By     {disk.io.direction: read|write, system.device}
//                                                                      io.stat rbytes/wbytes
// (The conventions call container.memory.usage a counter; memory also goes down, and a monotonic
// sum would make every decrease look like a reset, so it is a non-monotonic sum here.)
//
// Containers are found by walking the cgroup tree under <root><cgroup_root> for directories
// named after a 64-hex-digit id: docker-<id>.scope (Docker, systemd driver), docker/<id>
// (cgroupfs driver), libpod-<id>.scope (Podman), cri-containerd-<id>.scope, crio-<id>.scope.
// A Docker container's name and image come from <root><docker_data_root>/containers/<id>/
// config.v2.json; devices' names from <root>/sys/dev/block/<major:minor>/uevent. The start time
// of a container's counters is its cgroup directory's change time (when the container started),
// remembered from the first sight. cgroup v1 is not read: the scraper then fails, saying so.
//
// Thread-safety: one thread (it caches names and start times).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "inputs/host_metrics/scraper.h"

namespace nightjar::agent::host_metrics {

// The metrics of one resource other than the host itself.
struct ResourceScrape {
  otlp::Attributes resource;  // added after the host's own attributes
  std::vector<otlp::Metric> metrics;
};

struct ContainersOptions {
  std::string cgroup_root = "/sys/fs/cgroup";
  std::string docker_data_root = "/var/lib/docker";
};

class ContainersScraper {
 public:
  explicit ContainersScraper(ContainersOptions options) : options_(std::move(options)) {}

  std::string_view name() const { return "containers"; }
  // Appends one ResourceScrape per running container.
  Status Scrape(const ScrapeContext& context, std::vector<ResourceScrape>* out);

 private:
  struct Known {
    otlp::Attributes resource;
    uint64_t start_unix_nanos = 0;
    bool seen = false;  // in the current scrape
  };

  ContainersOptions options_;
  std::map<std::string, Known> known_;               // by cgroup path
  std::map<std::string, std::string> device_names_;  // "8:0" -> "sda"
};

}  // namespace nightjar::agent::host_metrics
