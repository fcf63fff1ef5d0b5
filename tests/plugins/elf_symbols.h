// Reads the symbols a shared library exports, straight from its ELF dynamic symbol table, so
// that tests do not depend on binutils being installed.
//
// Thread-safety: reentrant.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace nightjar::plugins::testing {

// Returns the names of the symbols `path` defines and exports (global or weak bindings in
// .dynsym, not undefined), as `nm -D --defined-only` lists them. 64-bit ELF only.
Result<std::vector<std::string>> ExportedSymbols(const std::string& path);

}  // namespace nightjar::plugins::testing
