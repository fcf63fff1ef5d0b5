// The disk scraper; see disk.h.
#include "inputs/host_metrics/disk.h"

#include "inputs/host_metrics/proc_files.h"

namespace nightjar::agent::host_metrics {

Status DiskScraper::Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) {
  NJ_ASSIGN_OR_RETURN(std::string text, ReadProcFile(context.root, "/proc/diskstats"));
  MetricsBuilder builder(context);
  for (std::string_view line : Lines(text)) {
    // major minor name  reads merged sectors ms  writes merged sectors ms  in_flight io_ms
    // weighted_ms  [discards..., flushes...]
    std::vector<std::string_view> f = Fields(line);
    if (f.size() < 14) continue;
    uint64_t v[11];
    bool ok = true;
    for (size_t i = 0; i < 11 && ok; ++i) ok = ParseU64(f[i + 3], &v[i]);
    if (!ok) continue;
    std::string device(f[2]);
    if (!filter_.Included(device)) continue;
    auto attrs = [&](const char* direction) -> otlp::Attributes {
      return {{"device", device}, {"direction", direction}};
    };
    constexpr int64_t kSector = 512;
    auto ms = [](uint64_t millis) { return static_cast<double>(millis) / 1000.0; };
    auto i64 = [](uint64_t n) { return static_cast<int64_t>(n); };
    builder.Add(semconv::kDiskIo, attrs("read"), i64(v[2]) * kSector);
    builder.Add(semconv::kDiskIo, attrs("write"), i64(v[6]) * kSector);
    builder.Add(semconv::kDiskOperations, attrs("read"), i64(v[0]));
    builder.Add(semconv::kDiskOperations, attrs("write"), i64(v[4]));
    builder.AddDouble(semconv::kDiskIoTime, {{"device", device}}, ms(v[9]));
    builder.AddDouble(semconv::kDiskOperationTime, attrs("read"), ms(v[3]));
    builder.AddDouble(semconv::kDiskOperationTime, attrs("write"), ms(v[7]));
    builder.AddDouble(semconv::kDiskWeightedIoTime, {{"device", device}}, ms(v[10]));
    builder.Add(semconv::kDiskPendingOperations, {{"device", device}}, i64(v[8]));
    builder.Add(semconv::kDiskMerged, attrs("read"), i64(v[1]));
    builder.Add(semconv::kDiskMerged, attrs("write"), i64(v[5]));
  }
  builder.Finish(out);
  return Status::Ok();
}

}  // namespace nightjar::agent::host_metrics
