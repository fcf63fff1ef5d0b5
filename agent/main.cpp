// nightjar-agent: tails log files and ships every line to an OTLP/HTTP collector.
//
//   nightjar-agent --config /etc/nightjar/agent.yaml
//   nightjar-agent --config agent.yaml --check-config
//
// Runs in the foreground (systemd Type=notify): READY=1 once files are being read, WATCHDOG=1
// while the agent's threads are alive (when WatchdogSec= is set), STOPPING=1 on SIGTERM. Exit
// codes: 0 after a clean stop, 1 when the agent cannot start, 2 on a usage or configuration
// error.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "agent.h"
#include "base/logging.h"
#include "config/agent_config.h"
#include "runtime/sd_notify.h"
#include "runtime/signals.h"

#ifndef NJ_VERSION
#define NJ_VERSION "0.0.0"
#endif

namespace {

using namespace nightjar;  // NOLINT: a main file

constexpr char kUsage[] =
    "Usage: nightjar-agent [--config FILE] [--check-config] [--log-level LEVEL]\n"
    "\n"
    "Tails log files and ships every line to a collector over OTLP/HTTP, through a\n"
    "persistent queue: nothing is lost across rotation, restarts or collector outages.\n"
    "\n"
    "  --config FILE      configuration (YAML); default /etc/nightjar/agent.yaml\n"
    "  --check-config     validate the configuration and exit (0 = valid)\n"
    "  --log-level LEVEL  debug, info, notice, warning, error (overrides log_level)\n"
    "  --help             show this help\n"
    "  --version          show the version\n"
    "\n"
    "Signals: SIGTERM/SIGINT stop after flushing (shutdown.grace_period); SIGHUP reloads\n"
    "the configuration file (an invalid one is refused and the running one kept; state_dir\n"
    "and queue settings need a restart).\n";

// Handles SIGHUP: reads the configuration file again and applies it; an invalid one is refused
// with its error, and the running configuration stays.
void Reload(agent::Agent& running, const std::string& config_path,
            const std::string& log_level_override) {
  log::Info("agent", "SIGHUP received: reloading the configuration", {{"path", config_path}});
  Result<agent::AgentConfig> next = agent::LoadAgentConfig(config_path);
  if (!next.ok()) {
    log::Error("agent", "configuration refused; keeping the running one",
               {{"error", next.status().message()}});
    return;
  }
  log::Level level = log::Level::kInfo;
  if (!log::ParseLevel(log_level_override.empty() ? next->log_level : log_level_override, &level)) {
    log::Error("agent", "configuration refused; keeping the running one",
               {{"error", "unknown log level \"" + next->log_level + "\""}});
    return;
  }
  Status reloaded = running.Reload(*next);
  if (!reloaded.ok()) {
    log::Error("agent", "configuration refused; keeping the running one",
               {{"error", reloaded.ToString()}});
    return;
  }
  log::SetLevel(level);
}

int Fail(const std::string& message, int code) {
  std::fprintf(stderr, "nightjar-agent: %s\n", message.c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread exists, so that every thread inherits the mask (see signals.h).
  BlockTerminationSignals();

  std::string config_path = "/etc/nightjar/agent.yaml";
  std::string log_level;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](std::string_view name) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)name;
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--version") {
      std::printf("nightjar-agent %s\n", NJ_VERSION);
      return 0;
    }
    if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--config" || arg == "-c") {
      const char* v = value(arg);
      if (v == nullptr) return Fail("--config needs a file name", 2);
      config_path = v;
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = std::string(arg.substr(9));
    } else if (arg == "--log-level") {
      const char* v = value(arg);
      if (v == nullptr) return Fail("--log-level needs a level", 2);
      log_level = v;
    } else {
      return Fail("unknown argument \"" + std::string(arg) + "\" (see --help)", 2);
    }
  }

  Result<agent::AgentConfig> config = agent::LoadAgentConfig(config_path);
  if (!config.ok()) return Fail(config.status().message(), 2);
  // Compiling the inputs checks what reading alone cannot (patterns, formats) the same way
  // the agent will use them.
  Result<std::vector<agent::TailInput>> compiled = agent::CompileInputs(*config, {});
  if (!compiled.ok()) return Fail(compiled.status().message(), 2);
  if (check_only) {
    std::printf("%s: configuration OK (%zu input%s%s)\n", config_path.c_str(),
                config->inputs.size(), config->inputs.size() == 1 ? "" : "s",
                config->host_metrics.enabled ? ", host metrics" : "");
    return 0;
  }

  log::Level level = log::Level::kInfo;
  if (!log::ParseLevel(log_level.empty() ? config->log_level : log_level, &level)) {
    return Fail("unknown log level \"" + log_level + "\"", 2);
  }
  log::SetLevel(level);

  Result<std::unique_ptr<agent::Agent>> created = agent::Agent::Create(*config);
  if (!created.ok()) return Fail(created.status().message(), 1);
  std::unique_ptr<agent::Agent> running = std::move(*created);
  Status started = running->Start();
  if (!started.ok()) {
    log::Error("agent", "cannot start", {{"error", started.ToString()}});
    return 1;
  }
  SdNotify("READY=1");

  std::optional<Duration> watchdog = SdWatchdogInterval();
  Duration tick = std::chrono::seconds(1);
  if (watchdog) tick = std::min<Duration>(tick, *watchdog / 2);
  while (true) {
    std::optional<int> sig = WaitForSignal(tick);
    if (watchdog && running->Healthy()) SdNotify("WATCHDOG=1");
    if (!sig) continue;
    if (*sig == SIGHUP) {
      SdNotify(SdReloadingMessage());
      Reload(*running, config_path, log_level);
      SdNotify("READY=1");
      continue;
    }
    break;  // SIGTERM or SIGINT
  }
  SdNotify("STOPPING=1");
  Status stopped = running->Stop();
  running.reset();
  return 0;
}
