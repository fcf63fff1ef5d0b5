// Views of collector values for plugins; see abi_views.h.
#include "plugin_host/abi_views.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstring>

#include "base/base64.h"

namespace nightjar::plugins {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteJson(const otlp::AnyValue& value, JsonWriter* w) {
  switch (value.kind()) {
    case otlp::ValueKind::kEmpty:
      w->Null();
      return;
    case otlp::ValueKind::kString:
      w->String(value.string_value().data(),
                static_cast<rapidjson::SizeType>(value.string_value().size()));
      return;
    case otlp::ValueKind::kBool:
      w->Bool(value.bool_value());
      return;
    case otlp::ValueKind::kInt:
      w->Int64(value.int_value());
      return;
    case otlp::ValueKind::kDouble:
      if (std::isfinite(value.double_value())) {
        w->Double(value.double_value());
      } else {
        w->Null();
      }
      return;
    case otlp::ValueKind::kBytes: {
      std::string b64 = Base64Encode(value.bytes_value().data);
      w->String(b64.data(), static_cast<rapidjson::SizeType>(b64.size()));
      return;
    }
    case otlp::ValueKind::kArray:
      w->StartArray();
      for (const otlp::AnyValue& item : value.array_value()) WriteJson(item, w);
      w->EndArray();
      return;
    case otlp::ValueKind::kKvList:
      w->StartObject();
      for (const otlp::KeyValue& kv : value.kvlist_value()) {
        w->Key(kv.key.data(), static_cast<rapidjson::SizeType>(kv.key.size()));
        WriteJson(kv.value, w);
      }
      w->EndObject();
      return;
  }
}

// FNV-1a, then a splitmix64 finaliser so that sums of hashes stay well mixed.
uint64_t Hash(std::string_view bytes, uint64_t seed) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

uint64_t HashValue(const otlp::AnyValue& value, uint64_t seed) {
  auto kind_seed = seed * 31 + static_cast<uint64_t>(value.kind());
  switch (value.kind()) {
    case otlp::ValueKind::kString:
      return Hash(value.string_value(), kind_seed);
    case otlp::ValueKind::kBool:
      return Hash(value.bool_value() ? "1" : "0", kind_seed);
    case otlp::ValueKind::kInt: {
      int64_t v = value.int_value();
      return Hash(std::string_view(reinterpret_cast<const char*>(&v), sizeof(v)), kind_seed);
    }
    case otlp::ValueKind::kDouble: {
      double v = value.double_value();
      return Hash(std::string_view(reinterpret_cast<const char*>(&v), sizeof(v)), kind_seed);
    }
    default:
      return Hash(AnyValueJson(value), kind_seed);
  }
}

// Order-independent: attributes are a set, whatever order a sender writes them in. Each pair
// is hashed as a whole (the value seeded by its key), so that swapping values between keys
// changes the sum.
uint64_t HashAttributes(const otlp::Attributes* attributes, uint64_t seed) {
  uint64_t sum = 0;
  if (attributes == nullptr) return sum;
  for (const otlp::KeyValue& kv : *attributes) sum += HashValue(kv.value, Hash(kv.key, seed));
  return sum;
}

}  // namespace

std::string AnyValueJson(const otlp::AnyValue& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  WriteJson(value, &writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

nj_value ViewValue(const otlp::AnyValue& value, std::deque<std::string>* json) {
  nj_value v{};
  switch (value.kind()) {
    case otlp::ValueKind::kEmpty:
      v.type = NJ_VALUE_EMPTY;
      break;
    case otlp::ValueKind::kString:
      v.type = NJ_VALUE_STRING;
      v.string_value = StrView(value.string_value());
      break;
    case otlp::ValueKind::kBool:
      v.type = NJ_VALUE_BOOL;
      v.int_value = value.bool_value() ? 1 : 0;
      break;
    case otlp::ValueKind::kInt:
      v.type = NJ_VALUE_INT;
      v.int_value = value.int_value();
      break;
    case otlp::ValueKind::kDouble:
      v.type = NJ_VALUE_DOUBLE;
      v.double_value = value.double_value();
      break;
    case otlp::ValueKind::kBytes:
      v.type = NJ_VALUE_BYTES;
      v.string_value = StrView(value.bytes_value().data);
      break;
    case otlp::ValueKind::kArray:
    case otlp::ValueKind::kKvList:
      v.type = value.kind() == otlp::ValueKind::kArray ? NJ_VALUE_ARRAY : NJ_VALUE_KVLIST;
      json->push_back(AnyValueJson(value));
      v.string_value = StrView(json->back());
      break;
  }
  return v;
}

void ViewAttributes(const otlp::Attributes& attributes, std::vector<nj_attribute>* out,
                    std::deque<std::string>* json) {
  for (const otlp::KeyValue& kv : attributes) {
    out->push_back(nj_attribute{StrView(kv.key), ViewValue(kv.value, json)});
  }
}

otlp::AnyValue ValueFromView(const nj_value& value) {
  switch (value.type) {
    case NJ_VALUE_STRING:
    case NJ_VALUE_ARRAY:
    case NJ_VALUE_KVLIST:
      return otlp::AnyValue(std::string(FromStr(value.string_value)));
    case NJ_VALUE_BOOL:
      return otlp::AnyValue(value.int_value != 0);
    case NJ_VALUE_INT:
      return otlp::AnyValue(value.int_value);
    case NJ_VALUE_DOUBLE:
      return otlp::AnyValue(value.double_value);
    case NJ_VALUE_BYTES:
      return otlp::AnyValue(otlp::Bytes{std::string(FromStr(value.string_value))});
    default:
      return otlp::AnyValue();
  }
}

nj_log_record ViewLogRecord(const otlp::LogRecord& record,
                            const otlp::Attributes& resource_attributes,
                            std::string_view scope_name, ViewScratch* scratch) {
  scratch->Clear();
  ViewAttributes(record.attributes, &scratch->attributes, &scratch->json);
  ViewAttributes(resource_attributes, &scratch->resource_attributes, &scratch->json);
  nj_log_record view{};
  view.struct_size = sizeof(nj_log_record);
  view.severity_number = record.severity_number;
  view.severity_text = StrView(record.severity_text);
  view.time_unix_nano = record.time_unix_nano;
  view.observed_time_unix_nano = record.observed_time_unix_nano;
  view.body = ViewValue(record.body, &scratch->json);
  view.attributes = scratch->attributes.data();
  view.attribute_count = scratch->attributes.size();
  view.resource_attributes = scratch->resource_attributes.data();
  view.resource_attribute_count = scratch->resource_attributes.size();
  view.scope_name = StrView(scope_name);
  view.event_name = StrView(record.event_name);
  return view;
}

nj_metric_point ViewMetricPoint(const SeriesPoint& point, uint64_t series_id,
                                ViewScratch* scratch) {
  scratch->Clear();
  if (point.attributes != nullptr) {
    ViewAttributes(*point.attributes, &scratch->attributes, &scratch->json);
  }
  if (point.resource_attributes != nullptr) {
    ViewAttributes(*point.resource_attributes, &scratch->resource_attributes, &scratch->json);
  }
  nj_metric_point view{};
  view.struct_size = sizeof(nj_metric_point);
  view.series_id = series_id;
  view.metric_name = StrView(point.metric_name);
  view.unit = StrView(point.unit);
  view.attributes = scratch->attributes.data();
  view.attribute_count = scratch->attributes.size();
  view.resource_attributes = scratch->resource_attributes.data();
  view.resource_attribute_count = scratch->resource_attributes.size();
  view.time_unix_nano = point.time_unix_nano;
  view.value = point.value;
  return view;
}

uint64_t SeriesId(std::string_view metric_name, const otlp::Attributes* attributes,
                  const otlp::Attributes* resource_attributes) {
  uint64_t id = Hash(metric_name, 0) ^
                (HashAttributes(attributes, 0x9e37) * 0x2545f4914f6cdd1dull) ^
                (HashAttributes(resource_attributes, 0x7f4a) * 0x9e3779b97f4a7c15ull);
  return id == 0 ? 1 : id;
}

std::vector<nj_str_pair> NotificationView::Pairs(const StringPairs& pairs) {
  std::vector<nj_str_pair> out;
  out.reserve(pairs.size());
  for (const auto& [k, v] : pairs) out.push_back({StrView(k), StrView(v)});
  return out;
}

NotificationView::NotificationView(const Notification& n, std::string_view receiver)
    : group_labels_(Pairs(n.group_labels)),
      common_labels_(Pairs(n.common_labels)),
      common_annotations_(Pairs(n.common_annotations)) {
  alert_labels_.reserve(n.alerts.size());
  alert_annotations_.reserve(n.alerts.size());
  alerts_.reserve(n.alerts.size());
  for (const Alert& a : n.alerts) {
    alert_labels_.push_back(Pairs(a.labels));
    alert_annotations_.push_back(Pairs(a.annotations));
    nj_alert view{};
    view.struct_size = sizeof(nj_alert);
    view.status = a.firing ? NJ_ALERT_FIRING : NJ_ALERT_RESOLVED;
    view.labels = alert_labels_.back().data();
    view.label_count = alert_labels_.back().size();
    view.annotations = alert_annotations_.back().data();
    view.annotation_count = alert_annotations_.back().size();
    view.starts_at_unix_nano = a.starts_at_unix_nano;
    view.ends_at_unix_nano = a.ends_at_unix_nano;
    view.fingerprint = StrView(a.fingerprint);
    view.generator_url = StrView(a.generator_url);
    alerts_.push_back(view);
  }
  for (const nj_alert& a : alerts_) alert_pointers_.push_back(&a);

  view_.struct_size = sizeof(nj_notification);
  view_.status = n.firing() ? NJ_ALERT_FIRING : NJ_ALERT_RESOLVED;
  view_.id = StrView(n.id);
  view_.group_key = StrView(n.group_key);
  view_.receiver = StrView(receiver);
  view_.group_labels = group_labels_.data();
  view_.group_label_count = group_labels_.size();
  view_.common_labels = common_labels_.data();
  view_.common_label_count = common_labels_.size();
  view_.common_annotations = common_annotations_.data();
  view_.common_annotation_count = common_annotations_.size();
  view_.alerts = alert_pointers_.data();
  view_.alert_count = alert_pointers_.size();
  view_.external_url = StrView(n.external_url);
  view_.truncated_alerts = n.truncated_alerts;
  view_.attempt = n.attempt;
}

}  // namespace nightjar::plugins
