// What the agent remembers about each source it reads: for a file, which file (device, inode and
// the first bytes) and up to where its content is safely in the persistent queue; for a source
// that names its own positions (the systemd journal), the position of the last entry queued.
//
// Thread-safety: plain values.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace nightjar::agent {

// A file's identity on this host: device and inode number.
struct FileKey {
  uint64_t device = 0;
  uint64_t inode = 0;
  friend auto operator<=>(const FileKey&, const FileKey&) = default;
};

// Checkpoint flags.
inline constexpr uint32_t kCheckpointDiscarding = 1;  // resume inside an over-long line being cut

struct Checkpoint {
  FileKey key;
  std::string input;        // the input that tails the file
  std::string path;         // where the file was found (for messages and attributes)
  std::string fingerprint;  // the file's first bytes, to tell a reused inode from the same file
  uint64_t offset = 0;      // every byte before this is in the queue (or was delivered)
  uint32_t flags = 0;
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The position of an input that reads a source with positions of its own (a journal cursor):
// every entry up to and including `cursor` is in the queue (or was delivered).
struct SourceCursor {
  std::string input;
  std::string cursor;
  friend bool operator==(const SourceCursor&, const SourceCursor&) = default;
};

}  // namespace nightjar::agent
