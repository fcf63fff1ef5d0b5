// nightjar-collector: receives OTLP, stores it in SQLite, answers queries.
//
// main() owns what is process-wide: command-line flags, the configuration file, signals and
// the systemd notify protocol. Everything else is in Collector (collector.h).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "base/logging.h"
#include "collector.h"
#include "config/collector_config.h"
#include "config/config_locator.h"
#include "config/plugin_check.h"
#include "config/restart_only.h"
#include "rules/rule_tester.h"
#include "runtime/sd_notify.h"
#include "runtime/signals.h"

namespace {

using nightjar::collector::CollectorConfig;

constexpr const char* kComponent = "collector";

constexpr const char* kUsage = R"(Usage: nightjar-collector [options]
       nightjar-collector test-rules TEST_FILE...

Receives OpenTelemetry logs and metrics over OTLP/HTTP, stores them in SQLite, and answers
queries over a REST API.

Options:
  --config FILE            read the YAML configuration FILE (default: embedded defaults)
  --check-config           validate the configuration, load the configured plugins and
                           start their instances (options checked) and load the rule
                           files, then exit (0 = valid)
  --data-dir DIR           store data under DIR (overrides data_dir)
  --listen-address H:P     OTLP/HTTP listen address (overrides receiver.listen; port 0 = any)
  --api-address H:P        query API listen address (overrides api.listen)
  --ports-file FILE        once listening, write {"otlp": PORT, "api": PORT} to FILE
  --log-level LEVEL        debug, info, notice, warning, error (overrides log_level)
  --help                   print this help and exit
  --version                print the version and exit

Embedded defaults: OTLP/HTTP on 127.0.0.1:4318, API on 127.0.0.1:4380, data in
$STATE_DIRECTORY, else /var/lib/nightjar if writable, else ./nightjar-data; plugins from
the installed plugin directory (below) when it exists.
test-rules runs rule test files (see docs/rules.md) and exits 0 when every expectation
holds, 1 with a diff when one does not, 2 when a file cannot be read.
Signals: SIGTERM/SIGINT stop cleanly (everything acknowledged is committed). SIGHUP re-reads
the configuration file (with the options above applied again) and applies it without a
restart: rules, plugin instances, alerting, tokens, retention, API limits, log level and
listen addresses (only a changed address is rebound). An invalid configuration is refused
with its error logged and the running one stays. data_dir, store.*, alerting.database,
pipeline.*, receiver limits and thread counts need a restart: a change is logged and kept
as running (see docs/operations.md).
)";

struct Flags {
  std::optional<std::string> config;
  bool check = false;
  std::optional<std::string> data_dir, listen, api, ports_file, log_level;
};

// Returns the flags, or exits with status 2 and a message on a bad command line.
Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    size_t eq = arg.find('=');
    bool inline_value = arg.rfind("--", 0) == 0 && eq != std::string::npos;
    if (inline_value) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    auto next = [&]() -> std::string {
      if (inline_value) return value;
      if (i + 1 >= argc) {
        std::fprintf(stderr, "nightjar-collector: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::printf("Installed plugin directory: %s\n",
                  nightjar::collector::DefaultPluginDirectory().c_str());
      std::exit(0);
    } else if (arg == "--version") {
      std::printf("nightjar-collector %s\n", NJ_VERSION);
      std::exit(0);
    } else if (arg == "--config") {
      f.config = next();
    } else if (arg == "--check-config") {
      f.check = true;
    } else if (arg == "--data-dir") {
      f.data_dir = next();
    } else if (arg == "--listen-address") {
      f.listen = next();
    } else if (arg == "--api-address") {
      f.api = next();
    } else if (arg == "--ports-file") {
      f.ports_file = next();
    } else if (arg == "--log-level") {
      f.log_level = next();
    } else {
      std::fprintf(stderr, "nightjar-collector: unknown option %s (see --help)\n", arg.c_str());
      std::exit(2);
    }
  }
  return f;
}

nightjar::Result<CollectorConfig> BuildConfig(const Flags& f) {
  using namespace nightjar::collector;
  CollectorConfig config;
  if (f.config) {
    NJ_ASSIGN_OR_RETURN(config, LoadConfigFile(*f.config));
  } else {
    config = DefaultConfig();
  }
  if (f.data_dir) config.data_dir = *f.data_dir;
  if (f.listen) {
    NJ_ASSIGN_OR_RETURN(config.receiver.listen, ParseListenAddress(*f.listen, "--listen-address"));
  }
  if (f.api) {
    NJ_ASSIGN_OR_RETURN(config.api.listen, ParseListenAddress(*f.api, "--api-address"));
  }
  if (f.log_level) config.log_level = *f.log_level;
  nightjar::log::Level level;
  if (!nightjar::log::ParseLevel(config.log_level, &level)) {
    return nightjar::InvalidArgument("log level: unknown level \"" + config.log_level + "\"");
  }
  return config;
}

// Runs --check-config once the file itself is valid: loads the plugins and starts their
// instances as a start would. Every refused file or instance is printed (with file:line:column
// when the configuration names it); the configuration is invalid when a configured instance
// was refused. A refused file that no instance uses is only reported: at start it would be
// logged and skipped the same way.
int CheckConfig(const Flags& flags, const CollectorConfig& config) {
  using namespace nightjar::collector;
  // The host logs each refusal itself; here the lines below say it once, located.
  nightjar::log::SetLevel(nightjar::log::Level::kCritical);
  ConfigLocator locator = flags.config ? ConfigLocator::ForFile(*flags.config) : ConfigLocator();
  PluginCheck check = CheckPlugins(config.plugins, locator);
  for (const std::string& problem : check.problems) {
    std::fprintf(stderr, "nightjar-collector: %s\n", problem.c_str());
  }
  const char* name = flags.config ? flags.config->c_str() : "(embedded defaults)";
  if (check.instances_refused > 0) {
    std::fprintf(stderr,
                 "nightjar-collector: configuration %s is invalid: %zu configured plugin "
                 "instance(s) refused\n",
                 name, check.instances_refused);
    return 2;
  }
  // A route to a receiver that is not a notifier instance would fail every notification.
  std::vector<std::string> unknown = alerting::UnknownReceivers(config.alerting, config.plugins);
  for (const std::string& problem : unknown) {
    std::fprintf(stderr, "nightjar-collector: %s: %s\n", name, problem.c_str());
  }
  if (!unknown.empty()) {
    std::fprintf(stderr, "nightjar-collector: configuration %s is invalid\n", name);
    return 2;
  }
  // The rule files, loaded as a start would (nothing is evaluated).
  nightjar::collector::rules::RulesEngineOptions rules;
  rules.config = config.rules;
  nightjar::collector::rules::RulesEngine engine(rules);
  nightjar::collector::rules::LoadReport report = engine.Load();
  if (!report.ok()) {
    std::fprintf(stderr,
                 "nightjar-collector: %s\nnightjar-collector: configuration %s is invalid\n",
                 report.Errors().c_str(), name);
    return 2;
  }
  std::printf(
      "nightjar-collector: configuration %s is valid (plugins: %zu loaded, %zu instance(s) "
      "ready)\n",
      name, check.plugins_loaded, check.instances_running);
  return 0;
}

// Writes the bound ports atomically (rename), so a reader never sees a partial file.
bool WritePortsFile(const std::string& path, uint16_t otlp, uint16_t api) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "{\"otlp\": " << otlp << ", \"api\": " << api << "}\n";
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

// Handles SIGHUP: re-reads the configuration as at start (file, then the command-line
// overrides) and has the collector apply it. A configuration that does not load or that the
// collector refuses changes nothing; its error is logged as --check-config prints it. systemd
// (Type=notify-reload) is told that a reload runs, and when it is over.
void HandleReload(nightjar::collector::Collector& collector, const Flags& flags) {
  using namespace nightjar::collector;
  nightjar::SdNotify(nightjar::SdReloadingMessage());
  std::string name = flags.config ? *flags.config : "(embedded defaults)";
  nightjar::log::Notice(kComponent, "SIGHUP received: reloading the configuration",
                        {{"config", name}});
  nightjar::Status status = [&]() -> nightjar::Status {
    NJ_ASSIGN_OR_RETURN(CollectorConfig config, BuildConfig(flags));
    ConfigLocator locator = flags.config ? ConfigLocator::ForFile(*flags.config) : ConfigLocator();
    std::string log_level = config.log_level;
    NJ_RETURN_IF_ERROR(collector.Reload(std::move(config), locator));
    nightjar::log::Level level;
    if (nightjar::log::ParseLevel(log_level, &level)) nightjar::log::SetLevel(level);
    return nightjar::Status::Ok();
  }();
  if (!status.ok()) {
    nightjar::log::Error(kComponent,
                         "configuration refused; the running configuration stays unchanged",
                         {{"config", name}, {"error", status.message()}});
  } else if (flags.ports_file &&
             !WritePortsFile(*flags.ports_file, collector.otlp_port(), collector.api_port())) {
    nightjar::log::Error(kComponent, "cannot write the ports file", {{"path", *flags.ports_file}});
  }
  nightjar::SdNotify("READY=1\nSTATUS=receiving on port " + std::to_string(collector.otlp_port()));
}

}  // namespace

int main(int argc, char** argv) {
  // `nightjar-collector test-rules FILE...`: runs rule test files, as promtool test rules does.
  if (argc >= 2 && std::string_view(argv[1]) == "test-rules") {
    return nightjar::collector::rules::TestRulesMain({argv + 2, argv + argc}, std::cout);
  }
  // Before any thread exists, so that every thread inherits the blocked mask.
  nightjar::BlockTerminationSignals();
  Flags flags = ParseFlags(argc, argv);
  auto config = BuildConfig(flags);
  if (!config.ok()) {
    std::fprintf(stderr, "nightjar-collector: %s\n", config.status().message().c_str());
    return 2;
  }
  if (flags.check) return CheckConfig(flags, *config);
  nightjar::log::Level level;
  nightjar::log::ParseLevel(config->log_level, &level);
  nightjar::log::SetLevel(level);

  nightjar::collector::Collector collector(std::move(config).value());
  nightjar::Status started = collector.Start();
  if (!started.ok()) {
    nightjar::log::Error(kComponent, "cannot start", {{"error", started.message()}});
    collector.Stop();
    return 1;
  }
  const CollectorConfig& c = collector.config();
  // The API on the receiver's listener shares its TLS.
  bool api_tls =
      nightjar::collector::SharesListener(c) ? c.receiver.tls.enabled() : c.api.tls.enabled();
  std::string otlp =
      (c.receiver.tls.enabled() ? "https://" : "http://") +
      nightjar::collector::ListenAddress{c.receiver.listen.host, collector.otlp_port()}.ToString();
  std::string api =
      (api_tls ? "https://" : "http://") +
      nightjar::collector::ListenAddress{c.api.listen.host, collector.api_port()}.ToString();
  nightjar::log::Notice(kComponent, "nightjar-collector " NJ_VERSION " started",
                        {{"database", c.DatabasePath()}});
  nightjar::log::Notice(kComponent,
                        "send OTLP/HTTP to " + otlp + " (POST /v1/logs, /v1/metrics, /v1/traces)");
  nightjar::log::Notice(kComponent, "query API at " + api +
                                        "/api/v1 (OpenAPI: /api/v1/openapi.json; also "
                                        "/metrics, /healthz, /readyz)");
  if (flags.ports_file &&
      !WritePortsFile(*flags.ports_file, collector.otlp_port(), collector.api_port())) {
    nightjar::log::Error(kComponent, "cannot write the ports file", {{"path", *flags.ports_file}});
    collector.Stop();
    return 1;
  }
  nightjar::SdNotify("READY=1\nSTATUS=receiving on " + otlp);

  auto watchdog = nightjar::SdWatchdogInterval();
  nightjar::Duration tick = watchdog ? *watchdog / 2 : nightjar::Duration(std::chrono::seconds(5));
  for (;;) {
    std::optional<int> sig = nightjar::WaitForSignal(tick);
    if (!sig) {
      // Only a live main loop pings: a wedged process is restarted by systemd.
      if (watchdog) nightjar::SdNotify("WATCHDOG=1");
      continue;
    }
    if (*sig == SIGHUP) {
      HandleReload(collector, flags);
      continue;
    }
    nightjar::log::Notice(kComponent, "stopping", {{"signal", strsignal(*sig)}});
    break;
  }
  nightjar::SdNotify("STOPPING=1");
  collector.Stop();
  nightjar::log::Notice(kComponent, "stopped; everything acknowledged is committed");
  return 0;
}
