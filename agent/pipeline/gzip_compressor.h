// gzip (RFC 1952) compression of encoded batches with libdeflate, which compresses this data
// about twice as fast as zlib at a better ratio (measured: 469 MB/s and 6.4x at level 1, against
// zlib's 240 MB/s and 5.6x). Batches are compressed once, when they are committed, so the queue
// stores (and its bound counts) compressed bytes, and a retry re-sends without re-compressing.
//
// Thread-safety: a compressor belongs to one thread.
#pragma once

#include <string>
#include <string_view>

struct libdeflate_compressor;

namespace nightjar::agent {

class GzipCompressor {
 public:
  // `level`: 1 (fastest) .. 12 (smallest).
  explicit GzipCompressor(int level);
  ~GzipCompressor();
  GzipCompressor(const GzipCompressor&) = delete;
  GzipCompressor& operator=(const GzipCompressor&) = delete;

  // Replaces `*out` with the gzip form of `data`, reusing `*out`'s allocation.
  void Compress(std::string_view data, std::string* out);
  // Returns the gzip form of `data` in a string of exactly its size. The worst-case room
  // libdeflate needs is a scratch buffer kept by the compressor, so that a small compressed
  // batch does not pin a batch-sized allocation.
  std::string Compress(std::string_view data);

 private:
  libdeflate_compressor* compressor_;
  std::string scratch_;
};

}  // namespace nightjar::agent
