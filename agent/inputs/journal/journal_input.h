// The journal input: follows the systemd journal (or the journal files of one directory) and
// ships each entry as an OTLP log record, through the same batches and persistent queue as the
// file inputs.
//
// Lossless across restarts: each batch is committed to the queue together with the cursor of its
// last entry, so after a crash or restart reading resumes right after the last queued entry;
// nothing is skipped and nothing queued twice. When the queue is full the input stops reading
// (the journal keeps the entries) and resumes when there is room. At the very first start
// (no cursor saved) `start_at` decides: the journal's end (default) or its beginning.
//
// A host without a journal (no journald, or an empty directory) is not an error: the input
// says so once and looks again every retry interval, so that the default configuration works
// on every host.
//
// Records: body = MESSAGE, time = the entry's realtime timestamp, severity from PRIORITY
// (syslog names as severity_text), attributes systemd.unit, syslog.identifier, process.pid,
// process.command and journald.transport when present; the resource is the input's (host
// attributes, service.name, the input's own resource attributes).
//
// Thread-safety: Start/Stop from the owner; reading runs on the input's own thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "agent_metrics.h"
#include "inputs/journal/journal_reader.h"
#include "pipeline/batch_builder.h"
#include "pipeline/batch_sink.h"
#include "pipeline/gzip_compressor.h"
#include "runtime/clock.h"
#include "runtime/units.h"

namespace nightjar::agent::journal {

struct JournalOptions {
  std::string directory;  // empty = the local system journal
  JournalSelection selection;
  Duration retry_interval = std::chrono::seconds(10);  // how often a missing journal is re-checked
};

// Everything one journal input needs, compiled from its configuration.
struct JournalInputSpec {
  std::string name;
  JournalOptions options;
  bool start_at_end = true;
  size_t max_message_size = 1 << 20;
  std::vector<std::pair<std::string, std::string>> resource;
};

class JournalInput {
 public:
  // `cursor` is the position saved by an earlier run (nullopt: start_at applies).
  JournalInput(JournalInputSpec spec, std::optional<std::string> cursor, BatchSink* sink,
               BatchLimits limits, std::shared_ptr<BufferPool> pool, AgentMetrics* metrics,
               const Clock* clock = &Clock::System());
  ~JournalInput();
  JournalInput(const JournalInput&) = delete;
  JournalInput& operator=(const JournalInput&) = delete;

  // Starts the reading thread.
  void Start();
  // Stops reading and commits what was read; what could not be committed stays in the journal
  // (the saved cursor is before it).
  void Stop();
  // Wakes the thread (the queue made room).
  void Wake();

  const std::string& name() const { return spec_.name; }
  // Returns the monotonic time of the thread's last sign of life, for the watchdog.
  int64_t heartbeat_nanos() const { return heartbeat_.load(); }

 private:
  void Run();
  // Opens the journal and positions it; false when there is no journal (yet).
  bool OpenJournal();
  // Reads entries into the batch until it is full or the journal has no more; returns true when
  // it read any.
  bool ReadSome();
  void AddRecord(const JournalEntry& entry);
  // Finishes the batch (when it has records or `force`) and commits it with its cursor; false
  // when the queue has no room or refused it (the batch is kept for the next try).
  bool Commit();
  bool SleepFor(Duration d);

  JournalInputSpec spec_;
  std::optional<std::string> cursor_;  // the last committed (or pending) position
  BatchSink* sink_;
  BatchBuilder builder_;
  std::shared_ptr<BufferPool> pool_;
  std::unique_ptr<GzipCompressor> compressor_;
  AgentMetrics* metrics_;
  InputMetrics input_metrics_;
  const Clock* clock_;
  std::unique_ptr<JournalReader> reader_;
  std::vector<otlp::KeyValueView> resource_views_;
  std::string read_cursor_;               // the cursor of the last entry in the batch
  std::optional<CommitRequest> pending_;  // a finished batch waiting for room in the queue
  std::string scratch_;                   // a MESSAGE with invalid UTF-8 replaced
  bool missing_logged_ = false;
  bool paused_ = false;  // waiting for room in the queue

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
  std::atomic<int64_t> heartbeat_{0};
};

}  // namespace nightjar::agent::journal
