// Bounded ingest queue; see ingest_queue.h.
#include "pipeline/ingest_queue.h"

namespace nightjar::collector {

Status IngestQueue::Push(std::unique_ptr<IngestItem>& item) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return Unavailable("the collector is shutting down");
    if (!item->exempt_from_limit && bytes_ > 0 && bytes_ + item->bytes > max_bytes_) {
      return ResourceExhausted("the ingest queue is full (" + std::to_string(bytes_) + " of " +
                               std::to_string(max_bytes_) + " bytes)");
    }
    bytes_ += item->bytes;
    items_.push_back(std::move(item));
  }
  ready_.notify_one();
  return Status::Ok();
}

std::vector<std::unique_ptr<IngestItem>> IngestQueue::Pop(size_t max_batch_bytes,
                                                          Duration timeout) {
  std::vector<std::unique_ptr<IngestItem>> out;
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait_for(lock, timeout, [&] { return !items_.empty() || closed_; });
  size_t taken = 0;
  while (!items_.empty() && (out.empty() || taken + items_.front()->bytes <= max_batch_bytes)) {
    taken += items_.front()->bytes;
    out.push_back(std::move(items_.front()));
    items_.pop_front();
  }
  return out;
}

void IngestQueue::Release(size_t bytes) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    bytes_ -= std::min(bytes, bytes_);
  }
  released_.notify_all();
}

bool IngestQueue::WaitEmpty(Duration timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return released_.wait_for(lock, timeout, [&] { return bytes_ == 0 && items_.empty(); });
}

void IngestQueue::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

bool IngestQueue::closed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_;
}

size_t IngestQueue::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

}  // namespace nightjar::collector
