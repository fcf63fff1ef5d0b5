// gzip with zlib; see gzip.h.
#include "otlp/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <limits>

namespace nightjar::otlp {
namespace {

// zlib counts in uInt; feed it at most this much at a time.
constexpr size_t kMaxChunk = 1u << 30;

// Owns a z_stream set up for inflate or deflate and ends it on scope exit.
class ZStream {
 public:
  explicit ZStream(bool inflate) : inflate_(inflate) {}
  ~ZStream() {
    if (!initialized_) return;
    if (inflate_) {
      inflateEnd(&z_);
    } else {
      deflateEnd(&z_);
    }
  }
  ZStream(const ZStream&) = delete;
  ZStream& operator=(const ZStream&) = delete;

  bool Init(int level) {
    // 15 + 16: a 32 KB window with a gzip header and trailer instead of a zlib one.
    int rc = inflate_ ? inflateInit2(&z_, 15 + 16)
                      : deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    initialized_ = rc == Z_OK;
    return initialized_;
  }
  z_stream* get() { return &z_; }

 private:
  z_stream z_{};
  bool inflate_;
  bool initialized_ = false;
};

}  // namespace

std::string GzipCompress(std::string_view data, int level) {
  ZStream stream(false);
  if (!stream.Init(std::clamp(level, 1, 9))) return {};
  z_stream* z = stream.get();
  std::string out;
  out.resize(deflateBound(z, static_cast<uLong>(std::min(data.size(), kMaxChunk))) + 64);
  z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  size_t in_left = data.size();
  size_t produced = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    size_t chunk = std::min(in_left, kMaxChunk);
    z->avail_in = static_cast<uInt>(chunk);
    if (produced == out.size()) out.resize(out.size() * 2);
    z->next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    z->avail_out = static_cast<uInt>(std::min(out.size() - produced, kMaxChunk));
    size_t before_out = z->avail_out;
    rc = deflate(z, in_left == chunk ? Z_FINISH : Z_NO_FLUSH);
    in_left -= chunk - z->avail_in;
    produced += before_out - z->avail_out;
    if (rc == Z_STREAM_ERROR) return {};
  }
  out.resize(produced);
  return out;
}

Result<std::string> GzipDecompress(std::string_view data, size_t max_size) {
  // One byte of room beyond the limit detects "exceeds" without allocating for it; keep that
  // sum from wrapping when a caller passes SIZE_MAX for "no limit".
  max_size = std::min(max_size, std::numeric_limits<size_t>::max() - 1);
  std::string out;
  size_t offset = 0;
  // RFC 1952 allows several members back to back; gunzip decodes them all.
  do {
    ZStream stream(true);
    if (!stream.Init(0)) return Internal("gzip: cannot initialise zlib");
    z_stream* z = stream.get();
    z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + offset));
    size_t in_left = data.size() - offset;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
      size_t chunk = std::min(in_left, kMaxChunk);
      z->avail_in = static_cast<uInt>(chunk);
      // Grow the output in steps, never beyond max_size + 1, so that exceeding the limit is
      // detected without allocating for it.
      if (out.size() == out.capacity() || out.size() + 1 > out.capacity()) {
        size_t want = std::max<size_t>(out.size() * 2, 64 * 1024);
        out.reserve(std::min(want, max_size + 1));
      }
      size_t room = std::min(out.capacity() - out.size(), kMaxChunk);
      if (room == 0) {
        return ResourceExhausted("gzip: decompressed body exceeds the limit of " +
                                 std::to_string(max_size) + " bytes");
      }
      size_t old_size = out.size();
      out.resize(old_size + room);
      z->next_out = reinterpret_cast<Bytef*>(out.data() + old_size);
      z->avail_out = static_cast<uInt>(room);
      rc = inflate(z, Z_NO_FLUSH);
      out.resize(old_size + (room - z->avail_out));
      in_left -= chunk - z->avail_in;
      if (out.size() > max_size) {
        return ResourceExhausted("gzip: decompressed body exceeds the limit of " +
                                 std::to_string(max_size) + " bytes");
      }
      if (rc == Z_STREAM_END) break;
      if (rc == Z_BUF_ERROR && in_left == 0 && z->avail_in == 0) {
        return InvalidArgument("gzip: truncated stream");
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return InvalidArgument(std::string("gzip: corrupt stream: ") +
                               (z->msg != nullptr ? z->msg : "inflate failed"));
      }
    }
    offset = data.size() - in_left;
  } while (offset < data.size() && static_cast<unsigned char>(data[offset]) == 0x1f);
  if (offset != data.size()) {
    return InvalidArgument("gzip: " + std::to_string(data.size() - offset) +
                           " bytes of garbage after the stream");
  }
  return out;
}

}  // namespace nightjar::otlp
