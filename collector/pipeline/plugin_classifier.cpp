// Classifier plugins on the receive path; see plugin_classifier.h.
#include "pipeline/plugin_classifier.h"

#include <algorithm>

#include "base/logging.h"
#include "store/value_json.h"

namespace nightjar::collector {
namespace {

// A thread's reusable state: keeps its capacity from one record to the next.
struct Scratch {
  plugins::Classification classification;
  rapidjson::StringBuffer buffer;
  JsonWriter writer{buffer};
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// Returns true when attribute `i` of `added` is replaced by a later one with the same key.
bool Superseded(const otlp::Attributes& added, size_t i) {
  for (size_t j = i + 1; j < added.size(); ++j) {
    if (added[j].key == added[i].key) return true;
  }
  return false;
}

// Returns true when some added key is already a key of the record or is added twice.
bool Collides(const otlp::Attributes& record, const otlp::Attributes& added) {
  for (size_t i = 0; i < added.size(); ++i) {
    if (otlp::FindAttribute(record, added[i].key) != nullptr || Superseded(added, i)) return true;
  }
  return false;
}

void WriteAttribute(JsonWriter& w, const otlp::KeyValue& kv) {
  w.Key(kv.key.data(), static_cast<rapidjson::SizeType>(kv.key.size()));
  WriteAnyValueJson(w, kv.value);
}

// Writes the record's attributes plus `added` into `json` (the record's attributes as JSON).
void MergeAttributes(const otlp::Attributes& record, const otlp::Attributes& added,
                     std::string* json) {
  Scratch& scratch = ThreadScratch();
  scratch.buffer.Clear();
  JsonWriter& w = scratch.writer;
  w.Reset(scratch.buffer);
  w.StartObject();
  bool rewrite = Collides(record, added);
  if (rewrite) {
    for (const otlp::KeyValue& kv : record) {
      bool replaced = std::any_of(added.begin(), added.end(),
                                  [&](const otlp::KeyValue& a) { return a.key == kv.key; });
      if (!replaced) WriteAttribute(w, kv);
    }
  }
  for (size_t i = 0; i < added.size(); ++i) {
    if (!Superseded(added, i)) WriteAttribute(w, added[i]);
  }
  w.EndObject();
  std::string_view merged(scratch.buffer.GetString(), scratch.buffer.GetSize());
  if (rewrite || json->size() < 2 || *json == "{}") {
    json->assign(merged);
    return;
  }
  // The common case, no key in common: splice the new members in before the closing brace.
  std::string_view members = merged.substr(1, merged.size() - 2);
  json->reserve(json->size() + members.size() + 1);
  json->pop_back();
  json->push_back(',');
  json->append(members);
  json->push_back('}');
}

}  // namespace

void ApplyClassificationToRow(plugins::Classification& c, const otlp::Attributes& record_attributes,
                              LogRow* row) {
  if (c.severity_number) {
    row->severity_number = *c.severity_number;
    row->severity_text.assign(c.severity_text);
  }
  for (auto& [key, value] : c.labels) {
    auto same = std::find_if(row->labels.begin(), row->labels.end(),
                             [&](const auto& label) { return label.first == key; });
    if (same != row->labels.end()) {
      same->second = std::move(value);
    } else {
      row->labels.emplace_back(std::move(key), std::move(value));
    }
  }
  if (!c.attributes.empty()) MergeAttributes(record_attributes, c.attributes, &row->attributes);
}

PluginClassifier::PluginClassifier(std::shared_ptr<plugins::PluginHost> host, SelfMetrics* metrics)
    : host_(std::move(host)), metrics_(metrics) {}

void PluginClassifier::Enrich(LogBatch& batch, const otlp::LogsData* source) {
  if (source == nullptr || batch.logs.empty()) return;
  if (otlp::CountLogRecords(*source) != batch.logs.size()) {
    // Not a batch PrepareLogs made from `source`: pairing rows with records would be wrong.
    log::Error("plugins", "a log batch does not match its request; it is stored unclassified",
               {{"rows", static_cast<int64_t>(batch.logs.size())}});
    return;
  }
  plugins::Classification& c = ThreadScratch().classification;
  size_t i = 0;
  int64_t changed = 0;
  for (const otlp::ResourceLogs& rl : source->resource_logs) {
    for (const otlp::ScopeLogs& sl : rl.scope_logs) {
      for (const otlp::LogRecord& record : sl.log_records) {
        LogRow& row = batch.logs[i++];
        host_->Classify(record, rl.resource.attributes, sl.scope.name, &c);
        if (c.empty()) continue;
        ApplyClassificationToRow(c, record.attributes, &row);
        ++changed;
      }
    }
  }
  if (changed > 0) metrics_->classified_records.Get().Inc(static_cast<double>(changed));
}

}  // namespace nightjar::collector
