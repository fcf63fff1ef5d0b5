// Where the interop tests find their tools and files, and the scratch space they work in.
//
// Tool paths are the ones CMake found at configure time; a missing tool is reported as a test
// failure, never a skip, because an interop test that silently does not run proves nothing.
//
// Thread-safety: all functions are reentrant; a TempDir belongs to one thread.
#pragma once

#include <filesystem>
#include <string>

#include "base/status.h"

namespace nightjar::interop {

// Returns tests/interop of the source tree: from ctest's NJ_SOURCE_DIR, or as configured.
std::filesystem::path InteropDir();

// Returns the directory of the OTLP .proto files (sdk/proto of the source tree).
std::filesystem::path ProtoDir();

// Returns the node executable, or an error naming the missing tool.
Result<std::string> NodePath();

// Returns the protoc executable, or an error naming the missing tool.
Result<std::string> ProtocPath();

// Returns the contents of a file, or an error.
Result<std::string> ReadFile(const std::filesystem::path& path);

// Writes `data` to a file, replacing it.
Status WriteFile(const std::filesystem::path& path, std::string_view data);

// A fresh directory under the system's temporary directory, removed with everything in it when
// the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace nightjar::interop
