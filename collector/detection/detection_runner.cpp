// Detection off the ingest path; see detection_runner.h.
#include "detection/detection_runner.h"

#include <cmath>

#include "base/logging.h"
#include "store/value_json.h"

namespace nightjar::collector {
namespace {

constexpr const char* kComponent = "detection";
constexpr size_t kSpareBatches = 4;

// The store wrote these JSON objects itself; should one not parse, the detectors get no
// attributes rather than no point.
otlp::Attributes AttributesOrNone(const std::string& json) {
  auto parsed = ParseAttributesJson(json);
  return parsed.ok() ? std::move(parsed).value() : otlp::Attributes{};
}

}  // namespace

DetectionRunner::DetectionRunner(std::shared_ptr<plugins::PluginHost> host,
                                 const StoreOptions& store, Pipeline* pipeline,
                                 DetectionOptions options, SelfMetrics* metrics)
    : host_(std::move(host)),
      store_options_(store),
      pipeline_(pipeline),
      options_(options),
      metrics_(metrics) {}

DetectionRunner::~DetectionRunner() { Stop(); }

void DetectionRunner::AddAnomalyObserver(std::shared_ptr<AnomalyObserver> observer) {
  observers_.push_back(std::move(observer));
}

Status DetectionRunner::Start() {
  NJ_ASSIGN_OR_RETURN(lookup_, SeriesLookup::Open(store_options_));
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void DetectionRunner::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  lookup_.reset();
}

size_t DetectionRunner::queued_points() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queued_;
}

void DetectionRunner::OnPointsCommitted(std::span<const CommittedPoint> points) {
  std::vector<QueuedPoint> batch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;  // nothing would detect them any more
    if (!spare_.empty()) {
      batch = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  batch.clear();
  batch.reserve(points.size());
  for (const CommittedPoint& p : points) {
    // A point without a value (or a NaN) gives a detector nothing to judge.
    if (!p.value || !std::isfinite(*p.value)) continue;
    batch.push_back(QueuedPoint{p.series_id, static_cast<int64_t>(p.time_unix_nano), *p.value});
  }
  if (batch.empty()) return;
  size_t capacity = options_.queue_max_bytes / sizeof(QueuedPoint);
  size_t dropped = 0;
  bool first_drop = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t room = capacity > queued_ ? capacity - queued_ : 0;
    if (batch.size() > room) {
      dropped = batch.size() - room;
      batch.resize(room);
      first_drop = !dropping_;
      dropping_ = true;
    } else {
      dropping_ = false;
    }
    if (!batch.empty()) {
      queued_ += batch.size();
      queue_.push_back(std::move(batch));
    }
  }
  wake_.notify_one();
  if (dropped > 0) {
    metrics_->detection_dropped.Get().Inc(static_cast<double>(dropped));
    if (first_drop) {
      log::Warning(kComponent,
                   "the detectors cannot keep up; points skip detection until their queue "
                   "drains (counted in nightjar_collector_detection_dropped_points_total)",
                   {{"queued_points", static_cast<int64_t>(capacity)}});
    }
  }
}

void DetectionRunner::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    // While anomalies wait for their commit, wake up now and then to deliver them even when no
    // point arrives.
    auto ready = [&] { return !queue_.empty() || stopping_; };
    if (pending_.empty()) {
      wake_.wait(lock, ready);
    } else {
      wake_.wait_for(lock, std::chrono::milliseconds(20), ready);
    }
    if (queue_.empty()) {
      bool stopping = stopping_;
      lock.unlock();
      Deliver(/*wait=*/stopping);
      lock.lock();
      if (stopping) break;  // everything queued is done and delivered
      continue;
    }
    std::vector<QueuedPoint> batch = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Detect(batch);
    lock.lock();
    queued_ -= batch.size();
    if (spare_.size() < kSpareBatches) spare_.push_back(std::move(batch));
    lock.unlock();
    Deliver(/*wait=*/false);
    lock.lock();
  }
}

void DetectionRunner::Deliver(bool wait) {
  while (!pending_.empty()) {
    Pending& front = pending_.front();
    if (!wait && front.stored.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      return;
    }
    Status st = front.stored.get();
    if (!st.ok()) {
      log::Error(
          kComponent, "cannot store anomalies; they are lost",
          {{"anomalies", static_cast<int64_t>(front.anomalies->size())}, {"error", st.ToString()}});
    } else {
      for (const Anomaly& a : *front.anomalies) {
        metrics_->anomalies.With({a.detector}).Inc();
        for (const auto& observer : observers_) observer->OnAnomaly(a);
      }
    }
    pending_.pop_front();
  }
}

const DetectionRunner::Series* DetectionRunner::FindSeries(int64_t series_id) {
  auto it = series_.find(series_id);
  if (it != series_.end()) return &it->second;
  auto identity = lookup_->Find(series_id);
  if (!identity.ok()) {
    // Logged once per streak: a store that cannot be read would otherwise log every point.
    if (!lookups_failing_) {
      log::Error(kComponent, "cannot read a series; its points skip detection",
                 {{"series_id", series_id}, {"error", identity.status().ToString()}});
    }
    lookups_failing_ = true;
    return nullptr;
  }
  lookups_failing_ = false;
  // Bounded memory: past the limit start over; the series in use are read again, once each.
  if (series_.size() >= options_.max_cached_series) series_.clear();
  Series s;
  s.identity = std::move(identity).value();
  s.attributes = AttributesOrNone(s.identity.attributes);
  s.resource_attributes = AttributesOrNone(s.identity.resource_attributes);
  return &series_.emplace(series_id, std::move(s)).first->second;
}

void DetectionRunner::Detect(const std::vector<QueuedPoint>& points) {
  std::shared_ptr<std::vector<Anomaly>> anomalies;
  for (const QueuedPoint& p : points) {
    const Series* s = FindSeries(p.series_id);
    if (s == nullptr) continue;
    plugins::SeriesPoint point;
    point.metric_name = s->identity.metric;
    point.unit = s->identity.unit;
    point.attributes = &s->attributes;
    point.resource_attributes = &s->resource_attributes;
    point.series_id = static_cast<uint64_t>(p.series_id);
    point.time_unix_nano = p.time_unix_nano;
    point.value = p.value;
    host_->Detect(point, &detections_);
    for (const plugins::Detection& d : detections_) {
      if (!d.anomalous) continue;
      if (!anomalies) anomalies = std::make_shared<std::vector<Anomaly>>();
      Anomaly& a = anomalies->emplace_back();
      a.series_id = p.series_id;
      a.metric = s->identity.metric;
      a.attributes = s->identity.attributes;
      a.time_unix_nano = static_cast<uint64_t>(p.time_unix_nano);
      a.value = p.value;
      a.score = d.score;
      a.reason = d.reason;
      a.detector = std::string(d.instance);
      a.plugin = std::string(d.plugin);
      a.resource_attributes = s->identity.resource_attributes;
      a.service = s->identity.service;
    }
  }
  metrics_->detected_points.Get().Inc(static_cast<double>(points.size()));
  if (!anomalies) return;
  auto submitted = pipeline_->SubmitAnomalies(anomalies);
  if (!submitted.ok()) {
    log::Error(kComponent, "cannot store anomalies; they are lost",
               {{"anomalies", static_cast<int64_t>(anomalies->size())},
                {"error", submitted.status().ToString()}});
    return;
  }
  pending_.push_back(Pending{std::move(submitted).value(), std::move(anomalies)});
}

}  // namespace nightjar::collector
