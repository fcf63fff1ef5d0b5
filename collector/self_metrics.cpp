// The collector's own metrics; see self_metrics.h.
#include "self_metrics.h"

namespace nightjar::collector {

SelfMetrics::SelfMetrics()
    : received(registry_.Counter("nightjar_collector_received_items_total",
                                 "Log records, metric points and spans decoded from requests.",
                                 {"signal"})),
      stored(registry_.Counter("nightjar_collector_stored_items_total",
                               "Log records and metric points committed to the database.",
                               {"signal"})),
      rejected(registry_.Counter("nightjar_collector_rejected_items_total",
                                 "Items refused by validation and reported in partial_success.",
                                 {"signal"})),
      refused_requests(registry_.Counter("nightjar_collector_refused_requests_total",
                                         "Export requests refused whole, by reason.",
                                         {"signal", "reason"})),
      http_requests(registry_.Counter("nightjar_http_requests_total",
                                      "HTTP requests answered, by handler and status code.",
                                      {"handler", "code"})),
      http_duration(registry_.Histogram("nightjar_http_request_duration_seconds",
                                        "Time from request start to response, by handler.",
                                        {"handler"})),
      unauthorized(registry_.Counter("nightjar_http_unauthorized_total",
                                     "Requests answered 401 for a missing or wrong token.",
                                     {"surface"})),
      commit_duration(
          registry_.Histogram("nightjar_collector_commit_duration_seconds",
                              "Time to write and commit one group of requests (one transaction).")),
      commits(registry_.Counter("nightjar_collector_commits_total",
                                "Transactions committed by the writer.")),
      commit_failures(registry_.Counter("nightjar_collector_commit_failures_total",
                                        "Transactions that failed and were rolled back.")),
      retention_deleted(registry_.Counter("nightjar_collector_retention_deleted_items_total",
                                          "Items deleted by retention, by signal and reason.",
                                          {"signal", "reason"})),
      query_timeouts(registry_.Counter("nightjar_api_query_timeouts_total",
                                       "API queries stopped by their deadline.")),
      classified_records(
          registry_.Counter("nightjar_collector_classified_records_total",
                            "Log records the classifier plugins changed (labels, attributes or "
                            "severity).")),
      detected_points(registry_.Counter("nightjar_collector_detected_points_total",
                                        "Committed metric points run through the detector "
                                        "plugins.")),
      detection_dropped(registry_.Counter(
          "nightjar_collector_detection_dropped_points_total",
          "Committed metric points the detectors never saw because their queue was full.")),
      anomalies(registry_.Counter("nightjar_collector_anomalies_total",
                                  "Anomalies stored, by detector instance.", {"detector"})) {}

void SelfMetrics::RecordHttp(const std::string& handler, int code, double seconds) {
  http_requests.With({handler, std::to_string(code)}).Inc();
  http_duration.With({handler}).Observe(seconds);
}

}  // namespace nightjar::collector
