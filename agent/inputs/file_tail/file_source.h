// Where a file input's files come from when they are not found by globs: a source names the
// files to follow right now and the resource attributes of each file's records (e.g. the Docker
// input names its containers' json-file logs). The tailer follows them with the same identity,
// rotation and checkpoint rules as globbed files: a file the source stops naming is read to its
// end before it is let go.
//
// Thread-safety: Start/Stop from the tail thread's owner; Files() and ready() from the tail
// thread while the source's own thread updates what they return.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nightjar::agent {

class AgentMetrics;

using Attributes = std::vector<std::pair<std::string, std::string>>;

struct SourcedFile {
  std::string path;
  // The resource of the file's records; a new pointer when the attributes change.
  std::shared_ptr<const Attributes> resource;
};

// How the lines of an input's files are written.
enum class LineFormat : uint8_t {
  kPlain,       // each line is a record's text
  kDockerJson,  // Docker's json-file: {"log": ..., "stream": ..., "time": ...} per line
};

class FileSource {
 public:
  virtual ~FileSource() = default;
  // Starts following; `changed` is called from any thread when Files() changed. `input` names
  // the input in metrics and log lines.
  virtual void Start(AgentMetrics* metrics, const std::string& input,
                     std::function<void()> changed) = 0;
  // Stops following (idempotent).
  virtual void Stop() = 0;
  // Returns true once the source knows its files (until then, the input's saved checkpoints are
  // kept for when it does).
  virtual bool ready() const = 0;
  // Returns the files to follow now.
  virtual std::vector<SourcedFile> Files() const = 0;
};

}  // namespace nightjar::agent
