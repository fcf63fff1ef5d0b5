// Conversions between the collector's values and the borrowed C views of plugin.h.
//
// Views point into the values they were made from (and into scratch storage for the JSON text
// of structured values), so they are valid only while both live; the host builds them for one
// call and drops them after.
//
// Thread-safety: functions are reentrant; a ViewScratch belongs to one thread.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "nightjar/plugin.h"
#include "otlp/model.h"
#include "plugin_host/hook_types.h"

namespace nightjar::plugins {

// Returns a view of a string.
inline nj_str StrView(std::string_view s) { return nj_str{s.data(), s.size()}; }
// Returns the string a view borrows.
inline std::string_view FromStr(nj_str s) {
  return s.size == 0 ? std::string_view() : std::string_view(s.data, s.size);
}

// Returns a value as plain JSON: arrays as arrays, key/value lists as objects, bytes as base64
// strings, non-finite doubles as null.
std::string AnyValueJson(const otlp::AnyValue& value);

// Reusable storage for the views of one call; keeps its capacity between calls.
struct ViewScratch {
  std::vector<nj_attribute> attributes;
  std::vector<nj_attribute> resource_attributes;
  std::deque<std::string> json;  // deque: growing it never moves the strings views point into

  void Clear() {
    attributes.clear();
    resource_attributes.clear();
    json.clear();
  }
};

// Returns a view of `value`; the JSON text of arrays and lists is kept in `json`.
nj_value ViewValue(const otlp::AnyValue& value, std::deque<std::string>* json);

// Appends views of `attributes` to `out`.
void ViewAttributes(const otlp::Attributes& attributes, std::vector<nj_attribute>* out,
                    std::deque<std::string>* json);

// Returns the value a plugin passed (strings copied). Arrays and lists, which plugins pass as
// JSON text, become strings.
otlp::AnyValue ValueFromView(const nj_value& value);

// Returns a view of a log record; `scratch` holds the attribute arrays.
nj_log_record ViewLogRecord(const otlp::LogRecord& record,
                            const otlp::Attributes& resource_attributes,
                            std::string_view scope_name, ViewScratch* scratch);

// Returns a view of a metric point whose series_id is already decided.
nj_metric_point ViewMetricPoint(const SeriesPoint& point, uint64_t series_id, ViewScratch* scratch);

// Returns a stable 64-bit id of a series: a hash of the metric name and both attribute sets,
// independent of attribute order. Never 0.
uint64_t SeriesId(std::string_view metric_name, const otlp::Attributes* attributes,
                  const otlp::Attributes* resource_attributes);

// The view of a notification and the arrays behind it.
class NotificationView {
 public:
  NotificationView(const Notification& notification, std::string_view receiver);
  NotificationView(const NotificationView&) = delete;
  NotificationView& operator=(const NotificationView&) = delete;

  const nj_notification* get() const { return &view_; }

 private:
  static std::vector<nj_str_pair> Pairs(const StringPairs& pairs);

  std::vector<nj_str_pair> group_labels_;
  std::vector<nj_str_pair> common_labels_;
  std::vector<nj_str_pair> common_annotations_;
  std::vector<std::vector<nj_str_pair>> alert_labels_;
  std::vector<std::vector<nj_str_pair>> alert_annotations_;
  std::vector<nj_alert> alerts_;
  std::vector<const nj_alert*> alert_pointers_;
  nj_notification view_{};
};

}  // namespace nightjar::plugins
