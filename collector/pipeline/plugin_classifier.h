// The log enricher that runs the classifier plugins on every record before it is stored.
//
// For each row of a batch it gives the classifiers the decoded record it was prepared from
// (the request), then writes what they returned into the row:
//   labels      -> LogRow::labels (stored in logs.labels, filterable as label.<key>=<value>);
//                  a key set twice keeps the last value
//   attributes  -> merged into the row's attributes JSON; an added key replaces the record's own
//   severity    -> replaces LogRow::severity_number/severity_text (and so the volume counts)
//
// Cost: the plugins' own work, plus for a record they change a splice of the added attributes
// into its JSON (a rewrite only when a key collides). Views, the classification and the JSON
// writer are per-thread scratch reused across records; a record nobody changes costs no
// allocation here. The collector installs this enricher only when a classifier instance runs.
//
// Thread-safety: Enrich may run on several receiver threads at once (PluginHost::Classify is
// thread-safe and serialises instances that are not).
#pragma once

#include <memory>

#include "pipeline/pipeline.h"
#include "plugin_host/plugin_host.h"
#include "self_metrics.h"

namespace nightjar::collector {

class PluginClassifier : public LogEnricher {
 public:
  PluginClassifier(std::shared_ptr<plugins::PluginHost> host, SelfMetrics* metrics);

  // Classifies every record of `batch`; does nothing without `source`.
  void Enrich(LogBatch& batch, const otlp::LogsData* source) override;

 private:
  std::shared_ptr<plugins::PluginHost> host_;
  SelfMetrics* metrics_;
};

// Writes `classification` into `row`, whose record had `record_attributes` (as stored in
// row->attributes). Leaves `classification`'s labels moved-from.
void ApplyClassificationToRow(plugins::Classification& classification,
                              const otlp::Attributes& record_attributes, LogRow* row);

}  // namespace nightjar::collector
