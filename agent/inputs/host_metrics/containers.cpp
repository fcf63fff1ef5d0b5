// The containers scraper; see containers.h.
#include "inputs/host_metrics/containers.h"

#include <dirent.h>
#include <sys/stat.h>

#include <rapidjson/document.h>

#include <unistd.h>

#include <algorithm>
#include <functional>
#include <optional>

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

// Where a hierarchy keeps each controller's files: cgroup v2 has one tree; cgroup v1 one per
// controller (cpuacct, memory, blkio), in which a container has the same relative path.
struct Layout {
  bool v2 = true;
  std::string walk;    // the tree searched for container cgroups
  std::string cpu;     // v1: the cpuacct controller's mount
  std::string memory;  // v1: memory
  std::string blkio;   // v1: blkio
};

bool IsDir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Returns the first of `names` that is a directory under `root`, or "".
std::string ControllerDir(const std::string& root, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (IsDir(root + "/" + name)) return root + "/" + name;
  }
  return "";
}

Result<Layout> FindLayout(const std::string& cgroup_root) {
  Layout layout;
  struct stat st {};
  if (::stat((cgroup_root + "/cgroup.controllers").c_str(), &st) == 0) {
    layout.walk = cgroup_root;
    return layout;
  }
  layout.v2 = false;
  layout.cpu = ControllerDir(cgroup_root, {"cpuacct", "cpu,cpuacct", "cpuacct,cpu"});
  layout.memory = ControllerDir(cgroup_root, {"memory"});
  layout.blkio = ControllerDir(cgroup_root, {"blkio"});
  layout.walk = !layout.memory.empty() ? layout.memory : layout.cpu;
  if (layout.walk.empty()) {
    return FailedPrecondition(cgroup_root +
                              " is neither a cgroup v2 hierarchy (no cgroup.controllers) nor "
                              "cgroup v1 controllers (no memory or cpuacct directory)");
  }
  return layout;
}

// Reads one line with one number.
std::optional<uint64_t> ReadNumber(const std::string& path) {
  Result<std::string> text = ReadProcFile("/", path);
  if (!text.ok()) return std::nullopt;
  std::vector<std::string_view> lines = Lines(*text);
  uint64_t v = 0;
  if (lines.empty() || !ParseU64(lines[0], &v)) return std::nullopt;
  return v;
}

void AddCpu(MetricsBuilder& builder, double user_seconds, double system_seconds) {
  builder.AddDouble(kContainerCpuTime, {{"cpu.mode", "user"}}, user_seconds);
  builder.AddDouble(kContainerCpuTime, {{"cpu.mode", "kernel"}}, system_seconds);
}

// cgroup v2: cpu.stat (µs), memory.current, io.stat ("8:0 rbytes=1 wbytes=2 ...").
void ReadV2(const std::string& dir, MetricsBuilder& builder,
            const std::function<std::string(const std::string&)>& device_name) {
  Result<std::string> cpu = ReadProcFile("/", dir + "/cpu.stat");
  if (cpu.ok()) {
    auto kv = KeyValues(*cpu);
    if (kv.contains("user_usec") && kv.contains("system_usec")) {
      AddCpu(builder, static_cast<double>(kv["user_usec"]) / 1e6,
             static_cast<double>(kv["system_usec"]) / 1e6);
    }
  }
  if (std::optional<uint64_t> bytes = ReadNumber(dir + "/memory.current")) {
    builder.Add(kContainerMemoryUsage, {}, static_cast<int64_t>(*bytes));
  }
  Result<std::string> io = ReadProcFile("/", dir + "/io.stat");
  if (!io.ok()) return;
  for (std::string_view line : Lines(*io)) {
    std::vector<std::string_view> f = Fields(line);
    if (f.empty()) continue;
    std::string device = device_name(std::string(f[0]));
    for (size_t i = 1; i < f.size(); ++i) {
      std::string_view field = f[i];
      uint64_t v = 0;
      const char* direction = field.starts_with("rbytes=")   ? "read"
                              : field.starts_with("wbytes=") ? "write"
                                                             : nullptr;
      if (direction == nullptr || !ParseU64(field.substr(7), &v)) continue;
      builder.Add(kContainerDiskIo, {{"disk.io.direction", direction}, {"system.device", device}},
                  static_cast<int64_t>(v));
    }
  }
}

// cgroup v1: cpuacct.stat (USER_HZ ticks), memory.usage_in_bytes, and
// blkio.throttle.io_service_bytes ("8:0 Read 4096" lines, then "Total N").
void ReadV1(const Layout& layout, const std::string& rel, MetricsBuilder& builder,
            const std::function<std::string(const std::string&)>& device_name) {
  if (!layout.cpu.empty()) {
    Result<std::string> cpu = ReadProcFile("/", layout.cpu + rel + "/cpuacct.stat");
    if (cpu.ok()) {
      auto kv = KeyValues(*cpu);
      double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
      if (kv.contains("user") && kv.contains("system") && hz > 0) {
        AddCpu(builder, static_cast<double>(kv["user"]) / hz,
               static_cast<double>(kv["system"]) / hz);
      }
    }
  }
  if (!layout.memory.empty()) {
    if (std::optional<uint64_t> bytes =
            ReadNumber(layout.memory + rel + "/memory.usage_in_bytes")) {
      builder.Add(kContainerMemoryUsage, {}, static_cast<int64_t>(*bytes));
    }
  }
  if (layout.blkio.empty()) return;
  Result<std::string> io =
      ReadProcFile("/", layout.blkio + rel + "/blkio.throttle.io_service_bytes");
  if (!io.ok()) return;
  for (std::string_view line : Lines(*io)) {
    std::vector<std::string_view> f = Fields(line);
    uint64_t v = 0;
    if (f.size() != 3 || !ParseU64(f[2], &v)) continue;
    const char* direction = f[1] == "Read" ? "read" : f[1] == "Write" ? "write" : nullptr;
    if (direction == nullptr) continue;
    builder.Add(
        kContainerDiskIo,
        {{"disk.io.direction", direction}, {"system.device", device_name(std::string(f[0]))}},
        static_cast<int64_t>(v));
  }
}

}  // namespace

std::string ContainersScraper::DeviceName(const std::string& root, const std::string& device) {
  auto named = device_names_.find(device);
  if (named != device_names_.end()) return named->second;
  std::string name = device;
  Result<std::string> uevent = ReadProcFile(root, "/sys/dev/block/" + device + "/uevent");
  if (uevent.ok()) {
    for (std::string_view l : Lines(*uevent)) {
      if (l.starts_with("DEVNAME=")) name = std::string(l.substr(8));
    }
  }
  device_names_.emplace(device, name);
  return name;
}

void ContainersScraper::FindContainers(const std::string& dir, const std::string& rel,
                                       const std::string& name, const std::string& parent,
                                       int depth, std::vector<Found>* out) const {
  std::string id, runtime;
  if (depth > 0 && ParseCgroupName(name, parent, &id, &runtime)) {
    out->push_back(Found{std::move(id), std::move(runtime), dir, rel});
    return;  // a container's own sub-cgroups are part of it
  }
  if (depth >= kMaxDepth) return;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> children;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) is_dir = IsDir(dir + "/" + e->d_name);
    if (is_dir) children.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(children.begin(), children.end());
  for (const std::string& child : children) {
    FindContainers(dir + "/" + child, rel + "/" + child, child, name, depth + 1, out);
  }
}

Status ContainersScraper::Scrape(const ScrapeContext& context, std::vector<ResourceScrape>* out) {
  NJ_ASSIGN_OR_RETURN(Layout layout, FindLayout(UnderRoot(context.root, options_.cgroup_root)));
  std::vector<Found> containers;
  FindContainers(layout.walk, "", "", "", 0, &containers);
  for (auto& [path, known] : known_) known.seen = false;
  auto device_name = [&](const std::string& device) { return DeviceName(context.root, device); };

  for (const Found& c : containers) {
    auto [it, inserted] = known_.try_emplace(c.dir);
    Known& k = it->second;
    if (inserted) {
      k.resource = {{"container.id", c.id}, {"container.runtime", c.runtime}};
      if (c.runtime == "docker") {
        Result<std::string> config = ReadProcFile(
            context.root, options_.docker_data_root + "/containers/" + c.id + "/config.v2.json");
        if (config.ok()) AddDockerAttributes(*config, &k.resource);
      }
      // The counters start when the container's cgroup appeared.
      struct stat ds {};
      if (::stat(c.dir.c_str(), &ds) == 0) {
        k.start_unix_nanos = static_cast<uint64_t>(ds.st_ctim.tv_sec) * 1'000'000'000ull +
                             static_cast<uint64_t>(ds.st_ctim.tv_nsec);
      }
    }
    k.seen = true;
    ScrapeContext ctx = context;
    ctx.boot_unix_nanos = k.start_unix_nanos;
    MetricsBuilder builder(ctx);
    if (layout.v2) {
      ReadV2(c.dir, builder, device_name);
    } else {
      ReadV1(layout, c.rel, builder, device_name);
    }
    ResourceScrape scrape;
    scrape.resource = k.resource;
    builder.Finish(&scrape.metrics);
    // A cgroup that vanished while being read (the container stopped) has nothing.
    if (!scrape.metrics.empty()) out->push_back(std::move(scrape));
  }
  // Forget containers that are gone, so that the cache does not grow with every container ever
  // started.
  std::erase_if(known_, [](const auto& kv) { return !kv.second.seen; });
  return Status::Ok();
}

}  // namespace nightjar::agent::host_metrics
