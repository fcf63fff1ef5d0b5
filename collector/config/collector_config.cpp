// Collector configuration; see collector_config.h.
#include "config/collector_config.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "config/restart_only.h"
#include "runtime/tls_context.h"

namespace nightjar::collector {

std::string ListenAddress::ToString() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<ListenAddress> ParseListenAddress(std::string_view text, std::string_view what) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument(std::string(what) + ": " + why + ", got \"" + std::string(text) +
                           "\" (expected host:port, e.g. 127.0.0.1:4318)");
  };
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("missing port");
  std::string host(text.substr(0, colon));
  std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return bad("an IPv6 host must be in brackets");
  }
  if (host.empty()) host = "0.0.0.0";
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string_view::npos) {
    return bad("the port is not a number");
  }
  int n = std::atoi(std::string(port).c_str());
  if (n > 65535) return bad("the port is above 65535");
  return ListenAddress{host, static_cast<uint16_t>(n)};
}

std::string CollectorConfig::DatabasePath() const {
  if (!store.path.empty()) return store.path;
  return data_dir + "/nightjar.db";
}

std::string DefaultDataDir() {
  if (const char* state = std::getenv("STATE_DIRECTORY"); state != nullptr && *state != '\0') {
    std::string dir(state);
    size_t colon = dir.find(':');  // several directories are separated by ':'
    return colon == std::string::npos ? dir : dir.substr(0, colon);
  }
  if (::access("/var/lib/nightjar", W_OK) == 0) return "/var/lib/nightjar";
  return "./nightjar-data";
}

std::string DefaultPluginDirectory() { return NJ_DEFAULT_PLUGIN_DIR; }

namespace {

// Returns the installed plugin directory when it exists, else "": a collector that is not
// installed (a build tree, a test) has no plugin directory, rather than an error about one.
std::string InstalledPluginDirectory() {
  std::error_code ec;
  return std::filesystem::is_directory(DefaultPluginDirectory(), ec) ? DefaultPluginDirectory()
                                                                     : std::string();
}

}  // namespace

CollectorConfig DefaultConfig() {
  CollectorConfig c;
  c.data_dir = DefaultDataDir();
  c.plugins.directory = InstalledPluginDirectory();
  return c;
}

namespace {

void ReadListen(ConfigNode& node, ListenAddress* out) {
  auto text = node.OptionalString("listen");
  if (!text) return;
  auto parsed = ParseListenAddress(*text, "listen");
  if (!parsed.ok()) {
    node.Error("listen", parsed.status().message().substr(sizeof("listen: ") - 1));
    return;
  }
  *out = *parsed;
}

int ReadInt(ConfigNode& node, std::string_view key, int def, int min, int max) {
  return static_cast<int>(node.Int(key, def, min, max));
}

// Reads a listener's `tls:` and loads its files once, so that a missing, unreadable or
// mismatched certificate or key is refused with the config line, by --check-config too.
void ReadTls(ConfigNode& listener, TlsServerSettings* out) {
  ConfigNode node = listener.Child("tls");
  *out = ParseTlsServerSettings(node);
  if (!out->enabled() || !listener.ok()) return;
  Result<Poco::Net::Context::Ptr> context = MakeServerContext(*out);
  if (!context.ok()) node.Error("", context.status().message());
}

}  // namespace

Result<CollectorConfig> ParseConfig(ConfigNode root) {
  CollectorConfig c = DefaultConfig();
  root.AllowKeys({"log_level", "data_dir", "receiver", "api", "auth", "pipeline", "store",
                  "retention", "plugins", "alerting", "rules"});
  c.log_level = root.Enum("log_level", c.log_level,
                          {"debug", "info", "notice", "warning", "error", "critical"});
  c.data_dir = root.String("data_dir", c.data_dir);

  ConfigNode receiver = root.Child("receiver");
  receiver.AllowKeys({"listen", "max_body_size", "threads", "commit_timeout", "retry_after",
                      "max_future_skew", "tls"});
  ReadListen(receiver, &c.receiver.listen);
  ReadTls(receiver, &c.receiver.tls);
  c.receiver.max_body_size = receiver.Bytes("max_body_size", c.receiver.max_body_size);
  if (c.receiver.max_body_size < 1024) receiver.Error("max_body_size", "must be at least 1KiB");
  c.receiver.threads = ReadInt(receiver, "threads", c.receiver.threads, 1, 256);
  c.receiver.commit_timeout = receiver.Dur("commit_timeout", c.receiver.commit_timeout);
  c.receiver.retry_after = receiver.Dur("retry_after", c.receiver.retry_after);
  c.receiver.max_future_skew = receiver.Dur("max_future_skew", c.receiver.max_future_skew);

  ConfigNode api = root.Child("api");
  api.AllowKeys({"listen", "threads", "query_timeout", "max_limit", "tls"});
  ReadListen(api, &c.api.listen);
  ReadTls(api, &c.api.tls);
  if (api.Has("tls") && SharesListener(c)) {
    api.Error("tls",
              "the API shares the receiver's listener (same listen address): its TLS is "
              "receiver.tls");
  }
  c.api.threads = ReadInt(api, "threads", c.api.threads, 1, 256);
  c.api.query_timeout = api.Dur("query_timeout", c.api.query_timeout);
  c.api.max_limit = ReadInt(api, "max_limit", c.api.max_limit, 1, 100000);

  ConfigNode auth = root.Child("auth");
  auth.AllowKeys({"ingest_tokens", "api_tokens"});
  c.auth.ingest_tokens = auth.Strings("ingest_tokens");
  c.auth.api_tokens = auth.Strings("api_tokens");
  for (const char* key : {"ingest_tokens", "api_tokens"}) {
    for (const std::string& t : auth.Strings(key)) {
      if (t.size() < 16) auth.Error(key, "tokens must be at least 16 characters long");
    }
  }

  ConfigNode pipeline = root.Child("pipeline");
  pipeline.AllowKeys({"queue_max_bytes", "max_batch_bytes", "detection_queue_max_bytes"});
  c.pipeline.queue_max_bytes = pipeline.Bytes("queue_max_bytes", c.pipeline.queue_max_bytes);
  c.pipeline.max_batch_bytes = pipeline.Bytes("max_batch_bytes", c.pipeline.max_batch_bytes);
  c.pipeline.detection_queue_max_bytes =
      pipeline.Bytes("detection_queue_max_bytes", c.pipeline.detection_queue_max_bytes);
  if (c.pipeline.detection_queue_max_bytes < (64 << 10)) {
    pipeline.Error("detection_queue_max_bytes", "must be at least 64KiB");
  }
  if (c.pipeline.queue_max_bytes < (1 << 20)) {
    pipeline.Error("queue_max_bytes", "must be at least 1MiB");
  }

  ConfigNode store = root.Child("store");
  store.AllowKeys({"path", "synchronous", "cache_size", "readers"});
  c.store.path = store.String("path", c.store.path);
  c.store.synchronous = store.Enum("synchronous", c.store.synchronous, {"normal", "full"});
  c.store.cache_size = store.Bytes("cache_size", c.store.cache_size);
  c.store.readers = ReadInt(store, "readers", c.store.readers, 1, 64);

  ConfigNode retention = root.Child("retention");
  retention.AllowKeys({"logs", "metrics", "max_size", "interval"});
  c.retention.logs = retention.Dur("logs", c.retention.logs);
  c.retention.metrics = retention.Dur("metrics", c.retention.metrics);
  c.retention.max_size = retention.Bytes("max_size", c.retention.max_size);
  c.retention.interval = retention.Dur("interval", c.retention.interval);
  for (const char* key : {"logs", "metrics", "interval"}) {
    if (retention.Has(key) && retention.Dur(key, Duration(1)) <= Duration::zero()) {
      retention.Error(key, "must be positive");
    }
  }
  if (c.retention.max_size != 0 && c.retention.max_size < (16 << 20)) {
    retention.Error("max_size", "must be 0 (no cap) or at least 16MiB");
  }
  // The plugin host reads its own section; its structural errors land in this document, so
  // they come out with file:line:column like every other key's.
  ConfigNode plugins = root.Child("plugins");
  std::string default_directory = c.plugins.directory;
  c.plugins = plugins::ReadPluginHostConfig(plugins);
  if (!plugins.Has("directory")) c.plugins.directory = default_directory;
  c.alerting = alerting::ReadAlertingConfig(root.Child("alerting"));
  c.rules = rules::ParseRulesConfig(root.Child("rules"));
  NJ_RETURN_IF_ERROR(root.status());
  return c;
}

Result<CollectorConfig> LoadConfigFile(const std::string& path) {
  NJ_ASSIGN_OR_RETURN(ConfigNode root, ConfigNode::LoadFile(path));
  return ParseConfig(std::move(root));
}

}  // namespace nightjar::collector
