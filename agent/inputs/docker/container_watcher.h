// The Docker input's view of the host's containers: lists them through the Engine API at start,
// then follows the events stream (start, die, destroy, rename), so that even a container that
// lives for a moment is seen. When the daemon goes away (restart, upgrade) the watcher
// reconnects with backoff and lists again. Each selected container with the json-file log driver
// becomes a file to tail, `<data_root>/containers/<id>/<id>-json.log`; containers with another
// log driver are logged and counted, since their logs cannot be read from disk.
//
// A destroyed container leaves the list; the tailer then reads what is left of its (deleted)
// log through the descriptor it holds, and lets it go.
//
// Thread-safety: Start/Stop from one thread; Files()/ready() from any thread; the watcher runs
// its own thread in between.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "base/status.h"
#include "inputs/docker/container.h"
#include "inputs/docker/docker_api.h"
#include "inputs/file_tail/file_source.h"
#include "runtime/metrics.h"

namespace nightjar::agent::docker {

struct DockerOptions {
  std::string socket = "/var/run/docker.sock";
  std::string data_root = "/var/lib/docker";
  ContainerSelection selection;
  // Container label -> resource attribute.
  StringPairs label_attributes = {{"com.docker.compose.service", "service.name"}};
  Duration request_timeout = std::chrono::seconds(10);
  Duration min_backoff = std::chrono::milliseconds(100);
  Duration max_backoff = std::chrono::seconds(5);
};

class ContainerWatcher : public FileSource {
 public:
  // `base` is the resource every record of the input carries (host, agent-wide, service.name).
  ContainerWatcher(DockerOptions options, StringPairs base);
  ~ContainerWatcher() override;

  // Lists the containers (waiting up to the request timeout for the daemon), then follows the
  // events on a thread of its own.
  void Start(AgentMetrics* metrics, const std::string& input,
             std::function<void()> changed) override;
  void Stop() override;
  bool ready() const override { return ready_.load(); }
  std::vector<SourcedFile> Files() const override;

  // Returns the json-file log path of container `id`.
  std::string LogPath(const std::string& id) const;

 private:
  struct Known {
    ContainerInfo info;
    bool readable = false;  // selected and json-file
    std::shared_ptr<const Attributes> resource;
  };

  void Run();
  // Replaces the known containers with a fresh listing.
  Status List(DockerApi& api);
  // Inspects container `id` and adds or updates it.
  Status Inspect(DockerApi& api, const std::string& id);
  void HandleEvent(DockerApi& api, const std::string& line);
  void Add(ContainerInfo info);
  void Notify();
  bool Sleep(Duration d);

  DockerOptions options_;
  StringPairs base_;
  std::string input_;
  std::function<void()> changed_;
  metrics::Counter* unsupported_ = nullptr;
  metrics::Counter* reconnects_ = nullptr;
  metrics::Gauge* containers_ = nullptr;

  mutable std::mutex mu_;
  std::map<std::string, Known> known_;  // by id
  std::set<std::string> warned_;        // containers reported for their log driver
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::atomic<bool> ready_{false};
  std::thread thread_;
};

}  // namespace nightjar::agent::docker
