// The collector's configuration: the YAML file's schema, its defaults, and validation.
//
// Every section and key is optional; an absent file means the embedded defaults, which are
// safe: listen on localhost only, store under a data directory, no authentication (only local
// clients can reach it). Unknown keys are errors, so a typo never silently means a default.
// See docs/api.md ("Configuration") for the reference.
//
// Thread-safety: plain values; the loader uses one ConfigNode on the calling thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "alerting/alerting_config.h"
#include "base/status.h"
#include "plugin_host/plugin_host_config.h"
#include "rules/rules_config.h"
#include "runtime/config.h"
#include "runtime/tls.h"
#include "runtime/units.h"

namespace nightjar::collector {

// A host and port to listen on ("127.0.0.1:4318", "[::1]:0", ":4318" = all interfaces).
struct ListenAddress {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const;
};

// Parses "host:port"; `what` names the setting in the error.
Result<ListenAddress> ParseListenAddress(std::string_view text, std::string_view what);

struct CollectorConfig {
  std::string log_level = "info";
  std::string data_dir;  // see DefaultDataDir()

  struct Receiver {
    ListenAddress listen{"127.0.0.1", 4318};
    uint64_t max_body_size = 16 << 20;  // compressed and decompressed, per request
    int threads = 8;
    Duration commit_timeout = std::chrono::seconds(30);
    Duration retry_after = std::chrono::seconds(1);
    Duration max_future_skew = std::chrono::hours(1);
    TlsServerSettings tls;  // cert_file set: the listener speaks HTTPS only
  } receiver;

  struct Api {
    ListenAddress listen{"127.0.0.1", 4380};
    int threads = 4;
    Duration query_timeout = std::chrono::seconds(10);
    int max_limit = 1000;
    TlsServerSettings tls;  // when the API shares the receiver's listener, the receiver's counts
  } api;

  struct Auth {
    std::vector<std::string> ingest_tokens;  // empty = ingestion needs no token
    std::vector<std::string> api_tokens;     // empty = the API needs no token
  } auth;

  struct Pipeline {
    uint64_t queue_max_bytes = 64 << 20;
    uint64_t max_batch_bytes = 16 << 20;
    // Committed points waiting for the detector plugins (24 bytes each); beyond, points skip
    // detection (counted), so that detection never holds up ingestion.
    uint64_t detection_queue_max_bytes = 8 << 20;
  } pipeline;

  struct Store {
    std::string path;  // default: <data_dir>/nightjar.db
    std::string synchronous = "normal";
    uint64_t cache_size = 64 << 20;
    int readers = 4;
  } store;

  struct Retention {
    Duration logs = std::chrono::hours(24 * 7);
    Duration metrics = std::chrono::hours(24 * 30);
    uint64_t max_size = 0;  // 0 = unlimited
    Duration interval = std::chrono::minutes(1);
  } retention;

  // The `plugins:` section (plugin_host_config.h). Without `directory:`, the directory is the
  // installed plugin directory (DefaultPluginDirectory()) when it exists.
  plugins::PluginHostConfig plugins;

  // The `alerting:` section (alerting/alerting_config.h): routes to notifier instances, repeat
  // interval, flapping, where alert state lives.
  alerting::AlertingConfig alerting;

  // The `rules:` section (rules/rules_config.h): the Lua rules directory and the limits rules
  // run under.
  rules::RulesConfig rules;

  // Returns the database file: store.path, or <data_dir>/nightjar.db.
  std::string DatabasePath() const;
};

// Returns the data directory used when none is configured: $STATE_DIRECTORY (set by systemd's
// StateDirectory=), else /var/lib/nightjar when it exists and is writable, else ./nightjar-data.
std::string DefaultDataDir();

// Returns where installed plugins live: <libdir>/nightjar/plugins of the installation prefix
// this collector was built for (e.g. /usr/lib/x86_64-linux-gnu/nightjar/plugins).
std::string DefaultPluginDirectory();

// Reads a configuration; fails with the file, line and column of the first problem.
Result<CollectorConfig> ParseConfig(ConfigNode root);

// Loads and parses a YAML file.
Result<CollectorConfig> LoadConfigFile(const std::string& path);

// Returns the embedded defaults.
CollectorConfig DefaultConfig();

}  // namespace nightjar::collector
