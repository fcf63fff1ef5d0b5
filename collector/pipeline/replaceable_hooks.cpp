// Replaceable pipeline hooks; see replaceable_hooks.h.
#include "pipeline/replaceable_hooks.h"

namespace nightjar::collector {

void ReplaceableEnricher::Replace(std::shared_ptr<LogEnricher> next) {
  std::lock_guard<std::mutex> lock(mutex_);
  current_ = std::move(next);
}

void ReplaceableEnricher::Enrich(LogBatch& batch, const otlp::LogsData* source) {
  std::shared_ptr<LogEnricher> enricher;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    enricher = current_;
  }
  // Outside the lock: receiver threads classify concurrently.
  if (enricher) enricher->Enrich(batch, source);
}

void ReplaceableCommitObserver::Replace(std::shared_ptr<CommitObserver> next) {
  std::lock_guard<std::mutex> lock(mutex_);
  current_ = std::move(next);
}

// The writer thread is the only caller, so holding the lock during the call costs nothing but
// lets Replace know when the previous observer is done.
void ReplaceableCommitObserver::OnPointsCommitted(std::span<const CommittedPoint> points) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (current_) current_->OnPointsCommitted(points);
}

void ReplaceableCommitObserver::OnLogsCommitted(const LogBatch& batch,
                                                std::span<const int64_t> ids) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (current_) current_->OnLogsCommitted(batch, ids);
}

}  // namespace nightjar::collector
