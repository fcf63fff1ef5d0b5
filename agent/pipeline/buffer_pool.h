// Recycled buffers for encoded batches.
//
// A batch buffer (about batch.max_bytes) is filled by the tail thread and released by the
// exporter thread once the collector acknowledged it. Allocating and freeing a megabyte per
// batch across threads makes glibc trim and re-fault the memory each time (page faults were a
// quarter of the agent's CPU); recycling a handful of buffers keeps the same pages in use and
// the footprint flat.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace nightjar::agent {

class BufferPool : public std::enable_shared_from_this<BufferPool> {
 public:
  // Keeps at most `max_buffers` idle buffers with a capacity in [min_capacity, max_capacity]:
  // smaller ones (compressed batches) would not spare an allocation, larger ones would pin
  // memory an oversized batch needed once.
  static std::shared_ptr<BufferPool> Create(size_t max_buffers, size_t min_capacity,
                                            size_t max_capacity) {
    return std::shared_ptr<BufferPool>(new BufferPool(max_buffers, min_capacity, max_capacity));
  }

  // Returns an empty buffer, recycled when one is idle.
  std::string Take() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.empty()) return std::string();
    std::string out = std::move(idle_.back());
    idle_.pop_back();
    out.clear();
    return out;
  }

  // Returns a shared, immutable handle on `buffer` that gives the buffer back to the pool when
  // the last reference goes.
  std::shared_ptr<const std::string> Share(std::string buffer) {
    std::weak_ptr<BufferPool> pool = weak_from_this();
    return std::shared_ptr<const std::string>(new std::string(std::move(buffer)),
                                              [pool](const std::string* s) {
                                                auto* owned = const_cast<std::string*>(s);
                                                if (auto p = pool.lock())
                                                  p->Give(std::move(*owned));
                                                delete owned;
                                              });
  }

  // Gives a buffer back for reuse.
  void Give(std::string buffer) {
    if (buffer.capacity() < min_capacity_ || buffer.capacity() > max_capacity_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < max_buffers_) idle_.push_back(std::move(buffer));
  }

 private:
  BufferPool(size_t max_buffers, size_t min_capacity, size_t max_capacity)
      : max_buffers_(max_buffers), min_capacity_(min_capacity), max_capacity_(max_capacity) {}

  const size_t max_buffers_;
  const size_t min_capacity_;
  const size_t max_capacity_;
  std::mutex mutex_;
  std::vector<std::string> idle_;
};

}  // namespace nightjar::agent
