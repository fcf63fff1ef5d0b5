// The agent's metric families; see agent_metrics.h.
#include "agent_metrics.h"

namespace nightjar::agent {

AgentMetrics::AgentMetrics(metrics::Registry* registry)
    : files_watched(registry
                        ->Gauge("nightjar_agent_files_watched",
                                "Files the file inputs track (open or waiting for a free slot).")
                        .Get()),
      files_open(
          registry->Gauge("nightjar_agent_files_open", "Files held open for reading.").Get()),
      unread_bytes(registry
                       ->Gauge("nightjar_agent_files_unread_bytes",
                               "Bytes written to tracked files and not read yet (input lag).")
                       .Get()),
      inputs_paused(registry
                        ->Gauge("nightjar_agent_inputs_paused",
                                "1 while inputs stop reading because the queue is full.")
                        .Get()),
      input_pauses(registry
                       ->Counter("nightjar_agent_input_pauses_total",
                                 "Times inputs paused because the queue was full.")
                       .Get()),
      queue_commit_errors(registry
                              ->Counter("nightjar_agent_queue_commit_errors_total",
                                        "Failed writes to the persistent queue (e.g. disk full).")
                              .Get()),
      records_sent(registry
                       ->Counter("nightjar_agent_records_sent_total",
                                 "Log records sent to the collector (each attempt counts).")
                       .Get()),
      records_acked(registry
                        ->Counter("nightjar_agent_records_acked_total",
                                  "Log records the collector acknowledged.")
                        .Get()),
      records_retried(registry
                          ->Counter("nightjar_agent_records_retried_total",
                                    "Log records whose export failed retryably and will be resent.")
                          .Get()),
      records_failed(registry
                         ->Counter("nightjar_agent_records_failed_total",
                                   "Log records dropped after a permanent export failure.")
                         .Get()),
      records_rejected(registry
                           ->Counter("nightjar_agent_records_rejected_total",
                                     "Log records the collector rejected in a partial success.")
                           .Get()),
      points_sent(registry
                      ->Counter("nightjar_agent_metric_points_sent_total",
                                "Metric data points sent to the collector (each attempt counts).")
                      .Get()),
      points_acked(registry
                       ->Counter("nightjar_agent_metric_points_acked_total",
                                 "Metric data points the collector acknowledged.")
                       .Get()),
      points_retried(
          registry
              ->Counter("nightjar_agent_metric_points_retried_total",
                        "Metric data points whose export failed retryably and will be resent.")
              .Get()),
      points_failed(registry
                        ->Counter("nightjar_agent_metric_points_failed_total",
                                  "Metric data points dropped after a permanent export failure.")
                        .Get()),
      points_rejected(
          registry
              ->Counter("nightjar_agent_metric_points_rejected_total",
                        "Metric data points the collector rejected in a partial success.")
              .Get()),
      exporter_backoff(registry
                           ->Gauge("nightjar_agent_exporter_backoff_seconds",
                                   "Current wait before the next export attempt (0 when healthy).")
                           .Get()),
      export_duration(
          registry
              ->Histogram("nightjar_agent_export_duration_seconds", "Duration of export requests.")
              .Get()),
      host_metrics_collections(registry
                                   ->Counter("nightjar_agent_host_metrics_collections_total",
                                             "Host metrics collections run.")
                                   .Get()),
      host_metrics_points(
          registry
              ->Counter("nightjar_agent_host_metrics_points_total",
                        "Host metric data points collected and stored in the queue.")
              .Get()),
      host_metrics_points_dropped(
          registry
              ->Counter("nightjar_agent_host_metrics_points_dropped_total",
                        "Host metric data points dropped because the queue was full.")
              .Get()),
      registry_(registry) {}

DeliveryMetrics AgentMetrics::Delivery(otlp::Signal signal) {
  if (signal == otlp::Signal::kMetrics) {
    return {&points_sent, &points_acked, &points_retried, &points_failed, &points_rejected};
  }
  return {&records_sent, &records_acked, &records_retried, &records_failed, &records_rejected};
}

metrics::Counter& AgentMetrics::ScrapeErrors(const std::string& scraper) {
  return registry_
      ->Counter("nightjar_agent_host_metrics_scrape_errors_total",
                "Host metrics scrapes that failed, by scraper.", {"scraper"})
      .With({scraper});
}

InputMetrics AgentMetrics::ForInput(const std::string& input) {
  auto& lines = registry_->Counter("nightjar_agent_lines_read_total",
                                   "Lines read from files (parts of split lines count once each).",
                                   {"input"});
  auto& bytes =
      registry_->Counter("nightjar_agent_bytes_read_total", "Bytes read from files.", {"input"});
  auto& records =
      registry_->Counter("nightjar_agent_records_total",
                         "Log records built (after joining multiline records).", {"input"});
  auto& parse_errors = registry_->Counter(
      "nightjar_agent_parse_errors_total",
      "Records that did not follow the parser's format (shipped whole as the body), by kind.",
      {"input", "kind"});
  auto& utf8 = registry_->Counter("nightjar_agent_invalid_utf8_total",
                                  "Invalid UTF-8 sequences replaced by U+FFFD.", {"input"});
  auto& long_lines =
      registry_->Counter("nightjar_agent_long_lines_total",
                         "Lines longer than max_line_size, by what was done (split or truncate).",
                         {"input", "action"});
  auto& rotations = registry_->Counter(
      "nightjar_agent_file_rotations_total",
      "Rotations seen: rename, delete, truncate (incl. copytruncate), copy (a rotated copy "
      "continued at the old offset).",
      {"input", "kind"});
  auto& lost = registry_->Counter(
      "nightjar_agent_unread_bytes_lost_total",
      "Bytes removed by a truncation before they were read and not found in a rotated copy.",
      {"input"});
  InputMetrics m;
  m.lines = &lines.With({input});
  m.bytes = &bytes.With({input});
  m.records = &records.With({input});
  m.parse_errors = &parse_errors.With({input, "format"});
  m.time_parse_errors = &parse_errors.With({input, "time"});
  m.invalid_utf8 = &utf8.With({input});
  m.lines_split = &long_lines.With({input, "split"});
  m.lines_truncated = &long_lines.With({input, "truncate"});
  m.rotations_rename = &rotations.With({input, "rename"});
  m.rotations_delete = &rotations.With({input, "delete"});
  m.rotations_truncate = &rotations.With({input, "truncate"});
  m.rotations_copy = &rotations.With({input, "copy"});
  m.unread_bytes_lost = &lost.With({input});
  return m;
}

metrics::Counter& AgentMetrics::Requests(const std::string& code) {
  return registry_
      ->Counter("nightjar_agent_export_requests_total",
                "Export requests by outcome: HTTP status code, or \"network\".", {"code"})
      .With({code});
}

}  // namespace nightjar::agent
