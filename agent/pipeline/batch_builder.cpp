// Batch building; see batch_builder.h.
#include "pipeline/batch_builder.h"

namespace nightjar::agent {

void BatchBuilder::Add(const void* resource_id, std::span<const otlp::KeyValueView> resource,
                       const otlp::LogRecordView& record, int64_t now_nanos) {
  if (writer_.record_count() == 0 && !writer_.in_resource_logs()) {
    started_nanos_ = now_nanos;
    if (pool_) writer_.Adopt(pool_->Take());
    // One allocation per batch: the bound plus room for the record that crosses it.
    writer_.Reserve(limits_.max_bytes + limits_.max_bytes / 8);
  }
  if (!writer_.in_resource_logs() || resource_id != resource_id_) {
    if (writer_.in_resource_logs()) {
      writer_.EndScopeLogs();
      writer_.EndResourceLogs();
    }
    writer_.BeginResourceLogs(otlp::ResourceView{resource});
    writer_.BeginScopeLogs(otlp::ScopeView{});
    resource_id_ = resource_id;
  }
  writer_.AddRecord(record);
}

std::string BatchBuilder::Finish() {
  if (writer_.in_resource_logs()) {
    writer_.EndScopeLogs();
    writer_.EndResourceLogs();
  }
  resource_id_ = nullptr;
  return writer_.Release();
}

}  // namespace nightjar::agent
