// The host metrics' names, units, instruments and descriptions, per the OpenTelemetry semantic
// conventions for system metrics as the OpenTelemetry Collector's hostmetrics receiver emits
// them (its scrapers' metadata.yaml), so that dashboards and alerts built for that receiver
// work on what the agent sends.
//
// Instruments:
//   kCounter        cumulative, monotonic sum (a counter since boot; start time = boot time)
//   kUpDownCounter  cumulative, non-monotonic sum (a level, e.g. bytes in use)
//   kGauge          a sampled value (utilization, load average)
//
// Thread-safety: constants.
#pragma once

#include <string_view>

namespace nightjar::agent::host_metrics {

enum class Instrument { kCounter, kUpDownCounter, kGauge };

// Whether points carry integers or doubles (as in the receiver's metadata: bytes and counts
// are integers, seconds and ratios doubles).
enum class ValueType { kInt, kDouble };

struct MetricSpec {
  std::string_view name;
  std::string_view unit;
  Instrument instrument;
  ValueType value_type;
  std::string_view description;
};

namespace semconv {

using enum Instrument;
using enum ValueType;

// cpu
inline constexpr MetricSpec kCpuTime{"system.cpu.time", "s", kCounter, kDouble,
                                     "Total seconds each logical CPU spent on each mode."};
inline constexpr MetricSpec kCpuUtilization{
    "system.cpu.utilization", "1", kGauge, kDouble,
    "Difference in system.cpu.time since the last measurement per logical CPU, divided by the "
    "elapsed time (value in interval [0,1])."};
// load
inline constexpr MetricSpec kLoad1m{"system.cpu.load_average.1m", "{thread}", kGauge, kDouble,
                                    "Average CPU Load over 1 minute."};
inline constexpr MetricSpec kLoad5m{"system.cpu.load_average.5m", "{thread}", kGauge, kDouble,
                                    "Average CPU Load over 5 minutes."};
inline constexpr MetricSpec kLoad15m{"system.cpu.load_average.15m", "{thread}", kGauge, kDouble,
                                     "Average CPU Load over 15 minutes."};
// memory
inline constexpr MetricSpec kMemoryUsage{"system.memory.usage", "By", kUpDownCounter, kInt,
                                         "Bytes of memory in use."};
inline constexpr MetricSpec kMemoryUtilization{"system.memory.utilization", "1", kGauge, kDouble,
                                               "Percentage of memory bytes in use."};
inline constexpr MetricSpec kLinuxMemoryAvailable{
    "system.linux.memory.available", "By", kUpDownCounter, kInt,
    "An estimate of how much memory is available for starting new applications, without "
    "swapping."};
// disk
inline constexpr MetricSpec kDiskIo{"system.disk.io", "By", kCounter, kInt,
                                    "Disk bytes transferred."};
inline constexpr MetricSpec kDiskOperations{"system.disk.operations", "{operations}", kCounter,
                                            kInt, "Disk operations count."};
inline constexpr MetricSpec kDiskIoTime{"system.disk.io_time", "s", kCounter, kDouble,
                                        "Time disk spent activated."};
inline constexpr MetricSpec kDiskOperationTime{"system.disk.operation_time", "s", kCounter, kDouble,
                                               "Time spent in disk operations."};
inline constexpr MetricSpec kDiskWeightedIoTime{
    "system.disk.weighted_io_time", "s", kCounter, kDouble,
    "Time disk spent activated multiplied by the queue length."};
inline constexpr MetricSpec kDiskPendingOperations{"system.disk.pending_operations", "{operations}",
                                                   kUpDownCounter, kInt,
                                                   "The queue size of pending I/O operations."};
inline constexpr MetricSpec kDiskMerged{
    "system.disk.merged", "{operations}", kCounter, kInt,
    "The number of disk reads/writes merged into single physical disk access operations."};
// filesystem
inline constexpr MetricSpec kFilesystemUsage{"system.filesystem.usage", "By", kUpDownCounter, kInt,
                                             "Filesystem bytes used."};
inline constexpr MetricSpec kFilesystemInodesUsage{"system.filesystem.inodes.usage", "{inodes}",
                                                   kUpDownCounter, kInt, "FileSystem inodes used."};
inline constexpr MetricSpec kFilesystemUtilization{"system.filesystem.utilization", "1", kGauge,
                                                   kDouble, "Fraction of filesystem bytes used."};
// network
inline constexpr MetricSpec kNetworkIo{"system.network.io", "By", kCounter, kInt,
                                       "The number of bytes transmitted and received."};
inline constexpr MetricSpec kNetworkPackets{"system.network.packets", "{packets}", kCounter, kInt,
                                            "The number of packets transferred."};
inline constexpr MetricSpec kNetworkErrors{"system.network.errors", "{errors}", kCounter, kInt,
                                           "The number of errors encountered."};
inline constexpr MetricSpec kNetworkDropped{"system.network.dropped", "{packets}", kCounter, kInt,
                                            "The number of packets dropped."};
// paging
inline constexpr MetricSpec kPagingUsage{"system.paging.usage", "By", kUpDownCounter, kInt,
                                         "Swap (unix) or pagefile (windows) usage."};
inline constexpr MetricSpec kPagingUtilization{"system.paging.utilization", "1", kGauge, kDouble,
                                               "Swap (unix) or pagefile (windows) utilization."};
inline constexpr MetricSpec kPagingOperations{"system.paging.operations", "{operations}", kCounter,
                                              kInt, "The number of paging operations."};
inline constexpr MetricSpec kPagingFaults{"system.paging.faults", "{faults}", kCounter, kInt,
                                          "The number of page faults."};
// processes
inline constexpr MetricSpec kProcessesCount{"system.processes.count", "{processes}", kUpDownCounter,
                                            kInt, "Total number of processes in each state."};
inline constexpr MetricSpec kProcessesCreated{"system.processes.created", "{processes}", kCounter,
                                              kInt, "Total number of created processes."};

}  // namespace semconv
}  // namespace nightjar::agent::host_metrics
