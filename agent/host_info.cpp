// Host resource attributes; see host_info.h.
#include "host_info.h"

#include <unistd.h>

#include <fstream>

namespace nightjar::agent {

std::vector<std::pair<std::string, std::string>> HostResource(
    const std::vector<std::string>& machine_id_paths) {
  std::vector<std::pair<std::string, std::string>> out;
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) == 0 && name[0] != '\0') {
    out.emplace_back("host.name", name);
  }
  for (const std::string& path : machine_id_paths) {
    std::ifstream in(path);
    std::string id;
    if (in && std::getline(in, id)) {
      while (!id.empty() && (id.back() == ' ' || id.back() == '\r')) id.pop_back();
      if (!id.empty()) {
        out.emplace_back("host.id", id);
        break;
      }
    }
  }
  out.emplace_back("os.type", "linux");
  return out;
}

}  // namespace nightjar::agent
