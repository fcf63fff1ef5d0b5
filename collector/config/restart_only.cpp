// Restart-only settings; see restart_only.h.
#include "config/restart_only.h"

namespace nightjar::collector {
namespace {

std::string Text(const std::string& value) { return value.empty() ? "(default)" : value; }
std::string Text(const ListenAddress& value) { return value.ToString(); }
std::string Text(uint64_t value) { return std::to_string(value); }
std::string Text(int value) { return std::to_string(value); }
std::string Text(Duration value) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(value).count()) +
         "ms";
}

bool Same(const ListenAddress& a, const ListenAddress& b) {
  return a.host == b.host && a.port == b.port;
}
template <typename T>
bool Same(const T& a, const T& b) {
  return a == b;
}

// Keeps `running` in `*next` when they differ, recording the change under `key`; `shown` is
// what the log says is kept when the value alone would not tell (an empty path's default).
template <typename T>
void Keep(const char* key, const T& running, T* next, std::vector<RestartOnlyChange>* out,
          const std::string& shown = "") {
  if (Same(running, *next)) return;
  out->push_back({key, shown.empty() ? Text(running) : shown, Text(*next)});
  *next = running;
}

}  // namespace

bool SharesListener(const CollectorConfig& config) {
  const ListenAddress& a = config.receiver.listen;
  const ListenAddress& b = config.api.listen;
  return a.host == b.host && a.port == b.port && a.port != 0;
}

std::vector<RestartOnlyChange> KeepRestartOnly(const CollectorConfig& running,
                                               CollectorConfig* next) {
  std::vector<RestartOnlyChange> out;
  // The databases stay open where they are.
  Keep("data_dir", running.data_dir, &next->data_dir, &out);
  Keep("store.path", running.store.path, &next->store.path, &out, running.DatabasePath());
  Keep("alerting.database", running.alerting.database, &next->alerting.database, &out,
       running.alerting.DatabasePath(running.data_dir));
  Keep("store.synchronous", running.store.synchronous, &next->store.synchronous, &out);
  Keep("store.cache_size", running.store.cache_size, &next->store.cache_size, &out);
  Keep("store.readers", running.store.readers, &next->store.readers, &out);
  // The receiver's and the API's HTTP servers keep their thread pools (a listener that is
  // rebound keeps them too), and the receiver its request limits.
  Keep("receiver.threads", running.receiver.threads, &next->receiver.threads, &out);
  Keep("receiver.max_body_size", running.receiver.max_body_size, &next->receiver.max_body_size,
       &out);
  Keep("receiver.commit_timeout", running.receiver.commit_timeout, &next->receiver.commit_timeout,
       &out);
  Keep("receiver.retry_after", running.receiver.retry_after, &next->receiver.retry_after, &out);
  Keep("receiver.max_future_skew", running.receiver.max_future_skew,
       &next->receiver.max_future_skew, &out);
  Keep("api.threads", running.api.threads, &next->api.threads, &out);
  // The pipeline's memory bounds are fixed when its queue is made.
  Keep("pipeline.queue_max_bytes", running.pipeline.queue_max_bytes,
       &next->pipeline.queue_max_bytes, &out);
  Keep("pipeline.max_batch_bytes", running.pipeline.max_batch_bytes,
       &next->pipeline.max_batch_bytes, &out);
  Keep("pipeline.detection_queue_max_bytes", running.pipeline.detection_queue_max_bytes,
       &next->pipeline.detection_queue_max_bytes, &out);
  // Moving the API onto or off the OTLP listener changes which server carries its routes.
  if (SharesListener(running) != SharesListener(*next)) {
    Keep("receiver.listen", running.receiver.listen, &next->receiver.listen, &out);
    Keep("api.listen", running.api.listen, &next->api.listen, &out);
  }
  return out;
}

}  // namespace nightjar::collector
