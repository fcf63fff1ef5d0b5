// gzip with libdeflate; see gzip_compressor.h.
#include "pipeline/gzip_compressor.h"

#include <libdeflate.h>

#include <new>

namespace nightjar::agent {

GzipCompressor::GzipCompressor(int level) : compressor_(libdeflate_alloc_compressor(level)) {
  if (compressor_ == nullptr) throw std::bad_alloc();
}

GzipCompressor::~GzipCompressor() { libdeflate_free_compressor(compressor_); }

void GzipCompressor::Compress(std::string_view data, std::string* out) {
  size_t bound = libdeflate_gzip_compress_bound(compressor_, data.size());
  out->resize(bound);
  size_t n = libdeflate_gzip_compress(compressor_, data.data(), data.size(), out->data(), bound);
  // The bound guarantees room; 0 would mean a bug in the bound.
  out->resize(n);
}

std::string GzipCompressor::Compress(std::string_view data) {
  Compress(data, &scratch_);
  std::string out(scratch_);
  return out;
}

}  // namespace nightjar::agent
