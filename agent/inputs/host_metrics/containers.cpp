// The containers scraper; see containers.h.
#include "inputs/host_metrics/containers.h"

#include <dirent.h>
#include <sys/stat.h>

#include <rapidjson/document.h>

#include <algorithm>
#include <functional>

#include "inputs/host_metrics/proc_files.h"

namespace nightjar::agent::host_metrics {
namespace {

constexpr MetricSpec kContainerCpuTime{"container.cpu.time", "s", Instrument::kCounter,
                                       ValueType::kDouble, "Total CPU time consumed."};
constexpr MetricSpec kContainerMemoryUsage{"container.memory.usage", "By",
                                           Instrument::kUpDownCounter, ValueType::kInt,
                                           "Memory usage of the container."};
constexpr MetricSpec kContainerDiskIo{"container.disk.io", "By", Instrument::kCounter,
                                      ValueType::kInt, "Disk bytes for the container."};

// Cgroup directories deeper than this are not searched (containers sit at depth 1 to 3; a
// Kubernetes pod's containers at 4 or 5).
constexpr int kMaxDepth = 6;

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Returns the container id and runtime a cgroup directory's name stands for, or false.
bool ParseCgroupName(std::string_view dir, std::string_view parent, std::string* id,
                     std::string* runtime) {
  struct Form {
    std::string_view prefix;
    std::string_view runtime;
  };
  static constexpr Form kForms[] = {{"docker-", "docker"},
                                    {"libpod-", "podman"},
                                    {"cri-containerd-", "containerd"},
                                    {"crio-", "cri-o"}};
  if (dir.ends_with(".scope")) {
    std::string_view stem = dir.substr(0, dir.size() - 6);
    for (const Form& f : kForms) {
      if (stem.starts_with(f.prefix)) {
        std::string_view rest = stem.substr(f.prefix.size());
        if (rest.size() == 64 && IsHex(rest)) {
          *id = std::string(rest);
          *runtime = std::string(f.runtime);
          return true;
        }
      }
    }
    return false;
  }
  // The cgroupfs driver: /docker/<id>.
  if (dir.size() == 64 && IsHex(dir) && parent == "docker") {
    *id = std::string(dir);
    *runtime = "docker";
    return true;
  }
  return false;
}

// Reads "key value" lines (cpu.stat) into a map.
std::map<std::string, uint64_t, std::less<>> KeyValues(const std::string& text) {
  std::map<std::string, uint64_t, std::less<>> out;
  for (std::string_view line : Lines(text)) {
    std::vector<std::string_view> f = Fields(line);
    uint64_t v = 0;
    if (f.size() == 2 && ParseU64(f[1], &v)) out[std::string(f[0])] = v;
  }
  return out;
}

// Adds container.name, container.image.name and .tag from Docker's config.v2.json.
void AddDockerAttributes(const std::string& text, otlp::Attributes* resource) {
  rapidjson::Document doc;
  if (doc.Parse(text.c_str()).HasParseError() || !doc.IsObject()) return;
  if (doc.HasMember("Name") && doc["Name"].IsString()) {
    std::string name = doc["Name"].GetString();
    if (!name.empty() && name[0] == '/') name.erase(0, 1);
    if (!name.empty()) resource->push_back({"container.name", name});
  }
  if (doc.HasMember("Config") && doc["Config"].IsObject() && doc["Config"].HasMember("Image") &&
      doc["Config"]["Image"].IsString()) {
    std::string image = doc["Config"]["Image"].GetString();
    std::string tag = "latest";
    size_t colon = image.rfind(':');
    if (colon != std::string::npos && image.find('/', colon) == std::string::npos) {
      tag = image.substr(colon + 1);
      image.erase(colon);
    }
    size_t at = image.find('@');  // name@sha256:...
    if (at != std::string::npos) image.erase(at);
    resource->push_back({"container.image.name", image});
    resource->push_back({"container.image.tag", tag});
  }
}

}  // namespace

Status ContainersScraper::Scrape(const ScrapeContext& context, std::vector<ResourceScrape>* out) {
  std::string cgroup_root = UnderRoot(context.root, options_.cgroup_root);
  struct stat st {};
  if (::stat((cgroup_root + "/cgroup.controllers").c_str(), &st) != 0) {
    return FailedPrecondition(cgroup_root +
                              " is not a cgroup v2 hierarchy (no cgroup.controllers); only "
                              "cgroup v2 is read");
  }
  for (auto& [path, known] : known_) known.seen = false;

  std::vector<ResourceScrape> found;
  std::function<void(const std::string&, const std::string&, const std::string&, int)> walk =
      [&](const std::string& dir, const std::string& name, const std::string& parent, int depth) {
        std::string id, runtime;
        if (depth > 0 && ParseCgroupName(name, parent, &id, &runtime)) {
          auto [it, inserted] = known_.try_emplace(dir);
          Known& k = it->second;
          if (inserted) {
            k.resource = {{"container.id", id}, {"container.runtime", runtime}};
            if (runtime == "docker") {
              Result<std::string> config =
                  ReadProcFile(context.root,
                               options_.docker_data_root + "/containers/" + id + "/config.v2.json");
              if (config.ok()) AddDockerAttributes(*config, &k.resource);
            }
            struct stat ds {};
            if (::stat(dir.c_str(), &ds) == 0) {
              k.start_unix_nanos = static_cast<uint64_t>(ds.st_ctim.tv_sec) * 1'000'000'000ull +
                                   static_cast<uint64_t>(ds.st_ctim.tv_nsec);
            }
          }
          k.seen = true;
          ScrapeContext c = context;
          c.boot_unix_nanos = k.start_unix_nanos;
          MetricsBuilder builder(c);
          Result<std::string> cpu = ReadProcFile("/", dir + "/cpu.stat");
          if (cpu.ok()) {
            auto kv = KeyValues(*cpu);
            if (kv.contains("user_usec")) {
              builder.AddDouble(kContainerCpuTime, {{"cpu.mode", "user"}},
                                static_cast<double>(kv["user_usec"]) / 1e6);
            }
            if (kv.contains("system_usec")) {
              builder.AddDouble(kContainerCpuTime, {{"cpu.mode", "kernel"}},
                                static_cast<double>(kv["system_usec"]) / 1e6);
            }
          }
          Result<std::string> memory = ReadProcFile("/", dir + "/memory.current");
          if (memory.ok()) {
            std::vector<std::string_view> lines = Lines(*memory);
            uint64_t bytes = 0;
            if (!lines.empty() && ParseU64(lines[0], &bytes)) {
              builder.Add(kContainerMemoryUsage, {}, static_cast<int64_t>(bytes));
            }
          }
          Result<std::string> io = ReadProcFile("/", dir + "/io.stat");
          if (io.ok()) {
            // "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0"
            for (std::string_view line : Lines(*io)) {
              std::vector<std::string_view> f = Fields(line);
              if (f.empty()) continue;
              std::string device(f[0]);
              auto named = device_names_.find(device);
              if (named == device_names_.end()) {
                std::string dev_name = device;
                Result<std::string> uevent =
                    ReadProcFile(context.root, "/sys/dev/block/" + device + "/uevent");
                if (uevent.ok()) {
                  for (std::string_view l : Lines(*uevent)) {
                    if (l.starts_with("DEVNAME=")) dev_name = std::string(l.substr(8));
                  }
                }
                named = device_names_.emplace(device, dev_name).first;
              }
              for (size_t i = 1; i < f.size(); ++i) {
                std::string_view field = f[i];
                uint64_t v = 0;
                const char* direction = field.starts_with("rbytes=")   ? "read"
                                        : field.starts_with("wbytes=") ? "write"
                                                                       : nullptr;
                if (direction == nullptr || !ParseU64(field.substr(7), &v)) continue;
                builder.Add(kContainerDiskIo,
                            {{"disk.io.direction", direction}, {"system.device", named->second}},
                            static_cast<int64_t>(v));
              }
            }
          }
          ResourceScrape scrape;
          scrape.resource = k.resource;
          builder.Finish(&scrape.metrics);
          // A cgroup that vanished while being read (the container stopped) has nothing.
          if (!scrape.metrics.empty()) found.push_back(std::move(scrape));
          return;  // a container's own sub-cgroups are part of it
        }
        if (depth >= kMaxDepth) return;
        DIR* d = ::opendir(dir.c_str());
        if (d == nullptr) return;
        std::vector<std::string> children;
        while (dirent* e = ::readdir(d)) {
          if (e->d_name[0] == '.') continue;
          bool is_dir = e->d_type == DT_DIR;
          if (e->d_type == DT_UNKNOWN) {
            struct stat es {};
            is_dir = ::stat((dir + "/" + e->d_name).c_str(), &es) == 0 && S_ISDIR(es.st_mode);
          }
          if (is_dir) children.emplace_back(e->d_name);
        }
        ::closedir(d);
        std::sort(children.begin(), children.end());
        for (const std::string& child : children) walk(dir + "/" + child, child, name, depth + 1);
      };
  walk(cgroup_root, "", "", 0);
  // Forget containers that are gone, so that the cache does not grow with every container ever
  // started.
  std::erase_if(known_, [](const auto& kv) { return !kv.second.seen; });
  for (ResourceScrape& r : found) out->push_back(std::move(r));
  return Status::Ok();
}

}  // namespace nightjar::agent::host_metrics
