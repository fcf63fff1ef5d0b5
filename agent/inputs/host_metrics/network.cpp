// The network scraper; see network.h.
#include "inputs/host_metrics/network.h"

#include "inputs/host_metrics/proc_files.h"

namespace nightjar::agent::host_metrics {

Status NetworkScraper::Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) {
  Result<std::string> text = ReadProcFile(context.root, "/proc/1/net/dev");
  if (!text.ok()) text = ReadProcFile(context.root, "/proc/net/dev");
  if (!text.ok()) return text.status();
  MetricsBuilder builder(context);
  for (std::string_view line : Lines(*text)) {
    // "  eth0: rx_bytes packets errs drop fifo frame compressed multicast
    //          tx_bytes packets errs drop fifo colls carrier compressed"
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // the two header lines
    std::vector<std::string_view> name = Fields(line.substr(0, colon));
    std::vector<std::string_view> f = Fields(line.substr(colon + 1));
    if (name.size() != 1 || f.size() < 16) continue;
    uint64_t v[16];
    bool ok = true;
    for (size_t i = 0; i < 16 && ok; ++i) ok = ParseU64(f[i], &v[i]);
    if (!ok) continue;
    std::string device(name[0]);
    if (!filter_.Included(device)) continue;
    auto attrs = [&](const char* direction) -> otlp::Attributes {
      return {{"device", device}, {"direction", direction}};
    };
    auto i64 = [](uint64_t n) { return static_cast<int64_t>(n); };
    builder.Add(semconv::kNetworkIo, attrs("receive"), i64(v[0]));
    builder.Add(semconv::kNetworkIo, attrs("transmit"), i64(v[8]));
    builder.Add(semconv::kNetworkPackets, attrs("receive"), i64(v[1]));
    builder.Add(semconv::kNetworkPackets, attrs("transmit"), i64(v[9]));
    builder.Add(semconv::kNetworkErrors, attrs("receive"), i64(v[2]));
    builder.Add(semconv::kNetworkErrors, attrs("transmit"), i64(v[10]));
    builder.Add(semconv::kNetworkDropped, attrs("receive"), i64(v[3]));
    builder.Add(semconv::kNetworkDropped, attrs("transmit"), i64(v[11]));
  }
  builder.Finish(out);
  return Status::Ok();
}

}  // namespace nightjar::agent::host_metrics
