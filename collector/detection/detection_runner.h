// Runs the detector plugins on every committed metric point, off the ingest path, and stores
// what they find anomalous.
//
//   writer thread:     commit ─► OnPointsCommitted ─► copy (series id, time, value) of each point
//                                                      into a bounded queue; full = drop + count
//   detection thread:  pop ─► series identity (cached; read from the store once per series)
//                      ─► PluginHost::Detect ─► anomalies ─► Pipeline::SubmitAnomalies
//   writer thread:     writes them in its next group ─► (detection thread) OnAnomaly for each
//
// Why a thread and a queue: the pipeline's writer is the collector's bottleneck and calls
// commit observers between transactions, so detectors running there would slow ingestion by
// their whole cost. Here the writer pays a 24-byte copy per point. When detection cannot keep
// up, the queue (bounded in bytes) fills and further points skip detection, counted in
// nightjar_collector_detection_dropped_points_total: detection is best effort, ingestion is not,
// and the writer never waits for a detector.
//
// Why anomalies go back through the pipeline rather than a connection of their own: under
// sustained ingestion the writer holds SQLite's write lock nearly all the time, and a second
// writer starves (it measured "database is locked" after its 5 s busy timeout). The detection
// thread does not wait for that commit: it goes on detecting and tells the observers about a
// batch once its commit is done, batches in order.
//
// Points of one series reach the detectors in commit order, which is time order for an
// in-order sender (what the detectors' per-series state expects).
//
// Thread-safety: OnPointsCommitted from the pipeline's writer thread; Start/Stop and
// AddAnomalyObserver from the owner's thread; queued_points() from any thread. Stop() before
// the pipeline stops: the last anomalies are written through it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "detection/anomaly_observer.h"
#include "pipeline/pipeline.h"
#include "plugin_host/plugin_host.h"
#include "self_metrics.h"
#include "store/series_lookup.h"
#include "store/store.h"

namespace nightjar::collector {

struct DetectionOptions {
  size_t queue_max_bytes = 8 << 20;  // points waiting for the detectors, 24 bytes each
  // Series identities kept in memory (about 1 KiB each with their parsed attributes); past
  // it the cache starts over and series are read from the store again, once each.
  size_t max_cached_series = 20000;
};

class DetectionRunner : public CommitObserver {
 public:
  // `pipeline` writes the anomalies; it must outlive Stop().
  DetectionRunner(std::shared_ptr<plugins::PluginHost> host, const StoreOptions& store,
                  Pipeline* pipeline, DetectionOptions options, SelfMetrics* metrics);
  ~DetectionRunner() override;

  // Adds an observer of stored anomalies. Only before Start().
  void AddAnomalyObserver(std::shared_ptr<AnomalyObserver> observer);

  // Opens the series lookup's connection and starts the detection thread.
  Status Start();

  // Runs detection on everything queued, waits for its anomalies to be stored and observed,
  // and joins the thread. Call once no more points are committed (Pipeline::WaitIdle) and
  // before the pipeline stops.
  void Stop();

  // Queues the points of one commit for detection (the pipeline's writer thread).
  void OnPointsCommitted(std::span<const CommittedPoint> points) override;

  // Returns the number of points waiting for the detectors.
  size_t queued_points() const;

 private:
  // One committed point, as queued: what identifies it and its value.
  struct QueuedPoint {
    int64_t series_id;
    int64_t time_unix_nano;
    double value;
  };
  // A series' identity as detectors are given it: parsed once, reused for every point.
  struct Series {
    SeriesIdentity identity;
    otlp::Attributes attributes;
    otlp::Attributes resource_attributes;
  };

  // Anomalies handed to the pipeline, until their commit.
  struct Pending {
    std::future<Status> stored;
    std::shared_ptr<std::vector<Anomaly>> anomalies;
  };

  void Run();
  void Detect(const std::vector<QueuedPoint>& points);
  // Tells the observers about the pending batches whose commit is done, in order; with `wait`,
  // waits for all of them.
  void Deliver(bool wait);
  const Series* FindSeries(int64_t series_id);

  std::shared_ptr<plugins::PluginHost> host_;
  StoreOptions store_options_;
  Pipeline* pipeline_;
  DetectionOptions options_;
  SelfMetrics* metrics_;
  std::vector<std::shared_ptr<AnomalyObserver>> observers_;
  std::unique_ptr<SeriesLookup> lookup_;  // the detection thread's
  std::thread thread_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::vector<QueuedPoint>> queue_;   // guarded by mutex_
  std::vector<std::vector<QueuedPoint>> spare_;  // emptied batches for reuse; guarded by mutex_
  size_t queued_ = 0;                            // points in queue_; guarded by mutex_
  bool dropping_ = false;                        // in a streak of drops; guarded by mutex_
  bool stopping_ = false;                        // guarded by mutex_

  // The detection thread's own state.
  std::unordered_map<int64_t, Series> series_;
  bool lookups_failing_ = false;
  std::vector<plugins::Detection> detections_;
  std::deque<Pending> pending_;
};

}  // namespace nightjar::collector
