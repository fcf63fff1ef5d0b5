// The file input: finds files by glob, follows them through rotation, truncation and deletion,
// turns their lines into log records and commits batches of records together with the files'
// checkpoints into the persistent queue.
//
// Identity. A file is its device and inode number, plus a fingerprint (its first bytes, up to
// fingerprint_size) that tells a reused inode or a rewritten file from the same file:
//   - rename+create rotation: the old inode keeps being read through the open descriptor until
//     it has been quiet for rotate_wait, then it is let go; the new file at the path is new.
//   - truncation and copytruncate: the size drops below the read offset, or the first bytes
//     change; reading restarts at 0. A new file whose first bytes hold the truncated file's
//     fingerprint is the rotated copy: it is continued at the old offset rather than shipped
//     again. A file that might still become such a copy (it matches a live file's beginning)
//     is held unread for up to rotate_wait.
//   - deleted while open: read to its end through the descriptor, then let go.
//   - restarts: saved checkpoints are matched by inode and fingerprint; a file rotated while
//     the agent was down is found by its inode in its directory and read to its end.
// Two files with the same first lines are different inodes, so they never get confused.
//
// Sources. An input with a FileSource (the Docker input) is given its files and their resources
// by the source instead of globs, and its lines may be in another format (Docker's json-file,
// whose partial entries are joined here, the checkpoint staying before an unfinished line); the
// identity, rotation and checkpoint rules are the same.
//
// Lossless by construction. A file's checkpoint only advances in the queue transaction that
// stores the batch holding its lines; partial lines and pending multiline records stay before
// the checkpoint and are read again after a restart. When the queue is full, reading stops
// (the inputs pause) at a line boundary; nothing is dropped.
//
// Performance. Files are read in large chunks into one shared buffer, lines found with memchr
// and encoded straight into the batch (see otlp/logs_proto_writer.h); per-file attributes are
// encoded once per file. No allocation happens per line on the plain path.
//
// Thread-safety: one tail thread calls everything except Wake(), which any thread may call.
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "agent_metrics.h"
#include "inputs/docker/json_log.h"
#include "inputs/file_tail/discovery.h"
#include "inputs/file_tail/file_source.h"
#include "inputs/file_tail/glob.h"
#include "inputs/file_tail/inotify_watcher.h"
#include "inputs/file_tail/line_assembler.h"
#include "multiline/multiline.h"
#include "parsers/parser.h"
#include "pipeline/batch_builder.h"
#include "pipeline/batch_sink.h"
#include "pipeline/gzip_compressor.h"
#include "runtime/clock.h"

namespace nightjar::agent {

// One configured file input, compiled.
struct TailInput {
  std::string name;
  std::vector<Glob> include;
  std::vector<Glob> exclude;
  bool start_at_end = false;  // for files found at the first start only
  // The input has no state from an earlier run (a reload added it): start_at applies to the
  // files it finds at its first scan, as at the agent's very first start.
  bool fresh = false;
  size_t max_line_size = 1 << 20;
  LongLines long_lines = LongLines::kSplit;
  std::unique_ptr<Parser> parser;  // nullptr: plain
  std::optional<MultilineRules> multiline;
  // Resource attributes of this input's records (host attributes and service.name included).
  std::vector<std::pair<std::string, std::string>> resource;
  LineFormat format = LineFormat::kPlain;
  // When set, names the files to follow (instead of `include`/`exclude`) and their resources.
  std::shared_ptr<FileSource> source;
};

struct TailerOptions {
  size_t read_buffer_size = 256 * 1024;
  size_t fingerprint_size = 1024;
  size_t max_open_files = 1024;
  Duration poll_interval = std::chrono::seconds(1);
  Duration rotate_wait = std::chrono::seconds(5);
  bool use_inotify = true;
};

class FileTailer {
 public:
  // `pool` (optional) recycles batch buffers (see PersistentQueue::pool()).
  FileTailer(std::vector<TailInput> inputs, TailerOptions options, BatchLimits batch,
             BatchSink* sink, AgentMetrics* metrics, const Clock* clock = &Clock::System(),
             std::shared_ptr<BufferPool> pool = nullptr);
  ~FileTailer();
  FileTailer(const FileTailer&) = delete;
  FileTailer& operator=(const FileTailer&) = delete;

  // Takes the saved checkpoints and makes the first scan. `first_run` means no state was ever
  // saved, the only case where `start_at: end` skips what files already hold.
  void Start(std::vector<Checkpoint> checkpoints, bool first_run);

  // Does the work that is due: file events, a scan when due, reading until every file is at
  // its end (or the queue is full), multiline timeouts, letting go of rotated files, batch
  // deadlines. Returns how long the caller may wait before the next call.
  Duration Poll();

  // Blocks until a file event, Wake(), or `timeout`.
  void Wait(Duration timeout);

  // Wakes Wait() from any thread: the queue has room again, or the agent is stopping.
  void Wake();

  // At shutdown: reads rotated and deleted files to their end (a deleted file cannot be found
  // after a restart), flushes deleted files' last partial lines, and commits everything built,
  // even past the queue's bound (one batch at most). Gives up at `deadline_nanos` (monotonic).
  Status Drain(int64_t deadline_nanos);

  // Returns true while inputs wait for room in the queue.
  bool paused() const { return pending_.has_value(); }
  size_t file_count() const { return files_.size(); }
  size_t open_count() const { return open_count_; }

 private:
  struct File;
  struct InputState;

  void Scan(bool initial);
  void TrackNew(InputState& input, const std::string& path, bool initial);
  void Decide(File& f, bool initial);
  void ResolveHeld(File& f);
  void ResolveOrphans();
  // Returns true when an input with a source became ready since its checkpoints were matched.
  bool SourcesToResolve() const;
  void MarkGone(File& f, bool deleted);
  void Truncated(File& f);
  void Adopt(File& f, std::unique_ptr<File> ghost);
  bool AgreesWithLiveFile(const File& f) const;
  bool BlockedByGhost(const File& f) const;
  void ReadEvents();
  void OnMoved(const std::string& from, const std::string& to);
  void TrackMoved();
  bool Eligible(const File& f) const;
  std::unique_ptr<File>* FindGhost(const File& f);
  bool EvictIdle();
  bool Reopen(File& f);
  void CloseFile(File& f);

  bool ReadSome(size_t max_chunks);
  bool ReadChunk(File& f);
  // Returns false when the file no longer begins with its fingerprint (it was truncated and
  // rewritten); extends a fingerprint shorter than fingerprint_size.
  bool PrefixUnchanged(File& f);
  // Records the file's size and mtime from `st`; returns true when it was truncated (smaller
  // than what was read, or modified without growing and no longer beginning with its
  // fingerprint).
  bool Rewritten(File& f, const struct stat& st);
  bool OnLine(File& f, std::string_view line, uint64_t start, uint64_t end);
  // Decodes a json-file entry and puts partial entries back together.
  bool OnDockerLine(File& f, std::string_view line, uint64_t start, uint64_t end);
  // Takes one line of text (UTF-8 repaired here) through multiline into a record.
  bool OnText(File& f, std::string_view line, uint64_t start, uint64_t end);
  // Discovers the files a source names; fills the input's path -> resource map.
  Discovery DiscoverSourced(InputState& input);
  void SetResource(File& f, std::shared_ptr<const Attributes> resource);
  // Flushes a pending multiline record, with the time and stream of its first line.
  bool FlushMultiline(File& f);
  bool EmitRecord(File& f, std::string_view text, uint64_t end);
  bool FlushFile(File& f);
  void FlushTimeouts();
  void ReleaseFinished();
  void ExpireGhosts();

  void MarkDirty(File& f);
  // Moves the builder's batch and the dirty checkpoints into a commit. Returns false when the
  // queue has no room (the inputs pause until it has).
  bool CommitBatch(bool force = false);
  bool TryCommitPending(bool force = false);
  int64_t NextDeadline(int64_t now) const;
  void UpdateGauges();

  std::vector<std::unique_ptr<InputState>> inputs_;
  TailerOptions options_;
  BatchBuilder builder_;
  std::shared_ptr<BufferPool> pool_;
  std::unique_ptr<GzipCompressor> compressor_;  // when batches are stored compressed
  BatchSink* sink_;
  AgentMetrics* metrics_;
  const Clock* clock_;

  std::map<FileKey, std::unique_ptr<File>> files_;
  std::unordered_map<std::string, FileKey> by_path_;
  std::vector<std::unique_ptr<File>> ghosts_;  // truncated content waiting for a rotated copy
  std::map<FileKey, Checkpoint> saved_;        // checkpoints not matched to a file yet
  // Files renamed out of a matched path before the tailer opened them (created and rotated
  // between two looks): followed to their new name. Each entry: (new path, old path, input).
  std::vector<std::tuple<std::string, std::string, InputState*>> moved_;
  uint64_t order_ = 0;  // creation order of tracked files; rotated files are read oldest first
  std::vector<FileKey> dirty_;
  std::vector<FileKey> forget_;
  std::optional<CommitRequest> pending_;
  int64_t commit_retry_at_ = 0;
  size_t open_count_ = 0;
  bool first_run_ = false;
  bool rescan_ = false;
  int64_t next_scan_ = 0;
  uint64_t generation_ = 0;
  bool cap_warned_ = false;

  std::atomic<bool> source_changed_{false};
  // Keeps the resource the builder saw last alive, so that its address (the builder's resource
  // id) is not reused for another resource while the batch is open.
  std::shared_ptr<const Attributes> last_resource_;

  std::unique_ptr<InotifyWatcher> inotify_;
  int wake_fd_ = -1;

  // Per-chunk scratch, reused so that the line path allocates nothing.
  std::string buffer_;
  std::string utf8_scratch_;
  ParsedRecord parsed_;
  MultilineRecord multiline_record_;
  docker::JsonLogEntry docker_entry_;
  int64_t record_time_ = 0;  // the container's time of the record being emitted (0: none)
  docker::LogStream record_stream_ = docker::LogStream::kStdout;
  int64_t observed_unix_ = 0;
  int64_t now_mono_ = 0;
  uint64_t chunk_lines_ = 0;
};

// Returns true when both fingerprints are non-empty and equal over their common length: one
// file could be the beginning of the other.
bool PrefixesAgree(std::string_view a, std::string_view b);

}  // namespace nightjar::agent
