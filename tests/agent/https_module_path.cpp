// Points the unit tests at this build's HTTPS module: their binary does not live next to it as
// the agent's does.
#include "exporter/https/https_sessions.h"

namespace {

const bool kModulePathSet = [] {
  nightjar::agent::https::SetModulePath(NJ_AGENT_HTTPS_MODULE);
  return true;
}();

}  // namespace
