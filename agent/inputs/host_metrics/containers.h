// The containers scraper (cgroup v2 and v1): per-container CPU time, memory and disk I/O, each
// container a resource of its own (container.id, container.name, container.image.name/.tag,
// container.runtime, and the host's attributes), per the OpenTelemetry semantic conventions for
// container metrics:
//   container.cpu.time      counter, s      {cpu.mode: user|kernel}
//       v2: cpu.stat user_usec/system_usec; v1: cpuacct.stat user/system (USER_HZ ticks)
//   container.memory.usage  up-down, By
//       v2: memory.current; v1: memory.usage_in_bytes
//   container.disk.io       counter, By     {disk.io.direction: read|write, system.device}
//       v2: io.stat rbytes/wbytes; v1: blkio.throttle.io_service_bytes Read/Write
// (The conventions call container.memory.usage a counter; memory also goes down, and a monotonic
// sum would make every decrease look like a reset, so it is a non-monotonic sum here.)
//
// Containers are found by walking the cgroup tree under <root><cgroup_root> (cgroup v2, which
// has cgroup.controllers), or the memory (else cpuacct) controller's tree under it (cgroup v1,
// where a container has the same relative path under each controller), for directories named
// after a 64-hex-digit id: docker-<id>.scope (Docker, systemd driver), docker/<id>
// (cgroupfs driver), libpod-<id>.scope (Podman), cri-containerd-<id>.scope, crio-<id>.scope.
// A Docker container's name and image come from <root><docker_data_root>/containers/<id>/
// config.v2.json; devices' names from <root>/sys/dev/block/<major:minor>/uevent. The start time
// of a container's counters is its cgroup directory's change time (when the container started),
// remembered from the first sight. A root that is neither hierarchy fails the scrape, saying so.
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
  // A container's cgroup: its absolute directory in the tree walked, and its path relative to
  // the hierarchy's root (the same under every cgroup v1 controller).
  struct Found {
    std::string id;
    std::string runtime;
    std::string dir;
    std::string rel;
  };
  struct Known {
    otlp::Attributes resource;
    uint64_t start_unix_nanos = 0;
    bool seen = false;  // in the current scrape
  };

  void FindContainers(const std::string& dir, const std::string& rel, const std::string& name,
                      const std::string& parent, int depth, std::vector<Found>* out) const;
  // Returns the name of block device "major:minor" (from /sys under `root`), else the numbers.
  std::string DeviceName(const std::string& root, const std::string& device);

  ContainersOptions options_;
  std::map<std::string, Known> known_;               // by cgroup path
  std::map<std::string, std::string> device_names_;  // "8:0" -> "sda"
};

}  // namespace nightjar::agent::host_metrics
