// Loading the HTTPS module; see https_sessions.h.
#include "exporter/https/https_sessions.h"

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <vector>

#include "exporter/https/https_module.h"

namespace nightjar::agent::https {
namespace {

constexpr char kModuleName[] = "nightjar-agent-https.so";

// Function-local, so that a SetModulePath() from another file's static initializer finds it
// constructed.
struct ModuleState {
  std::mutex mutex;
  std::string override_path;           // SetModulePath()
  NjHttpsSessionFn session = nullptr;  // set once the module is loaded
};

ModuleState& State() {
  static ModuleState state;
  return state;
}

// Where the module may be, in order.
std::vector<std::string> Candidates(const std::string& override_path) {
  if (!override_path.empty()) return {override_path};
  std::vector<std::string> out;
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back((self.parent_path() / kModuleName).string());
  out.push_back(NJ_AGENT_HTTPS_MODULE_DIR "/" + std::string(kModuleName));
  return out;
}

// Loads the module once; sets `out` to its function.
Status Load(NjHttpsSessionFn* out) {
  ModuleState& state = State();
  std::lock_guard<std::mutex> lock(state.mutex);
  if (state.session != nullptr) {
    *out = state.session;
    return Status::Ok();
  }
  std::string tried;
  for (const std::string& path : Candidates(state.override_path)) {
    if (::access(path.c_str(), R_OK) != 0) {
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    // Never closed: sessions and their TLS contexts live in it until the process ends.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) return FailedPrecondition("cannot load " + path + ": " + ::dlerror());
    void* symbol = ::dlsym(handle, kNjHttpsSessionSymbol);
    if (symbol == nullptr) return FailedPrecondition(path + " is not the agent's HTTPS module");
    state.session = reinterpret_cast<NjHttpsSessionFn>(symbol);
    *out = state.session;
    return Status::Ok();
  }
  return FailedPrecondition("https endpoints need the agent's HTTPS module, " +
                            std::string(kModuleName) + ", which is not at " + tried +
                            " (is the nightjar-agent package whole?)");
}

}  // namespace

Result<std::unique_ptr<Poco::Net::HTTPClientSession>> NewSession(
    const std::string& host, uint16_t port, const TlsClientSettings& settings) {
  NjHttpsSessionFn make = nullptr;
  NJ_RETURN_IF_ERROR(Load(&make));
  NjHttpsSettings c{settings.ca_file.c_str(), settings.cert_file.c_str(), settings.key_file.c_str(),
                    settings.insecure_skip_verify ? 1 : 0};
  char error[1024] = {};
  Poco::Net::HTTPClientSession* session = make(host.c_str(), port, &c, error, sizeof(error));
  if (session == nullptr) return InvalidArgument(error);
  return std::unique_ptr<Poco::Net::HTTPClientSession>(session);
}

Status Check(const TlsClientSettings& settings) {
  NJ_ASSIGN_OR_RETURN(auto session, NewSession("localhost", 443, settings));
  return Status::Ok();
}

void SetModulePath(std::string path) {
  ModuleState& state = State();
  std::lock_guard<std::mutex> lock(state.mutex);
  state.override_path = std::move(path);
}

}  // namespace nightjar::agent::https
