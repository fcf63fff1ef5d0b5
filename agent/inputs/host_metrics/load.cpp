// The load scraper; see load.h.
#include "inputs/host_metrics/load.h"

#include "inputs/host_metrics/proc_files.h"

namespace nightjar::agent::host_metrics {

Status LoadScraper::Scrape(const ScrapeContext& context, std::vector<otlp::Metric>* out) {
  NJ_ASSIGN_OR_RETURN(std::string text, ReadProcFile(context.root, "/proc/loadavg"));
  // "0.16 0.95 1.35 4/104 9535"
  std::vector<std::string_view> f = Fields(text);
  double load[3] = {};
  if (f.size() < 3 || !ParseDouble(f[0], &load[0]) || !ParseDouble(f[1], &load[1]) ||
      !ParseDouble(f[2], &load[2])) {
    return InvalidArgument(UnderRoot(context.root, "/proc/loadavg") + ": unexpected content \"" +
                           text.substr(0, 80) + "\"");
  }
  MetricsBuilder builder(context);
  builder.AddDouble(semconv::kLoad1m, {}, load[0]);
  builder.AddDouble(semconv::kLoad5m, {}, load[1]);
  builder.AddDouble(semconv::kLoad15m, {}, load[2]);
  builder.Finish(out);
  return Status::Ok();
}

}  // namespace nightjar::agent::host_metrics
