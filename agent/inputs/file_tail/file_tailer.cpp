// The file input; see file_tailer.h for the identity rules and the checkpoint protocol.
#include "inputs/file_tail/file_tailer.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "base/logging.h"
#include "base/utf8.h"
#include "inputs/file_tail/discovery.h"

namespace nightjar::agent {
namespace {

constexpr char kComponent[] = "file_tail";
constexpr int64_t kCommitRetryNanos = 1'000'000'000;
// start_at: end looks this far back for the last complete line.
constexpr size_t kStartAtEndWindow = 64 * 1024;
// Bound on the chunks one Poll() reads, so that events and deadlines are served regularly.
constexpr size_t kMaxChunksPerPoll = 64;

int OpenForReading(const std::string& path) {
  // O_NOATIME spares a metadata write per read where the agent owns the file; elsewhere the
  // kernel refuses it and a plain open is fine.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  return fd;
}

std::string ReadPrefix(int fd, size_t size) {
  std::string out(size, '\0');
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::pread(fd, out.data() + got, size - got, static_cast<off_t>(got));
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Returns the OpenTelemetry file attributes of a record read from `path`, in wire form: they are
// the same for every record of the file, so they are encoded once.
std::string EncodeFileAttributes(const std::string& path) {
  std::string name = BaseName(path);
  const otlp::KeyValueView attributes[] = {
      {"log.file.path", otlp::AnyValueView::String(path)},
      {"log.file.name", otlp::AnyValueView::String(name)},
  };
  return otlp::EncodeRecordAttributes(attributes);
}

// Returns the attributes of a container's record from `stream`, in wire form.
std::string EncodeStreamAttributes(const std::string& path, docker::LogStream stream) {
  const otlp::KeyValueView attributes[] = {
      {"log.iostream", otlp::AnyValueView::String(docker::StreamName(stream))},
      {"log.file.path", otlp::AnyValueView::String(path)},
  };
  return otlp::EncodeRecordAttributes(attributes);
}

// Looks in `dir` for the entry with inode `key` (a file renamed in place by rotation).
std::optional<std::string> FindByInode(const std::string& dir, const FileKey& key) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return std::nullopt;
  std::optional<std::string> found;
  while (dirent* e = ::readdir(d)) {
    if (static_cast<uint64_t>(e->d_ino) != key.inode) continue;
    std::string path = dir == "/" ? "/" + std::string(e->d_name) : dir + "/" + e->d_name;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        static_cast<uint64_t>(st.st_dev) == key.device) {
      found = path;
      break;
    }
  }
  ::closedir(d);
  return found;
}

}  // namespace

bool PrefixesAgree(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  return n > 0 && a.compare(0, n, b.substr(0, n)) == 0;
}

struct FileTailer::InputState {
  TailInput config;
  InputMetrics metrics;
  std::unique_ptr<Parser> plain;
  Parser* parser = nullptr;
  std::vector<otlp::KeyValueView> resource_views;
  uint64_t records_unflushed = 0;
  // With a source: the resource of each file it names, by path, as of the last scan.
  std::unordered_map<std::string, std::shared_ptr<const Attributes>> sourced;
  bool orphans_resolved = false;  // its saved checkpoints were matched (or let go)
};

struct FileTailer::File {
  explicit File(InputState* in)
      : input(in), lines(in->config.max_line_size, in->config.long_lines) {}

  InputState* input;
  FileKey key;
  std::string path;
  std::string encoded_attributes;  // log.file.path and log.file.name, in wire form
  int fd = -1;
  std::string fingerprint;
  uint64_t read_offset = 0;        // next byte to read
  uint64_t checkpoint_offset = 0;  // every byte before is in the batch or the queue
  uint64_t size = 0;               // at the last look
  int64_t mtime_nanos = 0;         // at the last look
  LineAssembler lines;
  MultilineAggregator multiline;
  bool readable = false;  // may have unread bytes
  bool verified = false;  // checked for truncation since it last went quiet
  bool dirty = false;     // checkpoint changed since the last commit
  bool gone = false;      // no matched path leads here any more
  bool deleted = false;
  bool held = false;   // might be a rotated copy: not read until that is settled
  bool ghost = false;  // truncated content waiting for its rotated copy; no descriptor
  // Read before other files until its end: a rotated file or an adopted copy holds lines
  // written before those of the file that replaced it.
  bool priority = false;
  bool await_scan = false;    // truncated: not read until a scan has looked for a rotated copy
  uint64_t order = 0;         // when it was first tracked; priority files are read oldest first
  FileKey owner;              // for a ghost: the truncated file whose old content it holds
  int64_t held_since = 0;     // 0 while a held file is still empty
  int64_t last_activity = 0;  // monotonic: opened, grew, or was found gone
  uint64_t generation = 0;    // last scan that found it at a matched path
  // With a source: the file's own resource, and its records' attributes per stream.
  std::shared_ptr<const Attributes> resource;
  std::vector<otlp::KeyValueView> resource_views;
  std::string encoded_stream[2];
  docker::PartialMerger partials;
  int64_t multiline_time = 0;  // time and stream of the pending multiline record's first line
  docker::LogStream multiline_stream = docker::LogStream::kStdout;
};

FileTailer::FileTailer(std::vector<TailInput> inputs, TailerOptions options, BatchLimits batch,
                       BatchSink* sink, AgentMetrics* metrics, const Clock* clock,
                       std::shared_ptr<BufferPool> pool)
    : options_(options),
      builder_(batch, pool),
      pool_(std::move(pool)),
      sink_(sink),
      metrics_(metrics),
      clock_(clock) {
  for (TailInput& config : inputs) {
    auto state = std::make_unique<InputState>();
    state->config = std::move(config);
    state->metrics = metrics_->ForInput(state->config.name);
    if (state->config.parser == nullptr) state->plain = MakePlainParser();
    state->parser =
        state->config.parser != nullptr ? state->config.parser.get() : state->plain.get();
    for (const auto& [key, value] : state->config.resource) {
      state->resource_views.push_back(otlp::KeyValueView{key, otlp::AnyValueView::String(value)});
    }
    if (state->config.multiline) state->config.multiline->max_bytes = state->config.max_line_size;
    inputs_.push_back(std::move(state));
  }
  buffer_.resize(options_.read_buffer_size);
  if (batch.gzip_level > 0) compressor_ = std::make_unique<GzipCompressor>(batch.gzip_level);
  if (options_.use_inotify) inotify_ = InotifyWatcher::Create();
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

FileTailer::~FileTailer() {
  for (auto& input : inputs_) {
    if (input->config.source) input->config.source->Stop();
  }
  for (auto& [key, f] : files_) {
    if (f->fd >= 0) ::close(f->fd);
  }
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void FileTailer::Start(std::vector<Checkpoint> checkpoints, bool first_run) {
  first_run_ = first_run;
  for (Checkpoint& cp : checkpoints) {
    FileKey key = cp.key;
    saved_[key] = std::move(cp);
  }
  for (auto& input : inputs_) {
    if (!input->config.source) continue;
    input->config.source->Start(metrics_, input->config.name, [this] {
      source_changed_.store(true);
      Wake();
    });
  }
  now_mono_ = clock_->MonotonicNanos();
  Scan(/*initial=*/true);
  ResolveOrphans();
  next_scan_ = now_mono_ + options_.poll_interval.count();
  if (builder_.empty() && (!dirty_.empty() || !forget_.empty())) CommitBatch();
}

// ----- discovery and identity ----------------------------------------------------------------

void FileTailer::Scan(bool initial) {
  ++generation_;
  by_path_.clear();
  for (auto& [key, f] : files_) f->await_scan = false;
  std::set<FileKey> claimed;
  std::vector<std::pair<InputState*, std::string>> fresh;
  for (auto& input : inputs_) {
    Discovery found = input->config.source ? DiscoverSourced(*input)
                                           : Discover(input->config.include, input->config.exclude);
    if (inotify_) inotify_->Watch(found.directories);
    for (const DiscoveredFile& df : found.files) {
      FileKey key{df.device, df.inode};
      // A file matched by two inputs (or reached through two paths) is read once, by the first.
      if (!claimed.insert(key).second) continue;
      auto it = files_.find(key);
      if (it == files_.end()) {
        fresh.emplace_back(input.get(), df.path);
        continue;
      }
      File& f = *it->second;
      if (f.input != input.get()) continue;
      f.generation = generation_;
      if (input->config.source) {
        auto r = input->sourced.find(df.path);
        if (r != input->sourced.end() && r->second != f.resource) SetResource(f, r->second);
      }
      by_path_[df.path] = key;
      if (f.gone) {
        // Renamed into a name the input also matches (app.log -> app.log.1 with "app.log*"):
        // it stays a watched file.
        f.gone = false;
        f.deleted = false;
      }
      if (f.fd < 0 && df.size != f.read_offset) {
        f.size = df.size;
        Reopen(f);
      }
    }
  }

  // Renames made before the directories were listed are queued by now: follow them before
  // any file found by this scan is read, so that rotated files are read first.
  ReadEvents();
  TrackMoved();
  std::vector<FileKey> vanished;
  for (auto& [key, fp] : files_) {
    File& f = *fp;
    bool deleted = false;
    if (f.fd >= 0) {
      struct stat st {};
      if (::fstat(f.fd, &st) == 0) {
        deleted = st.st_nlink == 0;
        if (!f.held && Rewritten(f, st)) Truncated(f);
        if (f.size != f.read_offset) {
          f.readable = true;
          f.verified = false;
        }
      }
    }
    if (f.generation == generation_ || f.gone) continue;
    if (f.held) {
      vanished.push_back(key);  // never read, nothing to finish
      continue;
    }
    MarkGone(f, deleted);
    if (f.fd < 0) vanished.push_back(key);
  }
  for (const FileKey& key : vanished) {
    auto it = files_.find(key);
    CloseFile(*it->second);
    forget_.push_back(key);
    files_.erase(it);
  }

  // Files with a saved checkpoint first: resolving them may create the ghost that a rotated
  // copy found in the same scan continues.
  std::stable_partition(fresh.begin(), fresh.end(), [&](const auto& entry) {
    struct stat st {};
    return ::stat(entry.second.c_str(), &st) == 0 &&
           saved_.count(
               FileKey{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)}) != 0;
  });
  for (auto& [input, path] : fresh) TrackNew(*input, path, initial);
  for (auto& [key, f] : files_) {
    if (f->held && f->generation == generation_) ResolveHeld(*f);
  }
  UpdateGauges();
}

void FileTailer::TrackNew(InputState& input, const std::string& path, bool initial) {
  if (open_count_ >= options_.max_open_files && !EvictIdle()) {
    if (!cap_warned_) {
      cap_warned_ = true;
      log::Warning(kComponent,
                   "max_open_files reached and every open file is busy; new files wait for a slot",
                   {{"max_open_files", static_cast<uint64_t>(options_.max_open_files)}});
    }
    return;  // found again by the next scan
  }
  int fd = OpenForReading(path);
  if (fd < 0) {
    if (errno != ENOENT) {
      log::Warning(kComponent, "cannot open file",
                   {{"path", path}, {"error", std::strerror(errno)}});
    }
    return;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return;
  }
  FileKey key{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
  if (files_.count(key) != 0) {  // replaced between the walk and the open by a tracked file
    ::close(fd);
    return;
  }
  auto owned = std::make_unique<File>(&input);
  File& f = *owned;
  f.order = ++order_;
  f.key = key;
  f.path = path;
  f.fd = fd;
  ++open_count_;
  f.size = static_cast<uint64_t>(st.st_size);
  f.fingerprint = ReadPrefix(fd, options_.fingerprint_size);
  f.last_activity = now_mono_;
  f.generation = generation_;
  f.encoded_attributes = EncodeFileAttributes(f.path);
  if (input.config.source) {
    auto r = input.sourced.find(path);
    if (r != input.sourced.end()) SetResource(f, r->second);
  }
  by_path_[path] = key;
  files_[key] = std::move(owned);

  auto saved = saved_.find(key);
  if (saved != saved_.end()) {
    Checkpoint cp = std::move(saved->second);
    saved_.erase(saved);
    if (cp.offset == 0 || (PrefixesAgree(cp.fingerprint, f.fingerprint) && f.size >= cp.offset)) {
      f.read_offset = f.checkpoint_offset = cp.offset;
      f.lines.Reset(cp.offset, (cp.flags & kCheckpointDiscarding) != 0);
      f.readable = true;
      return;
    }
    // Truncated or replaced while the agent was stopped. The saved position becomes a ghost, so
    // that a rotated copy of the old content is continued where reading stopped.
    auto ghost = std::make_unique<File>(&input);
    ghost->ghost = true;
    ghost->owner = key;
    ghost->path = cp.path;
    ghost->encoded_attributes = f.encoded_attributes;
    ghost->fingerprint = cp.fingerprint;
    ghost->read_offset = ghost->checkpoint_offset = ghost->size = cp.offset;
    ghost->last_activity = now_mono_;
    ghosts_.push_back(std::move(ghost));
    input.metrics.rotations_truncate->Inc();
    log::Notice(kComponent, "file changed while the agent was stopped; reading it from the start",
                {{"path", path}, {"saved_offset", cp.offset}, {"size", f.size}});
    f.readable = true;
    MarkDirty(f);
    return;
  }
  Decide(f, initial);
}

void FileTailer::Decide(File& f, bool initial) {
  if (f.size == 0) {
    // Nothing to read yet, and too early to tell whether it is a rotated copy being written.
    f.held = true;
    f.held_since = 0;
    return;
  }
  if (std::unique_ptr<File>* ghost = FindGhost(f)) {
    std::unique_ptr<File> g = std::move(*ghost);
    ghosts_.erase(ghosts_.begin() + (ghost - ghosts_.data()));
    Adopt(f, std::move(g));
    return;
  }
  if (AgreesWithLiveFile(f)) {
    f.held = true;
    f.held_since = now_mono_;
    log::Debug(kComponent, "new file begins like a tracked file; waiting to see if it is a copy",
               {{"path", f.path}});
    return;
  }
  f.held = false;
  f.readable = true;
  if (initial && (first_run_ || f.input->config.fresh) && f.input->config.start_at_end) {
    // Skip what the file holds, but start at a line boundary.
    size_t window = static_cast<size_t>(std::min<uint64_t>(f.size, kStartAtEndWindow));
    std::string tail(window, '\0');
    ssize_t n = ::pread(f.fd, tail.data(), window, static_cast<off_t>(f.size - window));
    uint64_t offset = f.size;
    if (n > 0) {
      size_t nl = std::string_view(tail.data(), static_cast<size_t>(n)).rfind('\n');
      if (nl != std::string_view::npos) offset = f.size - window + nl + 1;
    }
    f.read_offset = f.checkpoint_offset = offset;
    f.lines.Reset(offset);
    MarkDirty(f);
  }
}

void FileTailer::ResolveHeld(File& f) {
  struct stat st {};
  if (f.fd < 0 || ::fstat(f.fd, &st) != 0) return;
  f.size = static_cast<uint64_t>(st.st_size);
  f.fingerprint = ReadPrefix(f.fd, options_.fingerprint_size);
  if (f.size == 0) return;
  if (f.held_since == 0) {
    f.held = false;
    Decide(f, /*initial=*/false);
    return;
  }
  // The file it may be a copy of could have been truncated and rewritten without our noticing
  // yet (to the very size already read, even): look now.
  for (auto& [key, g] : files_) {
    if (g.get() == &f || g->input != f.input || g->held || g->gone || g->fd < 0) continue;
    if (PrefixesAgree(g->fingerprint, f.fingerprint) && !PrefixUnchanged(*g)) Truncated(*g);
  }
  if (std::unique_ptr<File>* ghost = FindGhost(f)) {
    std::unique_ptr<File> g = std::move(*ghost);
    ghosts_.erase(ghosts_.begin() + (ghost - ghosts_.data()));
    Adopt(f, std::move(g));
    return;
  }
  if (!AgreesWithLiveFile(f) || now_mono_ - f.held_since >= options_.rotate_wait.count()) {
    f.held = false;
    f.readable = true;  // a new file: from its first byte
  }
}

bool FileTailer::AgreesWithLiveFile(const File& f) const {
  for (const auto& [key, g] : files_) {
    if (g.get() == &f || g->input != f.input || g->held || g->gone) continue;
    if (PrefixesAgree(g->fingerprint, f.fingerprint)) return true;
  }
  for (const auto& g : ghosts_) {
    if (g->input == f.input && PrefixesAgree(g->fingerprint, f.fingerprint)) return true;
  }
  return false;
}

std::unique_ptr<FileTailer::File>* FileTailer::FindGhost(const File& f) {
  // A copy holds at least the whole fingerprint taken from the original.
  for (auto& g : ghosts_) {
    if (g->input == f.input && !g->fingerprint.empty() &&
        f.fingerprint.size() >= g->fingerprint.size() &&
        f.fingerprint.compare(0, g->fingerprint.size(), g->fingerprint) == 0) {
      return &g;
    }
  }
  return nullptr;
}

void FileTailer::Adopt(File& f, std::unique_ptr<File> ghost) {
  f.lines = std::move(ghost->lines);
  f.multiline = std::move(ghost->multiline);
  f.partials = std::move(ghost->partials);
  f.read_offset = ghost->read_offset;
  f.checkpoint_offset = ghost->checkpoint_offset;
  f.held = false;
  f.readable = true;
  f.verified = true;
  f.priority = true;
  MarkDirty(f);
  f.input->metrics.rotations_copy->Inc();
  log::Info(kComponent,
            "found the rotated copy of a truncated file; continuing where reading stopped",
            {{"copy", f.path}, {"original", ghost->path}, {"offset", f.read_offset}});
}

bool FileTailer::SourcesToResolve() const {
  for (const auto& input : inputs_) {
    if (input->config.source && !input->orphans_resolved && input->config.source->ready()) {
      return true;
    }
  }
  return false;
}

void FileTailer::ResolveOrphans() {
  std::map<FileKey, Checkpoint> waiting;
  for (auto& input : inputs_) {
    if (!input->config.source || input->config.source->ready()) input->orphans_resolved = true;
  }
  for (auto& [key, cp] : saved_) {
    InputState* input = nullptr;
    for (auto& in : inputs_) {
      if (in->config.name == cp.input) input = in.get();
    }
    if (input != nullptr && !input->orphans_resolved) {
      // Its source does not know its files yet (the Docker daemon is not answering): keep the
      // checkpoint for when it does.
      waiting.emplace(key, std::move(cp));
      continue;
    }
    std::optional<std::string> path;
    if (input != nullptr && files_.count(key) == 0) path = FindByInode(DirName(cp.path), key);
    int fd = path ? OpenForReading(*path) : -1;
    struct stat st {};
    if (fd >= 0 && ::fstat(fd, &st) == 0 &&
        FileKey{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)} == key) {
      std::string prefix = ReadPrefix(fd, options_.fingerprint_size);
      if (PrefixesAgree(cp.fingerprint, prefix) && static_cast<uint64_t>(st.st_size) >= cp.offset) {
        auto owned = std::make_unique<File>(input);
        File& f = *owned;
        f.order = ++order_;
        f.key = key;
        f.path = cp.path;
        f.fd = fd;
        ++open_count_;
        f.fingerprint = std::move(prefix);
        f.size = static_cast<uint64_t>(st.st_size);
        f.read_offset = f.checkpoint_offset = cp.offset;
        f.lines.Reset(cp.offset, (cp.flags & kCheckpointDiscarding) != 0);
        f.readable = true;
        f.gone = true;
        f.priority = true;
        f.last_activity = now_mono_;
        f.encoded_attributes = EncodeFileAttributes(cp.path);
        if (input->config.source) {
          auto r = input->sourced.find(cp.path);
          if (r != input->sourced.end()) SetResource(f, r->second);
        }
        log::Info(kComponent, "found a file rotated while the agent was stopped; reading the rest",
                  {{"path", cp.path}, {"now_at", *path}, {"offset", cp.offset}});
        files_[key] = std::move(owned);
        continue;
      }
    }
    if (fd >= 0) ::close(fd);
    log::Notice(kComponent, "a file tailed before the restart is gone; forgetting it",
                {{"path", cp.path}, {"offset", cp.offset}});
    forget_.push_back(key);
  }
  saved_ = std::move(waiting);
}

void FileTailer::MarkGone(File& f, bool deleted) {
  f.gone = true;
  f.priority = true;
  f.deleted = deleted;
  f.last_activity = now_mono_;
  (deleted ? f.input->metrics.rotations_delete : f.input->metrics.rotations_rename)->Inc();
  log::Info(kComponent,
            deleted ? "file deleted; reading the rest before letting go"
                    : "file rotated away; reading the rest before letting go",
            {{"path", f.path}, {"offset", f.read_offset}});
  if (f.fd < 0) {
    // Closed for the open-file cap when it was rotated: look for it by inode where it was.
    std::optional<std::string> moved = FindByInode(DirName(f.path), f.key);
    if (moved) f.fd = OpenForReading(*moved);
    if (f.fd >= 0) {
      ++open_count_;
    } else {
      log::Warning(kComponent, "a file closed for max_open_files was rotated and cannot be found",
                   {{"path", f.path}, {"offset", f.read_offset}});
      return;
    }
  }
  f.readable = true;
  f.verified = false;
}

void FileTailer::Truncated(File& f) {
  // Keep what was read of the old content (partial line, pending multiline record) in a ghost:
  // a rotated copy continues it; otherwise it is flushed when the ghost expires.
  auto ghost = std::make_unique<File>(f.input);
  ghost->ghost = true;
  ghost->owner = f.key;
  ghost->path = f.path;
  ghost->encoded_attributes = f.encoded_attributes;
  ghost->fingerprint = f.fingerprint;
  ghost->read_offset = f.read_offset;
  ghost->checkpoint_offset = f.checkpoint_offset;
  ghost->size = std::max(f.size, f.read_offset);
  ghost->lines = std::move(f.lines);
  ghost->multiline = std::move(f.multiline);
  ghost->partials = std::move(f.partials);
  ghost->resource = f.resource;
  ghost->resource_views = f.resource_views;
  ghost->encoded_stream[0] = f.encoded_stream[0];
  ghost->encoded_stream[1] = f.encoded_stream[1];
  ghost->last_activity = now_mono_;
  ghosts_.push_back(std::move(ghost));

  f.input->metrics.rotations_truncate->Inc();
  log::Info(kComponent, "file truncated; reading it from the start",
            {{"path", f.path}, {"old_offset", f.read_offset}});
  f.lines = LineAssembler(f.input->config.max_line_size, f.input->config.long_lines);
  f.multiline = MultilineAggregator();
  f.partials = docker::PartialMerger();
  f.read_offset = f.checkpoint_offset = 0;
  f.fingerprint = ReadPrefix(f.fd, options_.fingerprint_size);
  f.readable = true;
  f.verified = true;
  MarkDirty(f);
  // The new content waits for a scan that looks for the rotated copy (logrotate makes the copy
  // before it truncates): the copy's unread lines were written before the new ones.
  f.await_scan = true;
  rescan_ = true;
}

void FileTailer::OnMoved(const std::string& from, const std::string& to) {
  for (auto& [to_path, from_path, input] : moved_) {
    if (to_path == from) {  // moved again (app.log.1 -> app.log.2) before it was tracked
      to_path = to;
      return;
    }
  }
  for (auto& input : inputs_) {
    bool included = false;
    for (const Glob& g : input->config.include) included = included || g.Matches(from);
    for (const Glob& g : input->config.exclude) included = included && !g.Matches(from);
    if (included) {
      moved_.emplace_back(to, from, input.get());
      return;
    }
  }
}

void FileTailer::TrackMoved() {
  for (auto& [to, from, input] : moved_) {
    int fd = OpenForReading(to);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      if (fd >= 0) ::close(fd);
      continue;
    }
    FileKey key{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
    if (files_.count(key) != 0) {  // opened before it moved: its descriptor follows it
      ::close(fd);
      continue;
    }
    auto owned = std::make_unique<File>(input);
    File& f = *owned;
    f.order = ++order_;
    f.key = key;
    f.path = from;  // its lines were written to the name the input tails
    f.encoded_attributes = EncodeFileAttributes(from);
    f.fd = fd;
    ++open_count_;
    f.size = static_cast<uint64_t>(st.st_size);
    f.fingerprint = ReadPrefix(fd, options_.fingerprint_size);
    f.gone = true;
    f.priority = true;
    f.readable = true;
    f.last_activity = now_mono_;
    f.generation = generation_;
    input->metrics.rotations_rename->Inc();
    log::Info(kComponent, "following a file rotated before it was opened",
              {{"path", from}, {"now_at", to}});
    files_[key] = std::move(owned);
  }
  moved_.clear();
}

bool FileTailer::Eligible(const File& f) const {
  return f.readable && !f.held && !f.await_scan && f.fd >= 0 && !BlockedByGhost(f);
}

bool FileTailer::BlockedByGhost(const File& f) const {
  for (const auto& g : ghosts_) {
    if (g->owner == f.key && g->size > g->read_offset) return true;
  }
  return false;
}

bool FileTailer::EvictIdle() {
  File* victim = nullptr;
  for (auto& [key, f] : files_) {
    if (f->fd < 0 || f->gone || f->held || f->readable || f->read_offset < f->size ||
        f->multiline.pending()) {
      continue;
    }
    if (victim == nullptr || f->last_activity < victim->last_activity) victim = f.get();
  }
  if (victim == nullptr) return false;
  CloseFile(*victim);
  return true;
}

bool FileTailer::Reopen(File& f) {
  if (open_count_ >= options_.max_open_files && !EvictIdle()) return false;
  int fd = OpenForReading(f.path);
  struct stat st {};
  if (fd >= 0 && (::fstat(fd, &st) != 0 || FileKey{static_cast<uint64_t>(st.st_dev),
                                                   static_cast<uint64_t>(st.st_ino)} != f.key)) {
    ::close(fd);
    fd = -1;
  }
  if (fd < 0) return false;
  f.fd = fd;
  ++open_count_;
  f.readable = true;
  f.verified = false;
  return true;
}

void FileTailer::CloseFile(File& f) {
  if (f.fd < 0) return;
  ::close(f.fd);
  f.fd = -1;
  --open_count_;
}

// ----- reading -------------------------------------------------------------------------------

bool FileTailer::ReadSome(size_t max_chunks) {
  size_t chunks = 0;
  while (chunks < max_chunks && !pending_) {
    // Rotated files and copies first, oldest first, so that a log's lines ship in the order
    // they were written.
    File* first = nullptr;
    for (auto& [key, f] : files_) {
      if (f->priority && Eligible(*f) && (first == nullptr || f->order < first->order)) {
        first = f.get();
      }
    }
    if (first != nullptr) {
      ReadChunk(*first);
      ++chunks;
      continue;
    }
    bool progressed = false;
    for (auto& [key, f] : files_) {
      if (pending_ || chunks >= max_chunks) break;
      if (!Eligible(*f)) continue;
      progressed = ReadChunk(*f) || progressed;
      ++chunks;
    }
    if (!progressed) return false;
  }
  if (pending_) return false;
  for (const auto& [key, f] : files_) {
    if (Eligible(*f)) return true;
  }
  return false;
}

bool FileTailer::Rewritten(File& f, const struct stat& st) {
  int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  bool touched = mtime != f.mtime_nanos;
  f.mtime_nanos = mtime;
  f.size = static_cast<uint64_t>(st.st_size);
  if (f.size < f.read_offset) return true;
  // Modified without growing past what was read: truncated and rewritten to the same size?
  return (touched || f.readable) && f.size == f.read_offset && !PrefixUnchanged(f);
}

bool FileTailer::PrefixUnchanged(File& f) {
  // The fingerprint describes content seen, even when none of it was consumed yet.
  if (f.fingerprint.empty()) return true;
  std::string prefix = ReadPrefix(
      f.fd,
      std::max(f.fingerprint.size(), std::min<size_t>(options_.fingerprint_size, f.read_offset)));
  if (prefix.size() < f.fingerprint.size() ||
      prefix.compare(0, f.fingerprint.size(), f.fingerprint) != 0) {
    return false;
  }
  if (prefix.size() > f.fingerprint.size()) f.fingerprint = std::move(prefix);
  return true;
}

bool FileTailer::ReadChunk(File& f) {
  now_mono_ = clock_->MonotonicNanos();
  if (!f.verified) {
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) {
      f.readable = false;
      return false;
    }
    if (Rewritten(f, st)) {
      Truncated(f);  // the file stays readable, once a scan looked for the rotated copy
      return false;
    }
    f.verified = true;
    if (f.size <= f.read_offset) {
      f.readable = false;
      f.verified = false;
      f.priority = false;
      return false;
    }
  }
  ssize_t n = ::pread(f.fd, buffer_.data(), buffer_.size(), static_cast<off_t>(f.read_offset));
  if (n <= 0) {
    if (n < 0) {
      log::Warning(kComponent, "cannot read file",
                   {{"path", f.path}, {"error", std::strerror(errno)}});
    }
    f.readable = false;
    f.verified = false;
    f.priority = false;  // caught up: late writes are read in turn with the others
    return false;
  }
  // The bytes just read are the content the fingerprint describes only if the file still
  // begins with it: truncated and rewritten between two reads, it would otherwise pass new
  // lines off at the old offset. Checked after the read, so that no such rewrite slips in
  // between the check and the read.
  if (!PrefixUnchanged(f)) {
    Truncated(f);
    return false;
  }
  observed_unix_ = clock_->NowUnixNanos();
  std::string_view chunk(buffer_.data(), static_cast<size_t>(n));
  if (f.fingerprint.size() < options_.fingerprint_size && f.read_offset <= f.fingerprint.size()) {
    size_t from = f.fingerprint.size() - f.read_offset;
    size_t want = options_.fingerprint_size - f.fingerprint.size();
    if (from < chunk.size()) f.fingerprint.append(chunk.substr(from, want));
  }
  chunk_lines_ = 0;
  uint64_t split_before = f.lines.lines_split();
  uint64_t truncated_before = f.lines.lines_truncated();
  size_t consumed = f.lines.Feed(chunk, f.read_offset,
                                 [this, &f](std::string_view line, uint64_t start, uint64_t end) {
                                   return OnLine(f, line, start, end);
                                 });
  f.read_offset += consumed;
  f.size = std::max(f.size, f.read_offset);
  f.last_activity = now_mono_;
  InputMetrics& m = f.input->metrics;
  m.lines->Inc(static_cast<double>(chunk_lines_));
  m.bytes->Inc(static_cast<double>(consumed));
  m.records->Inc(static_cast<double>(f.input->records_unflushed));
  f.input->records_unflushed = 0;
  if (f.lines.lines_split() != split_before) {
    m.lines_split->Inc(static_cast<double>(f.lines.lines_split() - split_before));
  }
  if (f.lines.lines_truncated() != truncated_before) {
    m.lines_truncated->Inc(static_cast<double>(f.lines.lines_truncated() - truncated_before));
  }
  if (consumed < static_cast<size_t>(n)) return true;  // paused mid-chunk; the rest waits
  if (static_cast<size_t>(n) < buffer_.size()) {
    f.readable = false;
    f.verified = false;
    f.priority = false;
    return false;
  }
  return true;
}

bool FileTailer::OnLine(File& f, std::string_view line, uint64_t start, uint64_t end) {
  ++chunk_lines_;
  if (f.input->config.format == LineFormat::kDockerJson) return OnDockerLine(f, line, start, end);
  return OnText(f, line, start, end);
}

bool FileTailer::OnDockerLine(File& f, std::string_view line, uint64_t start, uint64_t end) {
  if (!docker::DecodeJsonLogLine(line, &docker_entry_)) {
    // Not Docker's format (a line cut by a crash, or another writer): shipped as it is.
    f.input->metrics.parse_errors->Inc();
    record_time_ = 0;
    record_stream_ = docker::LogStream::kStdout;
    return OnText(f, line, start, end);
  }
  docker::MergedLine merged;
  if (!f.partials.Push(docker_entry_, start, f.input->config.max_line_size, &merged)) {
    return true;  // the line goes on in a later entry; the checkpoint stays before this one
  }
  record_time_ = merged.time_unix_nano;
  record_stream_ = merged.stream;
  return OnText(f, merged.text, merged.start, end);
}

bool FileTailer::OnText(File& f, std::string_view line, uint64_t start, uint64_t end) {
  std::string_view text = line;
  if (FindInvalidUtf8(line) != std::string_view::npos) {
    size_t replaced = 0;
    utf8_scratch_ = RepairUtf8(line, &replaced);
    text = utf8_scratch_;
    f.input->metrics.invalid_utf8->Inc(static_cast<double>(replaced));
  }
  if (!f.input->config.multiline) return EmitRecord(f, text, end);
  // The line joins the pending record; the checkpoint stays at that record's start, which is
  // where the previous record ended.
  bool was_pending = f.multiline.pending();
  int64_t line_time = record_time_;
  docker::LogStream line_stream = record_stream_;
  if (f.multiline.Push(*f.input->config.multiline, text, start, end, now_mono_,
                       &multiline_record_)) {
    record_time_ = f.multiline_time;
    record_stream_ = f.multiline_stream;
    f.multiline_time = line_time;
    f.multiline_stream = line_stream;
    return EmitRecord(f, multiline_record_.text, multiline_record_.end_offset);
  }
  if (!was_pending) {
    f.multiline_time = line_time;
    f.multiline_stream = line_stream;
  }
  return true;
}

bool FileTailer::FlushMultiline(File& f) {
  if (!f.multiline.Flush(&multiline_record_)) return true;
  record_time_ = f.multiline_time;
  record_stream_ = f.multiline_stream;
  return EmitRecord(f, multiline_record_.text, multiline_record_.end_offset);
}

Discovery FileTailer::DiscoverSourced(InputState& input) {
  Discovery out;
  input.sourced.clear();
  std::set<std::string> dirs;
  for (SourcedFile& sf : input.config.source->Files()) {
    struct stat st {};
    if (::stat(sf.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    out.files.push_back(DiscoveredFile{sf.path, static_cast<uint64_t>(st.st_dev),
                                       static_cast<uint64_t>(st.st_ino),
                                       static_cast<uint64_t>(st.st_size)});
    if (dirs.insert(DirName(sf.path)).second) out.directories.push_back(DirName(sf.path));
    input.sourced[sf.path] = std::move(sf.resource);
  }
  return out;
}

void FileTailer::SetResource(File& f, std::shared_ptr<const Attributes> resource) {
  f.resource = std::move(resource);
  f.resource_views.clear();
  if (f.resource) {
    for (const auto& [key, value] : *f.resource) {
      f.resource_views.push_back(otlp::KeyValueView{key, otlp::AnyValueView::String(value)});
    }
  }
}

bool FileTailer::EmitRecord(File& f, std::string_view text, uint64_t end) {
  parsed_.Clear();
  f.input->parser->Parse(text, observed_unix_, &parsed_);
  if (parsed_.failed) f.input->metrics.parse_errors->Inc();
  if (parsed_.time_failed) f.input->metrics.time_parse_errors->Inc();
  otlp::LogRecordView record;
  record.observed_time_unix_nano = static_cast<uint64_t>(observed_unix_);
  bool docker_format = f.input->config.format == LineFormat::kDockerJson;
  // A container's line carries the time Docker received it; a parsed time is more precise still.
  int64_t fallback = docker_format && record_time_ != 0 ? record_time_ : observed_unix_;
  record.time_unix_nano =
      parsed_.time_unix_nano != 0 ? parsed_.time_unix_nano : static_cast<uint64_t>(fallback);
  record.severity_number = parsed_.severity_number;
  record.severity_text = parsed_.severity_text;
  record.body = parsed_.body;
  record.attributes = parsed_.attributes;
  record.encoded_attributes = f.encoded_attributes;
  if (docker_format) {
    // Encoded once per file and stream.
    std::string& encoded = f.encoded_stream[static_cast<int>(record_stream_)];
    if (encoded.empty()) encoded = EncodeStreamAttributes(f.path, record_stream_);
    record.encoded_attributes = encoded;
  }
  if (f.resource) {
    last_resource_ = f.resource;
    builder_.Add(f.resource.get(), f.resource_views, record, now_mono_);
  } else {
    builder_.Add(f.input, f.input->resource_views, record, now_mono_);
  }
  ++f.input->records_unflushed;
  // An unfinished line of the other stream began earlier: the checkpoint waits before it.
  if (std::optional<uint64_t> pending = f.partials.pending_start()) end = std::min(end, *pending);
  f.checkpoint_offset = end;
  MarkDirty(f);
  if (builder_.full()) return CommitBatch();
  return true;
}

bool FileTailer::FlushFile(File& f) {
  bool go_on = true;
  if (f.input->config.format == LineFormat::kDockerJson) {
    f.lines.FlushPartial([&](std::string_view line, uint64_t start, uint64_t end) {
      return OnLine(f, line, start, end);
    });
    // Unfinished lines of a container whose log ends here are final.
    docker::MergedLine merged;
    for (docker::LogStream s : {docker::LogStream::kStdout, docker::LogStream::kStderr}) {
      if (!f.partials.Flush(s, &merged)) continue;
      record_time_ = merged.time_unix_nano;
      record_stream_ = merged.stream;
      OnText(f, merged.text, merged.start, std::max(f.read_offset, f.checkpoint_offset));
    }
    if (f.input->config.multiline) go_on = FlushMultiline(f);
  } else if (f.input->config.multiline) {
    // The partial line is the pending record's last line.
    f.lines.FlushPartial([&](std::string_view line, uint64_t start, uint64_t end) {
      return OnLine(f, line, start, end);
    });
    go_on = FlushMultiline(f);
  } else {
    f.lines.FlushPartial([&](std::string_view line, uint64_t start, uint64_t end) {
      go_on = OnLine(f, line, start, end);
      return go_on;
    });
  }
  f.input->metrics.records->Inc(static_cast<double>(f.input->records_unflushed));
  f.input->records_unflushed = 0;
  return go_on;
}

void FileTailer::FlushTimeouts() {
  for (auto& [key, f] : files_) {
    if (pending_) return;
    const auto& rules = f->input->config.multiline;
    if (!rules || !f->multiline.pending()) continue;
    if (now_mono_ - f->multiline.last_line_nanos() < rules->flush_timeout.count()) continue;
    if (f->multiline.pending()) {
      FlushMultiline(*f);
      f->input->metrics.records->Inc(static_cast<double>(f->input->records_unflushed));
      f->input->records_unflushed = 0;
    }
  }
}

void FileTailer::ReleaseFinished() {
  std::vector<FileKey> released;
  for (auto& [key, f] : files_) {
    if (pending_) break;
    if (!f->gone || f->fd < 0 || f->readable) continue;
    if (now_mono_ - f->last_activity < options_.rotate_wait.count()) continue;
    struct stat st {};
    if (::fstat(f->fd, &st) == 0 && static_cast<uint64_t>(st.st_size) != f->read_offset) {
      f->readable = true;  // a late write by a process that still had it open
      f->verified = false;
      continue;
    }
    FlushFile(*f);
    log::Info(kComponent, "finished reading a rotated file", {{"path", f->path}});
    released.push_back(key);
  }
  for (const FileKey& key : released) {
    auto it = files_.find(key);
    CloseFile(*it->second);
    forget_.push_back(key);
    files_.erase(it);
  }
}

void FileTailer::ExpireGhosts() {
  for (size_t i = 0; i < ghosts_.size();) {
    File& g = *ghosts_[i];
    if (pending_ || now_mono_ - g.last_activity < options_.rotate_wait.count()) {
      ++i;
      continue;
    }
    if (g.size > g.read_offset) {
      g.input->metrics.unread_bytes_lost->Inc(static_cast<double>(g.size - g.read_offset));
      log::Warning(kComponent,
                   "a file was truncated before its end was read and no rotated copy was found",
                   {{"path", g.path}, {"unread_bytes", g.size - g.read_offset}});
    }
    FlushFile(g);
    ghosts_.erase(ghosts_.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

// ----- committing ------------------------------------------------------------------------------

void FileTailer::MarkDirty(File& f) {
  if (f.dirty || f.ghost) return;
  f.dirty = true;
  dirty_.push_back(f.key);
}

bool FileTailer::CommitBatch(bool force) {
  if (pending_) return TryCommitPending(force);
  CommitRequest request;
  if (!builder_.empty()) {
    request.records = static_cast<uint32_t>(builder_.records());
    request.body = builder_.Finish();
    if (compressor_) {
      std::string compressed = compressor_->Compress(request.body);
      if (pool_) pool_->Give(std::move(request.body));
      request.body = std::move(compressed);
      request.gzip = true;
    }
  }
  for (const FileKey& key : dirty_) {
    auto it = files_.find(key);
    if (it == files_.end()) continue;
    File& f = *it->second;
    f.dirty = false;
    // The discarding flag only means something when the checkpoint sits where the cut began.
    uint32_t flags = f.lines.discarding() && f.checkpoint_offset == f.lines.discard_start()
                         ? kCheckpointDiscarding
                         : 0;
    request.checkpoints.push_back(
        Checkpoint{key, f.input->config.name, f.path, f.fingerprint, f.checkpoint_offset, flags});
  }
  dirty_.clear();
  request.forget = std::move(forget_);
  forget_.clear();
  if (request.empty()) return true;
  pending_ = std::move(request);
  return TryCommitPending(force);
}

bool FileTailer::TryCommitPending(bool force) {
  if (!pending_) return true;
  if (!force && !sink_->HasRoom(pending_->body.size())) {
    if (metrics_->inputs_paused.Value() == 0) {
      metrics_->inputs_paused.Set(1);
      metrics_->input_pauses.Inc();
      log::Warning(kComponent, "queue full; inputs paused until the collector catches up",
                   {{"batch_bytes", static_cast<uint64_t>(pending_->body.size())}});
    }
    return false;
  }
  if (!force && now_mono_ < commit_retry_at_) return false;
  Status st = sink_->Commit(*pending_);
  if (!st.ok()) {
    metrics_->queue_commit_errors.Inc();
    if (metrics_->inputs_paused.Value() == 0) {
      metrics_->inputs_paused.Set(1);
      metrics_->input_pauses.Inc();
    }
    log::Error(kComponent, "cannot write to the queue; inputs paused, retrying",
               {{"error", st.ToString()}});
    commit_retry_at_ = now_mono_ + kCommitRetryNanos;
    return false;
  }
  pending_.reset();
  if (metrics_->inputs_paused.Value() != 0) {
    metrics_->inputs_paused.Set(0);
    log::Info(kComponent, "queue has room again; inputs resumed");
  }
  return true;
}

// ----- the loop --------------------------------------------------------------------------------

void FileTailer::ReadEvents() {
  if (!inotify_) return;
  bool structural = inotify_->ReadEvents(
      [this](const std::string& path) {
        auto it = by_path_.find(path);
        if (it == by_path_.end()) return;
        auto f = files_.find(it->second);
        if (f == files_.end()) return;
        if (f->second->held) {
          ResolveHeld(*f->second);
        } else {
          f->second->readable = true;
        }
      },
      [this](const std::string& from, const std::string& to) { OnMoved(from, to); });
  if (structural) rescan_ = true;
}

Duration FileTailer::Poll() {
  now_mono_ = clock_->MonotonicNanos();
  TryCommitPending();
  ReadEvents();
  if (source_changed_.exchange(false)) rescan_ = true;
  if (rescan_ || now_mono_ >= next_scan_) {
    rescan_ = false;
    Scan(/*initial=*/false);
    if (SourcesToResolve()) ResolveOrphans();
    next_scan_ = now_mono_ + options_.poll_interval.count();
  }
  bool more = !pending_ && ReadSome(kMaxChunksPerPoll);
  now_mono_ = clock_->MonotonicNanos();
  if (!pending_) {
    FlushTimeouts();
    ReleaseFinished();
    ExpireGhosts();
  }
  if (!pending_ && !builder_.empty() && now_mono_ >= builder_.deadline_nanos()) CommitBatch();
  if (!pending_ && builder_.empty() && (!dirty_.empty() || !forget_.empty())) CommitBatch();
  UpdateGauges();
  if (more && !pending_) return Duration::zero();
  return Duration(std::max<int64_t>(0, NextDeadline(now_mono_) - now_mono_));
}

int64_t FileTailer::NextDeadline(int64_t now) const {
  if (rescan_) return now;
  int64_t t = next_scan_;
  if (pending_) return std::min(t, now + kCommitRetryNanos);
  if (!builder_.empty()) t = std::min(t, builder_.deadline_nanos());
  int64_t rotate_wait = options_.rotate_wait.count();
  for (const auto& [key, f] : files_) {
    const auto& rules = f->input->config.multiline;
    if (rules && f->multiline.pending()) {
      t = std::min(t, f->multiline.last_line_nanos() + rules->flush_timeout.count());
    }
    if (f->gone) t = std::min(t, f->last_activity + rotate_wait);
    if (f->held && f->held_since != 0) t = std::min(t, f->held_since + rotate_wait);
  }
  for (const auto& g : ghosts_) t = std::min(t, g->last_activity + rotate_wait);
  return t;
}

void FileTailer::Wait(Duration timeout) {
  pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {inotify_ ? inotify_->fd() : -1, POLLIN, 0}};
  int ms = static_cast<int>(std::min<int64_t>(timeout.count() / 1'000'000, 60'000));
  if (timeout.count() > 0 && ms == 0) ms = 1;
  if (::poll(fds, inotify_ ? 2 : 1, ms) > 0 && (fds[0].revents & POLLIN) != 0) {
    uint64_t value = 0;
    ssize_t n = ::read(wake_fd_, &value, sizeof(value));
    (void)n;
  }
}

void FileTailer::Wake() {
  uint64_t one = 1;
  ssize_t n = ::write(wake_fd_, &one, sizeof(one));
  (void)n;
}

Status FileTailer::Drain(int64_t deadline_nanos) {
  for (auto& input : inputs_) {
    if (input->config.source) input->config.source->Stop();
  }
  now_mono_ = clock_->MonotonicNanos();
  TryCommitPending(/*force=*/true);
  for (auto& [key, f] : files_) {
    if (!f->gone || f->fd < 0) continue;
    f->readable = true;
    f->verified = false;
    while (clock_->MonotonicNanos() < deadline_nanos && ReadChunk(*f)) {
      if (pending_) TryCommitPending(/*force=*/true);
    }
    if (pending_) TryCommitPending(/*force=*/true);
    // A deleted file cannot be found again: its last partial line is final.
    if (f->deleted) FlushFile(*f);
  }
  CommitBatch(/*force=*/true);
  if (pending_) return Unavailable("the last batch could not be written to the queue");
  return Status::Ok();
}

void FileTailer::UpdateGauges() {
  uint64_t unread = 0;
  for (const auto& [key, f] : files_) {
    if (f->size > f->read_offset) unread += f->size - f->read_offset;
  }
  for (auto& input : inputs_) {
    if (input->records_unflushed == 0) continue;
    input->metrics.records->Inc(static_cast<double>(input->records_unflushed));
    input->records_unflushed = 0;
  }
  metrics_->files_watched.Set(static_cast<double>(files_.size()));
  metrics_->files_open.Set(static_cast<double>(open_count_));
  metrics_->unread_bytes.Set(static_cast<double>(unread));
}

}  // namespace nightjar::agent
