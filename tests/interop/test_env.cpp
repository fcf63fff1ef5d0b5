// Tool and file locations for the interop tests; see test_env.h.
#include "test_env.h"

#include <stdlib.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>

namespace nightjar::interop {
namespace fs = std::filesystem;

namespace {

// CMake writes "<VAR>-NOTFOUND" for a program find_program() did not find.
Result<std::string> Tool(std::string_view configured, const char* name) {
  if (configured.empty() || configured.ends_with("-NOTFOUND")) {
    return NotFound(std::string(name) +
                    " was not found when the build was configured; install it and reconfigure");
  }
  return std::string(configured);
}

}  // namespace

fs::path InteropDir() {
  if (const char* source = std::getenv("NJ_SOURCE_DIR"); source != nullptr && *source != '\0') {
    return fs::path(source) / "tests" / "interop";
  }
  return fs::path(NJ_INTEROP_SOURCE_DIR);
}

fs::path ProtoDir() { return InteropDir().parent_path().parent_path() / "sdk" / "proto"; }

Result<std::string> NodePath() { return Tool(NJ_NODE_EXECUTABLE, "node"); }

Result<std::string> ProtocPath() { return Tool(NJ_PROTOC_EXECUTABLE, "protoc"); }

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot open " + path.string());
  std::ostringstream data;
  data << in.rdbuf();
  if (in.bad()) return IoError("cannot read " + path.string());
  return std::move(data).str();
}

Status WriteFile(const fs::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) return IoError("cannot write " + path.string());
  return Status::Ok();
}

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "nightjar-interop-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

}  // namespace nightjar::interop
