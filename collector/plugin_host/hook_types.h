// What the collector gives plugin hooks and gets back from them, as C++ values: the host turns
// these into the C views of plugin.h for each call and copies the plugin's answers back.
//
// Thread-safety: plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "otlp/model.h"

namespace nightjar::plugins {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

// What the classifiers added to one log record.
struct Classification {
  // Short string labels to store with the record and filter on (e.g. log.class=timeout).
  StringPairs labels;
  // Typed attributes to add to the record.
  otlp::Attributes attributes;
  // A new severity, when a classifier set one.
  std::optional<int32_t> severity_number;
  std::string severity_text;

  bool empty() const { return labels.empty() && attributes.empty() && !severity_number; }
};

// Applies a classification to a record: sets the severity, and adds labels (as string
// attributes) and attributes, replacing attributes of the same key.
void ApplyClassification(const Classification& classification, otlp::LogRecord* record);

// One point of a metric series, as given to detectors. Views borrow the caller's data for the
// call.
struct SeriesPoint {
  std::string_view metric_name;
  std::string_view unit;
  const otlp::Attributes* attributes = nullptr;           // point attributes; may be null
  const otlp::Attributes* resource_attributes = nullptr;  // may be null
  // Identifies the series; 0 = let the host derive it from the name and both attribute sets
  // (SeriesId). Pass the store's series id when there is one.
  uint64_t series_id = 0;
  int64_t time_unix_nano = 0;
  double value = 0;
};

// What one detector instance said about one point.
struct Detection {
  std::string_view instance;  // the instance's name; valid while the PluginHost lives
  std::string_view plugin;    // the plugin's name; valid while the PluginHost lives
  double score = 0;
  bool anomalous = false;
  std::string reason;
};

// One alert of a notification (Prometheus Alertmanager's model).
struct Alert {
  bool firing = true;
  StringPairs labels;
  StringPairs annotations;
  int64_t starts_at_unix_nano = 0;
  int64_t ends_at_unix_nano = 0;  // 0 while firing
  std::string fingerprint;
  std::string generator_url;
};

// A group of alerts to deliver together.
struct Notification {
  std::string id;  // unique per notification and equal across its retries
  std::string group_key;
  StringPairs group_labels;
  StringPairs common_labels;
  StringPairs common_annotations;
  std::vector<Alert> alerts;
  std::string external_url;
  uint32_t truncated_alerts = 0;
  uint32_t attempt = 1;

  // Firing when any alert fires.
  bool firing() const;
};

// What a notifier instance did with a notification.
struct NotifyOutcome {
  enum class Kind { kDelivered, kRetryLater, kFailed };
  Kind kind = Kind::kFailed;
  std::chrono::nanoseconds retry_after{0};  // kRetryLater: the plugin's suggestion, 0 = none
  std::string message;
};

// Returns "delivered", "retry_later" or "failed".
std::string_view NotifyOutcomeName(NotifyOutcome::Kind kind);

}  // namespace nightjar::plugins
