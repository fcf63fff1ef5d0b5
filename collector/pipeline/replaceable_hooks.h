// Pipeline hooks whose implementation a configuration reload replaces.
//
// The pipeline takes its enrichers and commit observers once, before it starts; the classifier
// and detector plugin instances behind them change with a reload. The collector installs one
// ReplaceableEnricher and one ReplaceableCommitObserver for them at start and, on a reload,
// points them at the new plugin host's classifier and detection runner (or at nothing when the
// new configuration has none).
//
// Thread-safety: ReplaceableEnricher::Enrich runs concurrently on receiver threads, each call
// with the enricher current when it began (Replace does not wait for it).
// ReplaceableCommitObserver's calls come from the writer thread; Replace waits for a call in
// progress, so once it returns the previous observer receives nothing more and may be stopped.
#pragma once

#include <memory>
#include <mutex>

#include "pipeline/pipeline.h"

namespace nightjar::collector {

class ReplaceableEnricher final : public LogEnricher {
 public:
  // Makes `next` (null: none) enrich the batches submitted from now on.
  void Replace(std::shared_ptr<LogEnricher> next);

  void Enrich(LogBatch& batch, const otlp::LogsData* source) override;

 private:
  std::mutex mutex_;  // guards current_ (the pointer only: Enrich runs outside the lock)
  std::shared_ptr<LogEnricher> current_;
};

class ReplaceableCommitObserver final : public CommitObserver {
 public:
  // Makes `next` (null: none) see the commits from now on; returns after a call in progress
  // to the previous observer finished.
  void Replace(std::shared_ptr<CommitObserver> next);

  void OnPointsCommitted(std::span<const CommittedPoint> points) override;
  void OnLogsCommitted(const LogBatch& batch, std::span<const int64_t> ids) override;

 private:
  std::mutex mutex_;  // held during each call, so that Replace waits for it
  std::shared_ptr<CommitObserver> current_;
};

}  // namespace nightjar::collector
