// Tests of the host metrics scrapers: exact values from the fixture /proc tree in
// fixtures/host/, the metric names, units, instruments and attributes against the semantic
// conventions table below, and sane values and monotonic counters on this machine's own /proc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "host_metrics_testing.h"
#include "inputs/host_metrics/containers.h"
#include "inputs/host_metrics/cpu.h"
#include "inputs/host_metrics/disk.h"
#include "inputs/host_metrics/filesystem.h"
#include "inputs/host_metrics/host_metrics.h"
#include "inputs/host_metrics/load.h"
#include "inputs/host_metrics/memory.h"
#include "inputs/host_metrics/network.h"
#include "inputs/host_metrics/paging.h"
#include "inputs/host_metrics/proc_files.h"
#include "inputs/host_metrics/processes.h"

namespace nightjar::agent::host_metrics {
namespace {

using testing::AttributeMap;
using testing::FindMetric;
using testing::PointsOf;
using ::testing::UnorderedElementsAre;
using testing::Value;

constexpr uint64_t kBoot = 1'700'000'000ull * 1'000'000'000ull;
constexpr uint64_t kNow = kBoot + 3600ull * 1'000'000'000ull;
constexpr int64_t kKiB = 1024;

std::string Fixture() { return std::string(NJ_AGENT_FIXTURES) + "/host"; }

ScrapeContext FixtureContext(std::string root = Fixture()) {
  ScrapeContext c;
  c.root = std::move(root);
  c.now_unix_nanos = kNow;
  c.boot_unix_nanos = kBoot;
  return c;
}

std::vector<otlp::Metric> ScrapeOnce(Scraper& scraper, const ScrapeContext& context) {
  std::vector<otlp::Metric> out;
  Status s = scraper.Scrape(context, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

size_t PointCount(const std::vector<otlp::Metric>& metrics, const std::string& name) {
  const otlp::Metric* m = FindMetric(metrics, name);
  return m == nullptr ? 0 : PointsOf(*m).size();
}

// Statvfs answers for the fixture's mounts.
Result<FsStats> FixtureStatFs(const std::string& path) {
  auto under = [](const char* mountpoint) { return UnderRoot(Fixture(), mountpoint); };
  if (path == under("/")) return FsStats{4096, 1000, 400, 300, 500, 200};
  if (path == under("/run")) return FsStats{4096, 100, 90, 90, 50, 40};
  if (path == under("/mnt/back up")) return FsStats{1024, 2048, 1024, 1024, 10, 10};
  if (path == under("/var/lib/docker")) return FsStats{4096, 10, 10, 5, 0, 0};
  if (path == under("/data")) return FsStats{4096, 256, 0, 0, 64, 0};
  if (path == under("/empty")) return FsStats{4096, 0, 0, 0, 0, 0};
  return IoError("statvfs " + path + ": No such file or directory");
}

// ---------------------------------------------------------------------------------------------
// Exact values from the fixture

TEST(HostMetricsFixture, ReadsTheBootTimeFromProcStat) {
  auto boot = ReadBootTimeUnixNanos(Fixture());
  ASSERT_TRUE(boot.ok()) << boot.status().ToString();
  EXPECT_EQ(*boot, kBoot);
  EXPECT_FALSE(ReadBootTimeUnixNanos(Fixture() + "/no-such-root").ok());
}

TEST(HostMetricsFixture, CpuTimesPerCpuAndStateInSeconds) {
  CpuScraper cpu(100);
  auto m = ScrapeOnce(cpu, FixtureContext());
  // The first scrape has no utilization: there is nothing to compare with yet.
  EXPECT_EQ(FindMetric(m, "system.cpu.utilization"), nullptr);
  EXPECT_EQ(PointCount(m, "system.cpu.time"), 16u);  // 2 CPUs x 8 states; the total line is not one
  EXPECT_DOUBLE_EQ(*Value(m, "system.cpu.time", {{"cpu", "cpu0"}, {"state", "user"}}), 10.0);
  EXPECT_DOUBLE_EQ(*Value(m, "system.cpu.time", {{"cpu", "cpu0"}, {"state", "nice"}}), 0.5);
  EXPECT_DOUBLE_EQ(*Value(m, "system.cpu.time", {{"cpu", "cpu0"}, {"state", "system"}}), 3.0);
  EXPECT_DOUBLE_EQ(*Value(m, "system.cpu.time", {{"cpu", "cpu0"}, {"state", "idle"}}), 100.0);
  EXPECT_DOUBLE_EQ(*Value(m, "system.cpu.time", {{"cpu", "cpu0"}, {"state", "wait"}}), 0.25);
  EXPECT_DOUBLE_EQ(*Value(m, "system.cpu.time", {{"cpu", "cpu0"}, {"state", "interrupt"}}), 0.05);
  EXPECT_DOUBLE_EQ(*Value(m, "system.cpu.time", {{"cpu", "cpu0"}, {"state", "softirq"}}), 0.1);
  EXPECT_DOUBLE_EQ(*Value(m, "system.cpu.time", {{"cpu", "cpu0"}, {"state", "steal"}}), 0.03);
  EXPECT_DOUBLE_EQ(*Value(m, "system.cpu.time", {{"cpu", "cpu1"}, {"state", "steal"}}), 0.02);
  // Guest time is part of user time already and not a state of its own.
  EXPECT_FALSE(Value(m, "system.cpu.time", {{"cpu", "cpu1"}, {"state", "guest"}}));
  const auto& p = PointsOf(*FindMetric(m, "system.cpu.time"))[0];
  EXPECT_EQ(p.start_time_unix_nano, kBoot);
  EXPECT_EQ(p.time_unix_nano, kNow);
}

TEST(HostMetricsFixture, CpuUtilizationIsEachStatesShareOfTheTimeSinceTheLastScrape) {
  CpuScraper cpu(100);
  ScrapeOnce(cpu, FixtureContext());
  auto m = ScrapeOnce(cpu, FixtureContext(Fixture() + "/later"));
  // cpu0 went on by 200 ticks: 60 user, 10 nice, 20 system, 100 idle, 4 iowait, 2 irq,
  // 2 softirq, 2 steal.
  auto u = [&](const char* state) {
    return *Value(m, "system.cpu.utilization", {{"cpu", "cpu0"}, {"state", state}});
  };
  EXPECT_DOUBLE_EQ(u("user"), 0.3);
  EXPECT_DOUBLE_EQ(u("nice"), 0.05);
  EXPECT_DOUBLE_EQ(u("system"), 0.1);
  EXPECT_DOUBLE_EQ(u("idle"), 0.5);
  EXPECT_DOUBLE_EQ(u("wait"), 0.02);
  EXPECT_DOUBLE_EQ(u("interrupt"), 0.01);
  EXPECT_DOUBLE_EQ(u("softirq"), 0.01);
  EXPECT_DOUBLE_EQ(u("steal"), 0.01);
  // cpu1's user counter went back (CPU hot-plug resets it): no utilization rather than nonsense.
  EXPECT_FALSE(Value(m, "system.cpu.utilization", {{"cpu", "cpu1"}, {"state", "user"}}));
  EXPECT_EQ(PointCount(m, "system.cpu.utilization"), 8u);
  EXPECT_EQ(PointsOf(*FindMetric(m, "system.cpu.utilization"))[0].start_time_unix_nano, 0u);
}

TEST(HostMetricsFixture, MemoryStatesAsFreeCountsThem) {
  MemoryScraper memory;
  auto m = ScrapeOnce(memory, FixtureContext());
  auto usage = [&](const char* state) {
    return *Value(m, "system.memory.usage", {{"state", state}});
  };
  EXPECT_EQ(usage("free"), 4000000 * kKiB);
  EXPECT_EQ(usage("buffered"), 500000 * kKiB);
  EXPECT_EQ(usage("cached"), 5600000 * kKiB);  // Cached + SReclaimable
  EXPECT_EQ(usage("used"), 5900000 * kKiB);    // MemTotal - free - buffered - cached
  EXPECT_EQ(usage("slab_reclaimable"), 600000 * kKiB);
  EXPECT_EQ(usage("slab_unreclaimable"), 200000 * kKiB);
  EXPECT_EQ(usage("used") + usage("free") + usage("buffered") + usage("cached"), 16000000 * kKiB);
  EXPECT_EQ(PointCount(m, "system.memory.usage"), 6u);
  auto utilization = [&](const char* state) {
    return *Value(m, "system.memory.utilization", {{"state", state}});
  };
  EXPECT_DOUBLE_EQ(utilization("used"), 0.36875);
  EXPECT_DOUBLE_EQ(utilization("free"), 0.25);
  EXPECT_DOUBLE_EQ(utilization("buffered"), 0.03125);
  EXPECT_DOUBLE_EQ(utilization("cached"), 0.35);
  EXPECT_DOUBLE_EQ(utilization("slab_reclaimable"), 0.0375);
  EXPECT_DOUBLE_EQ(utilization("slab_unreclaimable"), 0.0125);
  EXPECT_EQ(*Value(m, "system.linux.memory.available"), 10000000 * kKiB);
}

TEST(HostMetricsFixture, LoadAveragesAsTheKernelReportsThem) {
  LoadScraper load;
  auto m = ScrapeOnce(load, FixtureContext());
  EXPECT_DOUBLE_EQ(*Value(m, "system.cpu.load_average.1m"), 0.25);
  EXPECT_DOUBLE_EQ(*Value(m, "system.cpu.load_average.5m"), 1.5);
  EXPECT_DOUBLE_EQ(*Value(m, "system.cpu.load_average.15m"), 2.75);
}

TEST(HostMetricsFixture, DiskCountersPerDeviceAndDirection) {
  DiskScraper disk(NameFilter({"loop*"}));
  auto m = ScrapeOnce(disk, FixtureContext());
  AttributeMap sda_read = {{"device", "sda"}, {"direction", "read"}};
  AttributeMap sda_write = {{"device", "sda"}, {"direction", "write"}};
  EXPECT_EQ(*Value(m, "system.disk.io", sda_read), 20000 * 512);
  EXPECT_EQ(*Value(m, "system.disk.io", sda_write), 40000 * 512);
  EXPECT_EQ(*Value(m, "system.disk.operations", sda_read), 1000);
  EXPECT_EQ(*Value(m, "system.disk.operations", sda_write), 2000);
  EXPECT_DOUBLE_EQ(*Value(m, "system.disk.operation_time", sda_read), 3.0);
  EXPECT_DOUBLE_EQ(*Value(m, "system.disk.operation_time", sda_write), 5.0);
  EXPECT_DOUBLE_EQ(*Value(m, "system.disk.io_time", {{"device", "sda"}}), 7.0);
  EXPECT_DOUBLE_EQ(*Value(m, "system.disk.weighted_io_time", {{"device", "sda"}}), 8.5);
  EXPECT_EQ(*Value(m, "system.disk.pending_operations", {{"device", "sda"}}), 2);
  EXPECT_EQ(*Value(m, "system.disk.merged", sda_read), 50);
  EXPECT_EQ(*Value(m, "system.disk.merged", sda_write), 100);
  // A partition in the older 14-column format.
  EXPECT_EQ(*Value(m, "system.disk.io", {{"device", "sda1"}, {"direction", "write"}}), 38000 * 512);
  EXPECT_DOUBLE_EQ(
      *Value(m, "system.disk.operation_time", {{"device", "sda1"}, {"direction", "write"}}), 4.8);
  EXPECT_DOUBLE_EQ(*Value(m, "system.disk.weighted_io_time", {{"device", "sda1"}}), 7.3);
  // loop0 is excluded.
  EXPECT_EQ(PointCount(m, "system.disk.io"), 4u);
  EXPECT_FALSE(Value(m, "system.disk.io", {{"device", "loop0"}, {"direction", "read"}}));
}

TEST(HostMetricsFixture, FilesystemUsageInodesAndUtilizationPerMount) {
  FilesystemScraper fs(DefaultExcludedTypes(), NameFilter(DefaultExcludedMounts()), FixtureStatFs);
  auto m = ScrapeOnce(fs, FixtureContext());
  auto attrs = [](const char* device, const char* mountpoint, const char* type, const char* mode,
                  const char* state) {
    AttributeMap a = {
        {"device", device}, {"mountpoint", mountpoint}, {"type", type}, {"mode", mode}};
    if (state != nullptr) a["state"] = state;
    return a;
  };
  const char* kUsage = "system.filesystem.usage";
  const char* kInodes = "system.filesystem.inodes.usage";
  const char* kUtil = "system.filesystem.utilization";
  EXPECT_EQ(*Value(m, kUsage, attrs("/dev/sda1", "/", "ext4", "rw", "used")), 600 * 4096);
  EXPECT_EQ(*Value(m, kUsage, attrs("/dev/sda1", "/", "ext4", "rw", "free")), 300 * 4096);
  EXPECT_EQ(*Value(m, kUsage, attrs("/dev/sda1", "/", "ext4", "rw", "reserved")), 100 * 4096);
  EXPECT_EQ(*Value(m, kInodes, attrs("/dev/sda1", "/", "ext4", "rw", "used")), 300);
  EXPECT_EQ(*Value(m, kInodes, attrs("/dev/sda1", "/", "ext4", "rw", "free")), 200);
  EXPECT_DOUBLE_EQ(*Value(m, kUtil, attrs("/dev/sda1", "/", "ext4", "rw", nullptr)), 2.0 / 3.0);
  // tmpfs is measured by default.
  EXPECT_EQ(*Value(m, kUsage, attrs("tmpfs", "/run", "tmpfs", "rw", "used")), 10 * 4096);
  EXPECT_DOUBLE_EQ(*Value(m, kUtil, attrs("tmpfs", "/run", "tmpfs", "rw", nullptr)), 0.1);
  // An escaped space in the mount point, and a read-only mount.
  EXPECT_EQ(*Value(m, kUsage, attrs("/dev/sdb1", "/mnt/back up", "xfs", "ro", "free")), 1 << 20);
  EXPECT_DOUBLE_EQ(*Value(m, kUtil, attrs("/dev/sdb1", "/mnt/back up", "xfs", "ro", nullptr)), 0.5);
  // /var/lib/docker itself is measured; the overlay below it is not.
  EXPECT_EQ(*Value(m, kUsage, attrs("/dev/sdc1", "/var/lib/docker", "xfs", "rw", "reserved")),
            5 * 4096);
  // /data was mounted twice: the mount on top (/dev/sda3) counts.
  EXPECT_EQ(*Value(m, kUsage, attrs("/dev/sda3", "/data", "ext4", "rw", "used")), 256 * 4096);
  EXPECT_DOUBLE_EQ(*Value(m, kUtil, attrs("/dev/sda3", "/data", "ext4", "rw", nullptr)), 1.0);
  std::set<std::string> mounts;
  for (const auto& p : PointsOf(*FindMetric(m, kUsage)))
    mounts.insert(testing::AttributesOf(p)["mountpoint"]);
  // Not proc, sysfs, cgroup2, overlay (pseudo types); not /empty (size 0); not /gone (statvfs
  // failed).
  EXPECT_THAT(mounts,
              UnorderedElementsAre("/", "/run", "/mnt/back up", "/var/lib/docker", "/data"));
  EXPECT_EQ(PointCount(m, kUsage), 15u);
  EXPECT_EQ(PointCount(m, kInodes), 10u);
}

TEST(HostMetricsFixture, FilesystemExclusionsAreConfigurable) {
  FilesystemScraper fs({"tmpfs", "proc", "sysfs", "cgroup2", "overlay"},
                       NameFilter({"/mnt/*", "/var/lib/*"}), FixtureStatFs);
  auto m = ScrapeOnce(fs, FixtureContext());
  std::set<std::string> mounts;
  for (const auto& p : PointsOf(*FindMetric(m, "system.filesystem.usage"))) {
    mounts.insert(testing::AttributesOf(p)["mountpoint"]);
  }
  EXPECT_THAT(mounts, UnorderedElementsAre("/", "/data"));
}

TEST(HostMetricsFixture, NetworkCountersPerInterfaceAndDirection) {
  NetworkScraper net(NameFilter({"veth*"}));
  auto m = ScrapeOnce(net, FixtureContext());
  AttributeMap rx = {{"device", "eth0"}, {"direction", "receive"}};
  AttributeMap tx = {{"device", "eth0"}, {"direction", "transmit"}};
  // A counter wider than 32 bits, written without a blank after the colon.
  EXPECT_EQ(*Value(m, "system.network.io", rx), 9876543210.0);
  EXPECT_EQ(*Value(m, "system.network.io", tx), 1234567890);
  EXPECT_EQ(*Value(m, "system.network.packets", rx), 1234567);
  EXPECT_EQ(*Value(m, "system.network.packets", tx), 654321);
  EXPECT_EQ(*Value(m, "system.network.errors", rx), 12);
  EXPECT_EQ(*Value(m, "system.network.errors", tx), 56);
  EXPECT_EQ(*Value(m, "system.network.dropped", rx), 34);
  EXPECT_EQ(*Value(m, "system.network.dropped", tx), 78);
  EXPECT_EQ(*Value(m, "system.network.io", {{"device", "lo"}, {"direction", "receive"}}), 123456);
  EXPECT_EQ(PointCount(m, "system.network.io"), 4u);  // lo and eth0; veth1a2b excluded
}

TEST(HostMetricsFixture, PagingUsagePerSwapDeviceAndOperationsFromVmstat) {
  PagingScraper paging;
  auto m = ScrapeOnce(paging, FixtureContext());
  EXPECT_EQ(*Value(m, "system.paging.usage", {{"device", "/dev/sda5"}, {"state", "used"}}),
            524288 * kKiB);
  EXPECT_EQ(*Value(m, "system.paging.usage", {{"device", "/dev/sda5"}, {"state", "free"}}),
            (2097148 - 524288) * kKiB);
  EXPECT_EQ(*Value(m, "system.paging.usage", {{"device", "/swapfile"}, {"state", "used"}}), 0);
  EXPECT_EQ(*Value(m, "system.paging.usage", {{"device", "/swapfile"}, {"state", "free"}}),
            1 << 30);
  EXPECT_DOUBLE_EQ(
      *Value(m, "system.paging.utilization", {{"device", "/dev/sda5"}, {"state", "used"}}),
      524288.0 / 2097148.0);
  EXPECT_DOUBLE_EQ(
      *Value(m, "system.paging.utilization", {{"device", "/swapfile"}, {"state", "free"}}), 1.0);
  auto ops = [&](const char* direction, const char* type) {
    return *Value(m, "system.paging.operations", {{"direction", direction}, {"type", type}});
  };
  EXPECT_EQ(ops("page_in", "major"), 30);
  EXPECT_EQ(ops("page_out", "major"), 40);
  EXPECT_EQ(ops("page_in", "minor"), 5000);
  EXPECT_EQ(ops("page_out", "minor"), 7000);
  EXPECT_EQ(*Value(m, "system.paging.faults", {{"type", "major"}}), 250);
  EXPECT_EQ(*Value(m, "system.paging.faults", {{"type", "minor"}}), 100000 - 250);
}

TEST(HostMetricsFixture, ProcessCountsByStatusAndProcessesCreated) {
  ProcessesScraper processes;
  auto m = ScrapeOnce(processes, FixtureContext());
  auto count = [&](const char* status) {
    return Value(m, "system.processes.count", {{"status", status}});
  };
  EXPECT_EQ(*count("sleeping"), 2);
  EXPECT_EQ(*count("idle"), 1);
  EXPECT_EQ(*count("zombies"), 1);
  EXPECT_EQ(*count("stopped"), 1);
  EXPECT_EQ(*count("unknown"), 1);
  // running and blocked come from /proc/stat (3 and 1), not from the walk (1 and 1).
  EXPECT_EQ(*count("running"), 3);
  EXPECT_EQ(*count("blocked"), 1);
  EXPECT_EQ(PointCount(m, "system.processes.count"), 7u);
  EXPECT_EQ(*Value(m, "system.processes.created"), 4242);
}

TEST(HostMetricsFixture, AScraperFailsWithThePathItCouldNotRead) {
  MemoryScraper memory;
  std::vector<otlp::Metric> out;
  Status s = memory.Scrape(FixtureContext(Fixture() + "/later"), &out);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), ::testing::HasSubstr("later/proc/meminfo"));
  EXPECT_TRUE(out.empty());
}

TEST(HostMetricsFixture, ProcFileHelpersSplitAndParse) {
  EXPECT_EQ(UnderRoot("/", "/proc/stat"), "/proc/stat");
  EXPECT_EQ(UnderRoot("/hostfs/", "/proc/stat"), "/hostfs/proc/stat");
  EXPECT_EQ(UnderRoot("", "/proc/stat"), "/proc/stat");
  EXPECT_THAT(Fields(" a\tb  c "), ::testing::ElementsAre("a", "b", "c"));
  EXPECT_THAT(Lines("x\n\ny\n"), ::testing::ElementsAre("x", "y"));
  uint64_t n = 0;
  EXPECT_TRUE(ParseU64("18446744073709551615", &n));
  EXPECT_FALSE(ParseU64("12a", &n));
  EXPECT_FALSE(ParseU64("", &n));
  double d = 0;
  EXPECT_TRUE(ParseDouble("2.75", &d));
  EXPECT_DOUBLE_EQ(d, 2.75);
  EXPECT_FALSE(ParseDouble("1/2", &d));
}

TEST(HostMetricsFixture, ContainersFromTheCgroupV2TreeEachAResourceOfItsOwn) {
  ContainersScraper scraper(ContainersOptions{});
  std::vector<ResourceScrape> out;
  ASSERT_TRUE(scraper.Scrape(FixtureContext(), &out).ok());
  // Docker (systemd and cgroupfs drivers) and Podman; ssh.service is no container, and the
  // Podman container's own sub-cgroup is part of it.
  ASSERT_EQ(out.size(), 3u);
  std::map<std::string, const ResourceScrape*> by_id;
  for (const ResourceScrape& r : out) {
    const otlp::AnyValue* id = otlp::FindAttribute(r.resource, "container.id");
    ASSERT_NE(id, nullptr);
    by_id[id->string_value()] = &r;
  }
  const std::string web = "3f4e5d6c7b8a99001122334455667788990011223344556677889900aabbccdd";
  const std::string worker = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  const std::string pod = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
  ASSERT_TRUE(by_id.contains(web) && by_id.contains(worker) && by_id.contains(pod));

  auto attr = [](const ResourceScrape& r, const char* key) -> std::string {
    const otlp::AnyValue* v = otlp::FindAttribute(r.resource, key);
    return v == nullptr ? "<none>" : v->string_value();
  };
  const ResourceScrape& w = *by_id[web];
  EXPECT_EQ(attr(w, "container.name"), "web");
  EXPECT_EQ(attr(w, "container.image.name"), "registry.example.com:5000/shop/nginx");
  EXPECT_EQ(attr(w, "container.image.tag"), "1.25");
  EXPECT_EQ(attr(w, "container.runtime"), "docker");
  EXPECT_DOUBLE_EQ(*Value(w.metrics, "container.cpu.time", {{"cpu.mode", "user"}}), 2.5);
  EXPECT_DOUBLE_EQ(*Value(w.metrics, "container.cpu.time", {{"cpu.mode", "kernel"}}), 1.0);
  EXPECT_EQ(*Value(w.metrics, "container.memory.usage"), 100 << 20);
  // Devices by name where /sys knows them, else by major:minor.
  EXPECT_EQ(*Value(w.metrics, "container.disk.io",
                   {{"disk.io.direction", "read"}, {"system.device", "sda"}}),
            4096);
  EXPECT_EQ(*Value(w.metrics, "container.disk.io",
                   {{"disk.io.direction", "write"}, {"system.device", "sda"}}),
            8192);
  EXPECT_EQ(*Value(w.metrics, "container.disk.io",
                   {{"disk.io.direction", "read"}, {"system.device", "253:1"}}),
            100);
  // The counters start when the container's cgroup appeared.
  struct stat st {};
  ASSERT_EQ(
      ::stat((Fixture() + "/sys/fs/cgroup/system.slice/docker-" + web + ".scope").c_str(), &st), 0);
  const auto& cpu = PointsOf(*FindMetric(w.metrics, "container.cpu.time"))[0];
  EXPECT_EQ(cpu.start_time_unix_nano, static_cast<uint64_t>(st.st_ctim.tv_sec) * 1'000'000'000ull +
                                          static_cast<uint64_t>(st.st_ctim.tv_nsec));
  EXPECT_EQ(cpu.time_unix_nano, kNow);
  const auto* memory_sum =
      std::get_if<otlp::Sum>(&FindMetric(w.metrics, "container.memory.usage")->data);
  ASSERT_NE(memory_sum, nullptr);
  EXPECT_FALSE(memory_sum->is_monotonic);
  EXPECT_TRUE(std::get<otlp::Sum>(FindMetric(w.metrics, "container.cpu.time")->data).is_monotonic);

  const ResourceScrape& k = *by_id[worker];
  EXPECT_EQ(attr(k, "container.name"), "worker");
  EXPECT_EQ(attr(k, "container.image.name"), "busybox");
  EXPECT_EQ(attr(k, "container.image.tag"), "latest");
  EXPECT_DOUBLE_EQ(*Value(k.metrics, "container.cpu.time", {{"cpu.mode", "user"}}), 0.5);
  EXPECT_EQ(*Value(k.metrics, "container.memory.usage"), 2048);
  EXPECT_EQ(FindMetric(k.metrics, "container.disk.io"), nullptr);

  const ResourceScrape& p = *by_id[pod];
  EXPECT_EQ(attr(p, "container.runtime"), "podman");
  EXPECT_EQ(attr(p, "container.name"), "<none>");  // Podman keeps no config.v2.json
  EXPECT_EQ(*Value(p.metrics, "container.memory.usage"), 512);
}

TEST(HostMetricsFixture, ContainersFromACgroupV1Hierarchy) {
  ContainersScraper scraper(ContainersOptions{});
  std::vector<ResourceScrape> out;
  ASSERT_TRUE(
      scraper.Scrape(FixtureContext(std::string(NJ_AGENT_FIXTURES) + "/host-cgroup1"), &out).ok());
  ASSERT_EQ(out.size(), 2u);  // ssh.service is no container
  std::map<std::string, const ResourceScrape*> by_id;
  for (const ResourceScrape& r : out) {
    by_id[otlp::FindAttribute(r.resource, "container.id")->string_value()] = &r;
  }
  const std::string web(64, 'a');
  const std::string job(64, 'b');
  ASSERT_TRUE(by_id.contains(web) && by_id.contains(job));
  const ResourceScrape& w = *by_id[web];
  EXPECT_EQ(otlp::FindAttribute(w.resource, "container.name")->string_value(), "web");
  EXPECT_EQ(otlp::FindAttribute(w.resource, "container.image.tag")->string_value(), "1.25");
  // cpuacct.stat counts USER_HZ ticks (100 per second here).
  double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  EXPECT_DOUBLE_EQ(*Value(w.metrics, "container.cpu.time", {{"cpu.mode", "user"}}), 250 / hz);
  EXPECT_DOUBLE_EQ(*Value(w.metrics, "container.cpu.time", {{"cpu.mode", "kernel"}}), 100 / hz);
  EXPECT_EQ(*Value(w.metrics, "container.memory.usage"), 100 << 20);
  EXPECT_EQ(*Value(w.metrics, "container.disk.io",
                   {{"disk.io.direction", "read"}, {"system.device", "sda"}}),
            4096);
  EXPECT_EQ(*Value(w.metrics, "container.disk.io",
                   {{"disk.io.direction", "write"}, {"system.device", "sda"}}),
            8192);
  EXPECT_EQ(PointCount(w.metrics, "container.disk.io"),
            2u);  // Sync, Async, Total are not bytes by direction

  const ResourceScrape& j = *by_id[job];
  EXPECT_DOUBLE_EQ(*Value(j.metrics, "container.cpu.time", {{"cpu.mode", "user"}}), 50 / hz);
  EXPECT_EQ(*Value(j.metrics, "container.memory.usage"), 2048);
  EXPECT_EQ(FindMetric(j.metrics, "container.disk.io"), nullptr);
}

TEST(HostMetricsFixture, ContainersNeedACgroupHierarchy) {
  ContainersScraper scraper(ContainersOptions{"/sys/fs/cgroup/system.slice", "/var/lib/docker"});
  std::vector<ResourceScrape> out;
  Status s = scraper.Scrape(FixtureContext(), &out);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), ::testing::HasSubstr("is neither a cgroup v2 hierarchy"));
  EXPECT_TRUE(out.empty());
}

// ---------------------------------------------------------------------------------------------
// The semantic conventions, as the OpenTelemetry Collector's hostmetrics receiver emits them
// (receiver/hostmetricsreceiver/internal/scraper/*/metadata.yaml, semconv 1.9.0), written out
// here independently of the code's own table so that a typo on either side fails.

enum class Kind { kCounter, kUpDownCounter, kGauge };
enum class Type { kInt, kDouble };

struct Convention {
  std::string name;
  std::string unit;
  Kind kind;
  Type type;
  std::map<std::string, std::set<std::string>> attributes;  // key -> allowed values (empty: any)
};

const std::set<std::string> kAny;
const std::set<std::string> kCpuStates = {"idle",  "interrupt", "nice", "softirq",
                                          "steal", "system",    "user", "wait"};
const std::set<std::string> kMemStates = {"buffered", "cached",           "free",
                                          "used",     "slab_reclaimable", "slab_unreclaimable"};
const std::set<std::string> kReadWrite = {"read", "write"};
const std::set<std::string> kRxTx = {"receive", "transmit"};
const std::set<std::string> kFsStates = {"free", "reserved", "used"};
const std::set<std::string> kInodeStates = {"free", "used"};
const std::set<std::string> kPagingStates = {"cached", "free", "used"};
const std::set<std::string> kProcessStatus = {
    "blocked", "daemon",   "detached", "idle",   "locked",  "orphan", "paging",
    "running", "sleeping", "stopped",  "system", "unknown", "zombies"};

const std::vector<Convention>& Conventions() {
  using enum Kind;
  using enum Type;
  static const std::vector<Convention> table = {
      {"system.cpu.time", "s", kCounter, kDouble, {{"cpu", kAny}, {"state", kCpuStates}}},
      {"system.cpu.utilization", "1", kGauge, kDouble, {{"cpu", kAny}, {"state", kCpuStates}}},
      {"system.cpu.load_average.1m", "{thread}", kGauge, kDouble, {}},
      {"system.cpu.load_average.5m", "{thread}", kGauge, kDouble, {}},
      {"system.cpu.load_average.15m", "{thread}", kGauge, kDouble, {}},
      {"system.memory.usage", "By", kUpDownCounter, kInt, {{"state", kMemStates}}},
      {"system.memory.utilization", "1", kGauge, kDouble, {{"state", kMemStates}}},
      {"system.linux.memory.available", "By", kUpDownCounter, kInt, {}},
      {"system.disk.io", "By", kCounter, kInt, {{"device", kAny}, {"direction", kReadWrite}}},
      {"system.disk.operations",
       "{operations}",
       kCounter,
       kInt,
       {{"device", kAny}, {"direction", kReadWrite}}},
      {"system.disk.io_time", "s", kCounter, kDouble, {{"device", kAny}}},
      {"system.disk.operation_time",
       "s",
       kCounter,
       kDouble,
       {{"device", kAny}, {"direction", kReadWrite}}},
      {"system.disk.weighted_io_time", "s", kCounter, kDouble, {{"device", kAny}}},
      {"system.disk.pending_operations", "{operations}", kUpDownCounter, kInt, {{"device", kAny}}},
      {"system.disk.merged",
       "{operations}",
       kCounter,
       kInt,
       {{"device", kAny}, {"direction", kReadWrite}}},
      {"system.filesystem.usage",
       "By",
       kUpDownCounter,
       kInt,
       {{"device", kAny},
        {"mode", kAny},
        {"mountpoint", kAny},
        {"type", kAny},
        {"state", kFsStates}}},
      {"system.filesystem.inodes.usage",
       "{inodes}",
       kUpDownCounter,
       kInt,
       {{"device", kAny},
        {"mode", kAny},
        {"mountpoint", kAny},
        {"type", kAny},
        {"state", kInodeStates}}},
      {"system.filesystem.utilization",
       "1",
       kGauge,
       kDouble,
       {{"device", kAny}, {"mode", kAny}, {"mountpoint", kAny}, {"type", kAny}}},
      {"system.network.io", "By", kCounter, kInt, {{"device", kAny}, {"direction", kRxTx}}},
      {"system.network.packets",
       "{packets}",
       kCounter,
       kInt,
       {{"device", kAny}, {"direction", kRxTx}}},
      {"system.network.errors",
       "{errors}",
       kCounter,
       kInt,
       {{"device", kAny}, {"direction", kRxTx}}},
      {"system.network.dropped",
       "{packets}",
       kCounter,
       kInt,
       {{"device", kAny}, {"direction", kRxTx}}},
      {"system.paging.usage",
       "By",
       kUpDownCounter,
       kInt,
       {{"device", kAny}, {"state", kPagingStates}}},
      {"system.paging.utilization",
       "1",
       kGauge,
       kDouble,
       {{"device", kAny}, {"state", kPagingStates}}},
      {"system.paging.operations",
       "{operations}",
       kCounter,
       kInt,
       {{"direction", {"page_in", "page_out"}}, {"type", {"major", "minor"}}}},
      {"system.paging.faults", "{faults}", kCounter, kInt, {{"type", {"major", "minor"}}}},
      {"system.processes.count", "{processes}", kUpDownCounter, kInt, {{"status", kProcessStatus}}},
      {"system.processes.created", "{processes}", kCounter, kInt, {}},
  };
  return table;
}

// Checks every metric in `metrics` against the table; returns the names seen.
std::set<std::string> CheckConventions(const std::vector<otlp::Metric>& metrics, uint64_t boot) {
  std::set<std::string> seen;
  for (const otlp::Metric& m : metrics) {
    SCOPED_TRACE(m.name);
    EXPECT_TRUE(seen.insert(m.name).second) << "metric emitted twice in one collection";
    const Convention* c = nullptr;
    for (const Convention& candidate : Conventions()) {
      if (candidate.name == m.name) c = &candidate;
    }
    if (c == nullptr) {
      ADD_FAILURE() << "not in the semantic conventions table";
      continue;
    }
    EXPECT_EQ(m.unit, c->unit);
    EXPECT_FALSE(m.description.empty());
    if (c->kind == Kind::kGauge) {
      EXPECT_EQ(m.type(), otlp::MetricType::kGauge);
    } else {
      const auto* sum = std::get_if<otlp::Sum>(&m.data);
      if (sum == nullptr) {
        ADD_FAILURE() << "expected a sum, got " << otlp::MetricTypeName(m.type());
        continue;
      }
      EXPECT_EQ(sum->aggregation_temporality, otlp::AggregationTemporality::kCumulative);
      EXPECT_EQ(sum->is_monotonic, c->kind == Kind::kCounter);
    }
    EXPECT_FALSE(PointsOf(m).empty());
    std::set<AttributeMap> identities;
    for (const otlp::NumberDataPoint& p : PointsOf(m)) {
      AttributeMap attrs = testing::AttributesOf(p);
      EXPECT_TRUE(identities.insert(attrs).second) << "two points with the same attributes";
      EXPECT_EQ(attrs.size(), c->attributes.size());
      for (const auto& [key, allowed] : c->attributes) {
        auto it = attrs.find(key);
        if (it == attrs.end()) {
          ADD_FAILURE() << "attribute " << key << " missing";
          continue;
        }
        if (!allowed.empty()) {
          EXPECT_TRUE(allowed.contains(it->second)) << key << "=" << it->second;
        }
      }
      if (c->type == Type::kInt) {
        EXPECT_TRUE(std::holds_alternative<int64_t>(p.value));
      } else {
        EXPECT_TRUE(std::holds_alternative<double>(p.value));
      }
      EXPECT_GT(p.time_unix_nano, 0u);
      EXPECT_EQ(p.start_time_unix_nano, c->kind == Kind::kGauge ? 0 : boot);
    }
  }
  return seen;
}

TEST(HostMetricsConventions, EveryMetricMatchesTheSemanticConventions) {
  HostMetricsOptions options;
  options.root_path = Fixture();
  auto scrapers = MakeScrapers(options);
  ASSERT_TRUE(scrapers.ok()) << scrapers.status().ToString();
  ASSERT_EQ(scrapers->size(), ScraperNames().size());
  std::vector<otlp::Metric> first, second;
  for (auto& s : *scrapers) {
    // The filesystem scraper gets the fixture's statvfs answers.
    std::unique_ptr<Scraper> fs;
    Scraper* scraper = s.get();
    if (s->name() == "filesystem") {
      fs = std::make_unique<FilesystemScraper>(DefaultExcludedTypes(),
                                               NameFilter(DefaultExcludedMounts()), FixtureStatFs);
      scraper = fs.get();
    }
    ASSERT_TRUE(scraper->Scrape(FixtureContext(), &first).ok()) << s->name();
    // A second scrape of the same tree: CPU utilization appears (here with no elapsed time, so
    // it needs the later tree).
    ScrapeContext later = FixtureContext(s->name() == "cpu" ? Fixture() + "/later" : Fixture());
    ASSERT_TRUE(scraper->Scrape(later, &second).ok()) << s->name();
  }
  CheckConventions(first, kBoot);
  std::set<std::string> seen = CheckConventions(second, kBoot);
  // The fixture exercises every metric of the table.
  std::set<std::string> expected;
  for (const Convention& c : Conventions()) expected.insert(c.name);
  EXPECT_EQ(seen, expected);
}

TEST(HostMetricsConventions, UnknownScraperNamesAreRefused) {
  HostMetricsOptions options;
  options.scrapers = {"cpu", "gpu"};
  auto scrapers = MakeScrapers(options);
  ASSERT_FALSE(scrapers.ok());
  EXPECT_THAT(scrapers.status().message(), ::testing::HasSubstr("\"gpu\""));
}

// ---------------------------------------------------------------------------------------------
// This machine's own /proc

// Scrapes this host with every scraper until CPU utilization shows (the clock ticks every
// 10 ms, so it does within a few scrapes); returns the first and the last scrape.
std::pair<std::vector<otlp::Metric>, std::vector<otlp::Metric>> ScrapeLiveTwice(uint64_t* boot) {
  auto b = ReadBootTimeUnixNanos("/");
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  *boot = b.ok() ? *b : 0;
  auto scrapers = MakeScrapers(HostMetricsOptions{});
  EXPECT_TRUE(scrapers.ok());
  auto scrape = [&] {
    ScrapeContext c;
    c.root = "/";
    c.boot_unix_nanos = *boot;
    c.now_unix_nanos = static_cast<uint64_t>(Clock::System().NowUnixNanos());
    std::vector<otlp::Metric> out;
    for (auto& s : *scrapers) {
      Status st = s->Scrape(c, &out);
      EXPECT_TRUE(st.ok()) << s->name() << ": " << st.ToString();
    }
    return out;
  };
  std::vector<otlp::Metric> first = scrape();
  std::vector<otlp::Metric> last;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    last = scrape();
  } while (FindMetric(last, "system.cpu.utilization") == nullptr &&
           std::chrono::steady_clock::now() < deadline);
  return {first, last};
}

TEST(HostMetricsLive, ThisHostsMetricsAreSaneAndCountersOnlyGrow) {
  uint64_t boot = 0;
  auto [first, second] = ScrapeLiveTwice(&boot);
  ASSERT_GT(boot, 0u);
  EXPECT_LT(boot, static_cast<uint64_t>(Clock::System().NowUnixNanos()));
  CheckConventions(first, boot);
  CheckConventions(second, boot);

  // CPU: one set of states per online CPU; utilization per CPU sums to 1.
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  EXPECT_EQ(PointCount(second, "system.cpu.time"), static_cast<size_t>(cpus) * 8);
  ASSERT_NE(FindMetric(second, "system.cpu.utilization"), nullptr);
  std::map<std::string, double> per_cpu;
  for (const auto& p : PointsOf(*FindMetric(second, "system.cpu.utilization"))) {
    double v = std::get<double>(p.value);
    EXPECT_GE(v, 0.0);
    EXPECT_LE(v, 1.0);
    per_cpu[testing::AttributesOf(p)["cpu"]] += v;
  }
  for (const auto& [cpu, total] : per_cpu) EXPECT_NEAR(total, 1.0, 1e-9) << cpu;

  // Memory: used + free + buffered + cached is all the RAM the kernel manages.
  int64_t ram = static_cast<int64_t>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
  double accounted = 0;
  for (const char* state : {"used", "free", "buffered", "cached"}) {
    auto v = Value(second, "system.memory.usage", {{"state", state}});
    ASSERT_TRUE(v) << state;
    EXPECT_GE(*v, 0);
    accounted += *v;
  }
  EXPECT_EQ(accounted, static_cast<double>(ram));

  // Load: non-negative and far from absurd on a test machine.
  for (const char* name : {"system.cpu.load_average.1m", "system.cpu.load_average.5m",
                           "system.cpu.load_average.15m"}) {
    auto v = Value(second, name);
    ASSERT_TRUE(v) << name;
    EXPECT_GE(*v, 0.0);
    EXPECT_LT(*v, 10000.0);
  }

  // Processes: this one is running (or at least counted), and the kernel forked some.
  double processes = 0;
  for (const auto& p : PointsOf(*FindMetric(second, "system.processes.count"))) {
    processes += static_cast<double>(std::get<int64_t>(p.value));
  }
  EXPECT_GE(processes, 1.0);
  EXPECT_GE(*Value(second, "system.processes.created"), 1.0);

  // Network: the loopback interface exists everywhere.
  EXPECT_TRUE(Value(second, "system.network.io", {{"device", "lo"}, {"direction", "receive"}}));

  // Filesystems: at least one is measured, and each one's states add up to its size.
  ASSERT_NE(FindMetric(second, "system.filesystem.usage"), nullptr);
  for (const auto& p : PointsOf(*FindMetric(second, "system.filesystem.utilization"))) {
    double v = std::get<double>(p.value);
    EXPECT_GE(v, 0.0);
    EXPECT_LE(v, 1.0);
  }

  // Every monotonic counter seen in both scrapes did not go back.
  size_t compared = 0;
  for (const otlp::Metric& m : first) {
    const auto* sum = std::get_if<otlp::Sum>(&m.data);
    if (sum == nullptr || !sum->is_monotonic) continue;
    for (const auto& p : sum->data_points) {
      auto later = Value(second, m.name, testing::AttributesOf(p));
      if (!later) continue;  // a process or device that went away
      double before = std::holds_alternative<double>(p.value)
                          ? std::get<double>(p.value)
                          : static_cast<double>(std::get<int64_t>(p.value));
      EXPECT_GE(*later, before) << m.name;
      ++compared;
    }
  }
  EXPECT_GT(compared, 20u);
  // And CPU time did move forward in total.
  double before = 0, after = 0;
  for (const auto& p : PointsOf(*FindMetric(first, "system.cpu.time"))) {
    before += std::get<double>(p.value);
  }
  for (const auto& p : PointsOf(*FindMetric(second, "system.cpu.time"))) {
    after += std::get<double>(p.value);
  }
  EXPECT_GT(after, before);
}

}  // namespace
}  // namespace nightjar::agent::host_metrics
