// Helpers of the hook value types; see hook_types.h.
#include "plugin_host/hook_types.h"

namespace nightjar::plugins {
namespace {

void SetAttribute(otlp::Attributes* attributes, const std::string& key, otlp::AnyValue value) {
  for (otlp::KeyValue& kv : *attributes) {
    if (kv.key == key) {
      kv.value = std::move(value);
      return;
    }
  }
  attributes->push_back(otlp::KeyValue{key, std::move(value)});
}

}  // namespace

void ApplyClassification(const Classification& classification, otlp::LogRecord* record) {
  if (classification.severity_number) {
    record->severity_number = *classification.severity_number;
    record->severity_text = classification.severity_text;
  }
  for (const auto& [key, value] : classification.labels) {
    SetAttribute(&record->attributes, key, otlp::AnyValue(value));
  }
  for (const otlp::KeyValue& kv : classification.attributes) {
    SetAttribute(&record->attributes, kv.key, kv.value);
  }
}

bool Notification::firing() const {
  for (const Alert& alert : alerts) {
    if (alert.firing) return true;
  }
  return false;
}

std::string_view NotifyOutcomeName(NotifyOutcome::Kind kind) {
  switch (kind) {
    case NotifyOutcome::Kind::kDelivered:
      return "delivered";
    case NotifyOutcome::Kind::kRetryLater:
      return "retry_later";
    case NotifyOutcome::Kind::kFailed:
      return "failed";
  }
  return "failed";
}

}  // namespace nightjar::plugins
