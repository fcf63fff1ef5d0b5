// The journal input; see journal_input.h.
#include "inputs/journal/journal_input.h"

#include <algorithm>
#include <array>

#include "base/logging.h"
#include "base/utf8.h"

namespace nightjar::agent::journal {
namespace {

constexpr char kComponent[] = "journal";
// Entries read between looks at the stop flag and the batch's age.
constexpr int kEntriesPerRound = 1024;
// The longest wait on the journal: bounds how late a stop request or a batch's age is noticed.
constexpr Duration kMaxWait = std::chrono::milliseconds(200);
// How long a batch the queue has no room for waits before the next try (Wake() cuts it short).
constexpr Duration kPausedWait = std::chrono::milliseconds(100);

std::string Where(const JournalOptions& options) {
  return options.directory.empty() ? std::string("system journal") : options.directory;
}

}  // namespace

JournalInput::JournalInput(JournalInputSpec spec, std::optional<std::string> cursor,
                           BatchSink* sink, BatchLimits limits, std::shared_ptr<BufferPool> pool,
                           AgentMetrics* metrics, const Clock* clock)
    : spec_(std::move(spec)),
      cursor_(std::move(cursor)),
      sink_(sink),
      builder_(limits, pool),
      pool_(std::move(pool)),
      metrics_(metrics),
      input_metrics_(metrics->ForInput(spec_.name)),
      clock_(clock) {
  if (limits.gzip_level > 0) compressor_ = std::make_unique<GzipCompressor>(limits.gzip_level);
  for (const auto& [key, value] : spec_.resource) {
    resource_views_.push_back(otlp::KeyValueView{key, otlp::AnyValueView::String(value)});
  }
}

JournalInput::~JournalInput() { Stop(); }

void JournalInput::Start() {
  heartbeat_.store(clock_->MonotonicNanos());
  thread_ = std::thread([this] { Run(); });
}

void JournalInput::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void JournalInput::Wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

bool JournalInput::SleepFor(Duration d) {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, d, [this] { return stopping_ || woken_; });
  woken_ = false;
  return !stopping_;
}

void JournalInput::Run() {
  while (true) {
    heartbeat_.store(clock_->MonotonicNanos());
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) break;
    }
    if (!reader_ && !OpenJournal()) {
      SleepFor(spec_.options.retry_interval);
      continue;
    }
    if (pending_ && !Commit()) {
      SleepFor(kPausedWait);  // the queue is full: the entries wait in the journal
      continue;
    }
    bool read = ReadSome();
    int64_t now = clock_->MonotonicNanos();
    if (builder_.full() || (!builder_.empty() && now >= builder_.deadline_nanos())) {
      Commit();
      continue;
    }
    if (read || !reader_) continue;
    Duration wait = kMaxWait;
    if (!builder_.empty()) wait = std::min(wait, Duration(builder_.deadline_nanos() - now));
    Status st = reader_->Wait(wait);
    if (!st.ok()) {
      log::Error(kComponent, "lost the journal; reopening it",
                 {{"input", spec_.name}, {"error", st.ToString()}});
      Commit();
      reader_.reset();
    }
  }
  // Whatever was read goes into the queue even when it is over its bound: the journal would
  // keep the entries, but a stop should leave nothing half done.
  if (!builder_.empty() || pending_) {
    if (!pending_) Commit();
    if (pending_) {
      Status st = sink_->Commit(*pending_);
      if (!st.ok()) {
        log::Error(kComponent, "cannot queue the last batch; it will be read again",
                   {{"input", spec_.name}, {"error", st.ToString()}});
      }
    }
  }
}

bool JournalInput::OpenJournal() {
  Result<std::unique_ptr<JournalReader>> opened =
      JournalReader::Open(spec_.options.directory, spec_.options.selection, spec_.max_message_size);
  if (!opened.ok()) {
    if (!missing_logged_) {
      log::Notice(kComponent, "no journal to read yet; looking again periodically",
                  {{"input", spec_.name},
                   {"journal", Where(spec_.options)},
                   {"reason", opened.status().message()}});
      missing_logged_ = true;
    }
    return false;
  }
  std::unique_ptr<JournalReader> reader = std::move(*opened);
  const char* from = cursor_ ? "saved cursor" : spec_.start_at_end ? "end" : "beginning";
  Status st = cursor_              ? reader->SeekAfterCursor(*cursor_)
              : spec_.start_at_end ? reader->SeekTail()
                                   : reader->SeekHead();
  if (!st.ok()) {
    log::Error(kComponent, "cannot position the journal; trying again later",
               {{"input", spec_.name}, {"error", st.ToString()}});
    return false;
  }
  if (!cursor_ && spec_.start_at_end) {
    // Remember where the end was, so that entries written while the agent is stopped before it
    // reads anything are not skipped at the next start.
    Result<std::string> tail = reader->Cursor();
    if (tail.ok()) {
      CommitRequest request;
      request.cursors.push_back(SourceCursor{spec_.name, *tail});
      if (sink_->Commit(request).ok()) cursor_ = *tail;
    }
  }
  reader_ = std::move(reader);
  missing_logged_ = false;
  log::Info(kComponent, "reading the journal",
            {{"input", spec_.name}, {"journal", Where(spec_.options)}, {"from", from}});
  return true;
}

bool JournalInput::ReadSome() {
  JournalEntry entry;
  int n = 0;
  while (n < kEntriesPerRound && !builder_.full()) {
    Result<bool> next = reader_->Next(&entry);
    if (!next.ok()) {
      log::Error(kComponent, "cannot read the journal; reopening it",
                 {{"input", spec_.name}, {"error", next.status().ToString()}});
      Commit();
      reader_.reset();
      break;
    }
    if (!*next) break;
    AddRecord(entry);
    Result<std::string> cursor = reader_->Cursor();
    if (cursor.ok()) read_cursor_ = std::move(*cursor);
    ++n;
  }
  return n > 0;
}

void JournalInput::AddRecord(const JournalEntry& entry) {
  std::string_view message = entry.message;
  if (FindInvalidUtf8(message) != std::string_view::npos) {
    size_t replaced = 0;
    scratch_ = RepairUtf8(message, &replaced);
    message = scratch_;
    input_metrics_.invalid_utf8->Inc(static_cast<double>(replaced));
  }
  std::array<otlp::KeyValueView, 5> attributes;
  size_t n = 0;
  auto add = [&](std::string_view key, std::string_view value) {
    if (!value.empty() && IsValidUtf8(value)) {
      attributes[n++] = otlp::KeyValueView{key, otlp::AnyValueView::String(value)};
    }
  };
  add("systemd.unit", entry.unit);
  add("syslog.identifier", entry.identifier);
  add("process.command", entry.command);
  add("journald.transport", entry.transport);
  if (entry.pid >= 0) attributes[n++] = {"process.pid", otlp::AnyValueView::Int(entry.pid)};

  int64_t now = clock_->NowUnixNanos();
  otlp::LogRecordView record;
  record.observed_time_unix_nano = static_cast<uint64_t>(now);
  record.time_unix_nano =
      entry.realtime_usec != 0 ? entry.realtime_usec * 1000 : static_cast<uint64_t>(now);
  record.severity_number = PrioritySeverity(entry.priority);
  record.severity_text = PriorityName(entry.priority);
  record.body = otlp::AnyValueView::String(message);
  record.attributes = std::span<const otlp::KeyValueView>(attributes.data(), n);
  builder_.Add(this, resource_views_, record, clock_->MonotonicNanos());
  input_metrics_.lines->Inc();
  input_metrics_.bytes->Inc(static_cast<double>(entry.message.size()));
  input_metrics_.records->Inc();
}

bool JournalInput::Commit() {
  if (!pending_) {
    if (builder_.empty()) return true;
    CommitRequest request;
    request.records = static_cast<uint32_t>(builder_.records());
    request.body = builder_.Finish();
    if (compressor_) {
      std::string compressed = compressor_->Compress(request.body);
      if (pool_) pool_->Give(std::move(request.body));
      request.body = std::move(compressed);
      request.gzip = true;
    }
    request.cursors.push_back(SourceCursor{spec_.name, read_cursor_});
    pending_ = std::move(request);
  }
  if (!sink_->HasRoom(pending_->body.size())) {
    if (!paused_) {
      paused_ = true;
      metrics_->inputs_paused.Set(1);
      metrics_->input_pauses.Inc();
      log::Warning(kComponent, "queue full; the journal input waits for room",
                   {{"input", spec_.name}});
    }
    return false;
  }
  std::string cursor = pending_->cursors.back().cursor;
  Status st = sink_->Commit(*pending_);
  if (!st.ok()) {
    metrics_->queue_commit_errors.Inc();
    log::Error(kComponent, "cannot write to the queue; retrying",
               {{"input", spec_.name}, {"error", st.ToString()}});
    return false;
  }
  pending_.reset();
  cursor_ = std::move(cursor);
  if (paused_) {
    paused_ = false;
    metrics_->inputs_paused.Set(0);
    log::Info(kComponent, "queue has room again; the journal input resumed",
              {{"input", spec_.name}});
  }
  return true;
}

}  // namespace nightjar::agent::journal
