// Reading the agent's configuration; see agent_config.h.
#include "config/agent_config.h"

#include <algorithm>
#include <set>

#include "exporter/https/https_sessions.h"
#include "runtime/config.h"

namespace nightjar::agent {
namespace {

// Reads `exporter.tls` and, for an https endpoint, builds a context once through the HTTPS
// module, so that a CA, certificate or key file that cannot be used (or a missing module) is
// refused with the config line (by --check-config too) rather than at the first connection.
void ReadExporterTls(ConfigNode& exporter, ExporterOptions* options) {
  ConfigNode node = exporter.Child("tls");
  options->tls = ParseTlsClientSettings(node);
  if (!exporter.ok()) return;
  if (!UsesTls(*options)) {
    if (options->tls != TlsClientSettings{}) {
      node.Error("",
                 "TLS settings need an https:// endpoint; the endpoint is " + options->endpoint);
    }
    return;
  }
  Status usable = https::Check(options->tls);
  if (!usable.ok()) node.Error("", usable.message());
}

// A pattern without '/' matches file names anywhere: "*.gz" means "/**/*.gz".
std::string ExcludePattern(const std::string& pattern) {
  return pattern.find('/') == std::string::npos ? "/**/" + pattern : pattern;
}

Result<std::unique_ptr<Parser>> BuildParser(const ParserConfig& config) {
  if (config.type == "none") return std::unique_ptr<Parser>();
  FieldKeys keys;
  keys.time_key = config.time_key;
  keys.severity_key = config.severity_key;
  keys.message_key = config.message_key;
  if (!config.time_format.empty()) {
    auto zone = config.time_zone == "local" ? TimeFormat::Zone::kLocal : TimeFormat::Zone::kUtc;
    Result<TimeFormat> format = TimeFormat::Compile(config.time_format, zone);
    if (!format.ok()) return format.status();
    keys.time_format = std::move(*format);
  }
  if (config.type == "json") return MakeJsonParser(std::move(keys));
  return MakeRegexParser(config.pattern, std::move(keys));
}

Result<MultilineRules> BuildMultiline(const MultilineConfig& config) {
  Result<MultilineRules> rules =
      !config.preset.empty() ? MultilineRules::Preset(config.preset)
      : !config.start_pattern.empty()
          ? MultilineRules::FromPattern(MultilineRules::Mode::kStartPattern, config.start_pattern)
          : MultilineRules::FromPattern(MultilineRules::Mode::kContinuationPattern,
                                        config.continuation_pattern);
  if (!rules.ok()) return rules;
  rules->flush_timeout = config.flush_timeout;
  rules->max_lines = static_cast<size_t>(config.max_lines);
  return rules;
}

void ReadParser(ConfigNode node, ParserConfig* out) {
  node.AllowKeys(
      {"type", "pattern", "time_key", "time_format", "time_zone", "severity_key", "message_key"});
  out->type = node.Enum("type", "none", {"none", "json", "regex"});
  out->pattern = node.String("pattern");
  out->time_key = node.String("time_key", out->time_key);
  out->severity_key = node.String("severity_key", out->severity_key);
  out->message_key = node.String("message_key", out->message_key);
  out->time_format = node.String("time_format");
  out->time_zone = node.Enum("time_zone", "utc", {"utc", "local"});
  if (out->type == "regex" && out->pattern.empty()) {
    node.Error("pattern", "a regex parser needs a pattern with named groups");
  }
  if (out->type != "regex" && !out->pattern.empty()) {
    node.Error("pattern", "only the regex parser takes a pattern");
  }
  if (!node.ok()) return;
  // Compile now, so that a bad pattern or time format is reported at its line.
  if (!out->time_format.empty()) {
    Result<TimeFormat> format = TimeFormat::Compile(out->time_format);
    if (!format.ok()) node.Error("time_format", format.status().message());
  }
  if (node.ok() && out->type == "regex") {
    auto parser = BuildParser(*out);
    if (!parser.ok()) node.Error("pattern", parser.status().message());
  }
}

void ReadMultiline(ConfigNode node, MultilineConfig* out) {
  node.AllowKeys({"preset", "start_pattern", "continuation_pattern", "flush_timeout", "max_lines"});
  out->preset = node.String("preset");
  out->start_pattern = node.String("start_pattern");
  out->continuation_pattern = node.String("continuation_pattern");
  out->flush_timeout = node.Dur("flush_timeout", out->flush_timeout);
  out->max_lines = node.Int("max_lines", out->max_lines, 2, 1'000'000);
  int given = (out->preset.empty() ? 0 : 1) + (out->start_pattern.empty() ? 0 : 1) +
              (out->continuation_pattern.empty() ? 0 : 1);
  if (given != 1) {
    node.Error("", "give exactly one of preset, start_pattern, continuation_pattern");
    return;
  }
  if (!node.ok()) return;
  Result<MultilineRules> rules = BuildMultiline(*out);
  if (!rules.ok()) {
    node.Error(!out->preset.empty()          ? "preset"
               : !out->start_pattern.empty() ? "start_pattern"
                                             : "continuation_pattern",
               rules.status().message());
  }
}

std::vector<std::string> ReadPatterns(ConfigNode& node, std::string_view key,
                                      std::vector<std::string> def);
void ReadFileInputRest(ConfigNode& node, FileInputConfig* out);
void ReadFileSelection(ConfigNode& node, FileInputConfig* out);

void ReadContainerPatterns(ConfigNode node, docker::ContainerPatterns* out) {
  node.AllowKeys({"names", "images", "labels"});
  out->names = ReadPatterns(node, "names", {});
  out->images = ReadPatterns(node, "images", {});
  out->labels = node.StringMap("labels");
}

void ReadDockerInput(ConfigNode& node, FileInputConfig* out) {
  docker::DockerOptions& d = out->docker;
  d.socket = node.String("socket", d.socket);
  if (d.socket.empty() || d.socket[0] != '/') {
    node.Error("socket", "must be the absolute path of the Docker daemon's unix socket");
  }
  d.data_root = node.String("data_root", d.data_root);
  if (d.data_root.empty() || d.data_root[0] != '/') {
    node.Error("data_root", "must be an absolute path (Docker's data-root, /var/lib/docker)");
  }
  if (node.Has("include")) ReadContainerPatterns(node.Child("include"), &d.selection.include);
  if (node.Has("exclude")) ReadContainerPatterns(node.Child("exclude"), &d.selection.exclude);
  if (node.Has("label_attributes")) d.label_attributes = node.StringMap("label_attributes");
}

void ReadJournalInput(ConfigNode& node, FileInputConfig* out) {
  journal::JournalOptions& j = out->journal;
  j.directory = node.String("directory", "");
  if (!j.directory.empty() && j.directory[0] != '/') {
    node.Error("directory", "must be an absolute path (a directory of journal files)");
  }
  j.selection.units = ReadPatterns(node, "units", {});
  j.selection.identifiers = ReadPatterns(node, "identifiers", {});
  // The journal keeps its history: by default only what is written from the first start on is
  // shipped (later starts resume from the saved cursor either way).
  out->start_at_end = node.Enum("start_at", "end", {"beginning", "end"}) == "end";
  out->service_name = node.String("service_name", out->name);
  out->resource = node.StringMap("resource");
  out->max_line_size = node.Bytes("max_line_size", out->max_line_size);
  if (out->max_line_size < 64 || out->max_line_size > (64ull << 20)) {
    node.Error("max_line_size", "must be between 64B and 64MiB");
  }
}

void ReadInput(ConfigNode node, FileInputConfig* out) {
  out->type = node.Enum("type", "file", {"file", "docker", "journal"});
  if (out->type == "docker") {
    node.AllowKeys({"name", "type", "socket", "data_root", "include", "exclude", "label_attributes",
                    "service_name", "resource", "max_line_size", "long_lines", "multiline",
                    "parser"});
  } else if (out->type == "journal") {
    node.AllowKeys({"name", "type", "directory", "units", "identifiers", "start_at", "service_name",
                    "resource", "max_line_size"});
  } else {
    node.AllowKeys({"name", "type", "include", "exclude", "start_at", "service_name", "resource",
                    "max_line_size", "long_lines", "multiline", "parser"});
  }
  out->name = node.String("name");
  if (out->name.empty()) node.Error("name", "every input needs a name");
  if (out->type == "journal") return ReadJournalInput(node, out);
  if (out->type == "docker") ReadDockerInput(node, out);
  ReadFileInputRest(node, out);
}

void ReadFileInputRest(ConfigNode& node, FileInputConfig* out) {
  if (out->type == "file") ReadFileSelection(node, out);
  // A container's service.name defaults to its Compose service, else its name.
  out->service_name = node.String("service_name", out->type == "docker" ? "" : out->name);
  out->resource = node.StringMap("resource");
  out->max_line_size = node.Bytes("max_line_size", out->max_line_size);
  if (out->max_line_size < 64 || out->max_line_size > (64ull << 20)) {
    node.Error("max_line_size", "must be between 64B and 64MiB");
  }
  out->long_lines = node.Enum("long_lines", "split", {"split", "truncate"}) == "truncate"
                        ? LongLines::kTruncate
                        : LongLines::kSplit;
  if (node.Has("multiline")) {
    out->multiline.emplace();
    ReadMultiline(node.Child("multiline"), &*out->multiline);
  }
  if (node.Has("parser")) ReadParser(node.Child("parser"), &out->parser);
}

void ReadFileSelection(ConfigNode& node, FileInputConfig* out) {
  out->include = node.Strings("include");
  if (out->include.empty()) node.Error("include", "give at least one path pattern to tail");
  for (const std::string& pattern : out->include) {
    Result<Glob> glob = Glob::Parse(pattern);
    if (!glob.ok()) node.Error("include", glob.status().message());
  }
  out->exclude = node.Strings("exclude");
  for (const std::string& pattern : out->exclude) {
    Result<Glob> glob = Glob::Parse(ExcludePattern(pattern));
    if (!glob.ok()) node.Error("exclude", glob.status().message());
  }
  out->start_at_end = node.Enum("start_at", "beginning", {"beginning", "end"}) == "end";
}

// Reads a list of shell patterns, refusing empty ones.
std::vector<std::string> ReadPatterns(ConfigNode& node, std::string_view key,
                                      std::vector<std::string> def) {
  if (!node.Has(key)) return def;
  std::vector<std::string> out = node.Strings(key);
  for (const std::string& pattern : out) {
    if (pattern.empty()) node.Error(key, "a pattern may not be empty");
  }
  return out;
}

void ReadHostMetrics(ConfigNode node, host_metrics::HostMetricsOptions* out) {
  node.AllowKeys({"enabled", "collection_interval", "root_path", "scrapers", "filesystem", "disk",
                  "network", "containers"});
  out->enabled = node.Bool("enabled", !node.IsNull());
  out->collection_interval = node.Dur("collection_interval", out->collection_interval);
  if (out->collection_interval < std::chrono::milliseconds(100)) {
    node.Error("collection_interval", "must be at least 100ms");
  }
  out->root_path = node.String("root_path", out->root_path);
  if (out->root_path.empty() || out->root_path[0] != '/') {
    node.Error("root_path", "must be an absolute path (\"/\" for this host's own /proc and /sys)");
  }
  if (node.Has("scrapers")) {
    out->scrapers = node.Strings("scrapers");
    std::set<std::string> seen;
    const std::vector<std::string>& known = host_metrics::AllScraperNames();
    for (const std::string& name : out->scrapers) {
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        std::string list;
        for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
        node.Error("scrapers", "unknown scraper \"" + name + "\" (known: " + list + ")");
      } else if (!seen.insert(name).second) {
        node.Error("scrapers", "\"" + name + "\" is listed twice");
      }
    }
    if (out->scrapers.empty()) node.Error("scrapers", "list at least one scraper");
  }
  ConfigNode filesystem = node.Child("filesystem");
  filesystem.AllowKeys({"exclude_types", "exclude_mounts"});
  out->filesystem_exclude_types =
      ReadPatterns(filesystem, "exclude_types", out->filesystem_exclude_types);
  out->filesystem_exclude_mounts =
      ReadPatterns(filesystem, "exclude_mounts", out->filesystem_exclude_mounts);
  ConfigNode disk = node.Child("disk");
  disk.AllowKeys({"exclude_devices"});
  out->disk_exclude_devices = ReadPatterns(disk, "exclude_devices", out->disk_exclude_devices);
  ConfigNode network = node.Child("network");
  network.AllowKeys({"exclude_devices"});
  out->network_exclude_devices =
      ReadPatterns(network, "exclude_devices", out->network_exclude_devices);
  ConfigNode containers = node.Child("containers");
  containers.AllowKeys({"cgroup_root", "docker_data_root"});
  out->containers.cgroup_root = containers.String("cgroup_root", out->containers.cgroup_root);
  out->containers.docker_data_root =
      containers.String("docker_data_root", out->containers.docker_data_root);
  for (const char* key : {"cgroup_root", "docker_data_root"}) {
    if (containers.Has(key) && containers.String(key)[0] != '/') {
      containers.Error(key, "must be an absolute path");
    }
  }
}

Result<AgentConfig> Read(ConfigNode root) {
  AgentConfig config;
  root.AllowKeys({"state_dir", "log_level", "resource", "inputs", "host_metrics", "tail", "batch",
                  "queue", "exporter", "metrics", "shutdown"});
  config.state_dir = root.String("state_dir", config.state_dir);
  config.log_level =
      root.Enum("log_level", "info", {"debug", "info", "notice", "warning", "error", "critical"});
  config.resource = root.StringMap("resource");

  std::set<std::string> names;
  for (ConfigNode& node : root.Items("inputs")) {
    FileInputConfig input;
    ReadInput(node, &input);
    if (!input.name.empty() && !names.insert(input.name).second) {
      node.Error("name", "another input has the name \"" + input.name + "\"");
    }
    config.inputs.push_back(std::move(input));
  }
  if (root.Has("host_metrics")) ReadHostMetrics(root.Child("host_metrics"), &config.host_metrics);
  if (root.ok() && config.inputs.empty() && !config.host_metrics.enabled) {
    root.Error("inputs", "configure at least one input (or enable host_metrics)");
  }

  ConfigNode tail = root.Child("tail");
  tail.AllowKeys({"poll_interval", "rotate_wait", "max_open_files", "read_buffer_size",
                  "fingerprint_size", "inotify"});
  config.tail.poll_interval = tail.Dur("poll_interval", config.tail.poll_interval);
  config.tail.rotate_wait = tail.Dur("rotate_wait", config.tail.rotate_wait);
  config.tail.max_open_files = static_cast<size_t>(tail.Int("max_open_files", 1024, 1, 1'000'000));
  config.tail.read_buffer_size =
      static_cast<size_t>(tail.Bytes("read_buffer_size", config.tail.read_buffer_size));
  config.tail.fingerprint_size =
      static_cast<size_t>(tail.Bytes("fingerprint_size", config.tail.fingerprint_size));
  config.tail.use_inotify = tail.Bool("inotify", true);
  if (config.tail.read_buffer_size < 4096 || config.tail.read_buffer_size > (64 << 20)) {
    tail.Error("read_buffer_size", "must be between 4KiB and 64MiB");
  }
  if (config.tail.fingerprint_size < 16 || config.tail.fingerprint_size > 65536) {
    tail.Error("fingerprint_size", "must be between 16B and 64KiB");
  }
  if (config.tail.poll_interval < std::chrono::milliseconds(10)) {
    tail.Error("poll_interval", "must be at least 10ms");
  }

  ConfigNode batch = root.Child("batch");
  batch.AllowKeys({"max_records", "max_bytes", "timeout"});
  config.batch.max_records = static_cast<size_t>(batch.Int("max_records", 8192, 1, 1'000'000));
  config.batch.max_bytes = static_cast<size_t>(batch.Bytes("max_bytes", config.batch.max_bytes));
  config.batch.max_age = batch.Dur("timeout", config.batch.max_age);
  if (config.batch.max_bytes < 1024 || config.batch.max_bytes > (64 << 20)) {
    batch.Error("max_bytes", "must be between 1KiB and 64MiB");
  }

  ConfigNode queue = root.Child("queue");
  queue.AllowKeys({"path", "max_bytes", "synchronous"});
  config.queue.path = queue.String("path", config.state_dir + "/queue.db");
  config.queue.max_bytes = queue.Bytes("max_bytes", config.queue.max_bytes);
  config.queue.synchronous =
      queue.Enum("synchronous", "normal", {"normal", "full"}) == "full" ? "FULL" : "NORMAL";
  if (root.ok() && config.queue.max_bytes < 2 * config.batch.max_bytes) {
    queue.Error("max_bytes", "must hold at least two batches (2 x batch.max_bytes)");
  }
  config.queue.hot_bytes = std::min<uint64_t>(config.queue.max_bytes, 4 * config.batch.max_bytes);
  config.queue.buffer_capacity = 2 * config.batch.max_bytes;

  ConfigNode exporter = root.Child("exporter");
  exporter.AllowKeys({"endpoint", "metrics_endpoint", "encoding", "compression",
                      "compression_level", "timeout", "headers", "retry", "tls"});
  config.exporter.endpoint = exporter.String("endpoint", config.exporter.endpoint);
  config.exporter.metrics_endpoint = exporter.String("metrics_endpoint");
  config.exporter.encoding = exporter.Enum("encoding", "protobuf", {"protobuf", "json"}) == "json"
                                 ? otlp::Encoding::kJson
                                 : otlp::Encoding::kProtobuf;
  config.exporter.gzip = exporter.Enum("compression", "gzip", {"gzip", "none"}) == "gzip";
  config.exporter.gzip_level = static_cast<int>(exporter.Int("compression_level", 1, 1, 12));
  config.batch.gzip_level = config.exporter.gzip ? config.exporter.gzip_level : 0;
  config.exporter.timeout = exporter.Dur("timeout", config.exporter.timeout);
  config.exporter.headers = exporter.StringMap("headers");
  ConfigNode retry = exporter.Child("retry");
  retry.AllowKeys({"initial_interval", "max_interval", "multiplier", "jitter", "max_retry_after"});
  RetryOptions& r = config.exporter.retry;
  r.initial_interval = retry.Dur("initial_interval", r.initial_interval);
  r.max_interval = retry.Dur("max_interval", r.max_interval);
  r.multiplier = retry.Double("multiplier", r.multiplier);
  r.jitter = retry.Double("jitter", r.jitter);
  r.max_retry_after = retry.Dur("max_retry_after", r.max_retry_after);
  if (r.multiplier < 1.0) retry.Error("multiplier", "must be at least 1");
  if (r.jitter < 0.0 || r.jitter > 1.0) retry.Error("jitter", "must be between 0 and 1");
  if (r.initial_interval <= Duration::zero()) retry.Error("initial_interval", "must be positive");
  if (root.ok()) {
    auto url = HttpSender::NormalizeUrl(config.exporter.endpoint, "/v1/logs");
    if (!url.ok()) exporter.Error("endpoint", url.status().message());
  }
  ReadExporterTls(exporter, &config.exporter);
  if (root.ok() && (config.host_metrics.enabled || !config.exporter.metrics_endpoint.empty())) {
    Result<std::string> metrics_url = MetricsEndpoint(config.exporter);
    if (!metrics_url.ok()) {
      exporter.Error(config.exporter.metrics_endpoint.empty() ? "endpoint" : "metrics_endpoint",
                     metrics_url.status().message());
    }
  }

  ConfigNode metrics = root.Child("metrics");
  metrics.AllowKeys({"listen"});
  config.metrics_listen = metrics.String("listen");
  if (!config.metrics_listen.empty() && config.metrics_listen.rfind(':') == std::string::npos) {
    metrics.Error("listen", "expected host:port, e.g. 127.0.0.1:9464");
  }

  ConfigNode shutdown = root.Child("shutdown");
  shutdown.AllowKeys({"grace_period"});
  config.shutdown_grace = shutdown.Dur("grace_period", config.shutdown_grace);

  if (!root.ok()) return root.status();
  return config;
}

}  // namespace

Result<AgentConfig> LoadAgentConfig(const std::string& path) {
  NJ_ASSIGN_OR_RETURN(ConfigNode root, ConfigNode::LoadFile(path));
  return Read(std::move(root));
}

Result<AgentConfig> ParseAgentConfig(std::string_view text, std::string name) {
  NJ_ASSIGN_OR_RETURN(ConfigNode root, ConfigNode::LoadString(text, std::move(name)));
  return Read(std::move(root));
}

namespace {

// Returns the resource of `in`'s records. Later entries override earlier ones: the host's, then
// the agent-wide, then service.name, then the input's own.
StringPairs InputResource(const AgentConfig& config, const FileInputConfig& in,
                          const StringPairs& host) {
  StringPairs resource;
  auto set = [&](const std::string& key, const std::string& value) {
    for (auto& kv : resource) {
      if (kv.first == key) {
        kv.second = value;
        return;
      }
    }
    resource.emplace_back(key, value);
  };
  for (const auto& [k, v] : host) set(k, v);
  for (const auto& [k, v] : config.resource) set(k, v);
  if (!in.service_name.empty()) set("service.name", in.service_name);
  for (const auto& [k, v] : in.resource) set(k, v);
  return resource;
}

}  // namespace

Result<std::vector<TailInput>> CompileInputs(const AgentConfig& config, const StringPairs& host) {
  std::vector<TailInput> out;
  for (const FileInputConfig& in : config.inputs) {
    if (in.type == "journal") continue;  // read by a JournalInput, not the file tailer
    TailInput input;
    input.name = in.name;
    if (in.type == "docker") input.format = LineFormat::kDockerJson;
    for (const std::string& pattern : in.include) {
      NJ_ASSIGN_OR_RETURN(Glob glob, Glob::Parse(pattern));
      input.include.push_back(std::move(glob));
    }
    for (const std::string& pattern : in.exclude) {
      NJ_ASSIGN_OR_RETURN(Glob glob, Glob::Parse(ExcludePattern(pattern)));
      input.exclude.push_back(std::move(glob));
    }
    input.start_at_end = in.start_at_end;
    input.max_line_size = static_cast<size_t>(in.max_line_size);
    input.long_lines = in.long_lines;
    Result<std::unique_ptr<Parser>> parser = BuildParser(in.parser);
    if (!parser.ok()) return parser.status().WithContext("input " + in.name);
    input.parser = std::move(*parser);
    if (in.multiline) {
      Result<MultilineRules> rules = BuildMultiline(*in.multiline);
      if (!rules.ok()) return rules.status().WithContext("input " + in.name);
      input.multiline = std::move(*rules);
    }
    input.resource = InputResource(config, in, host);
    if (in.type == "docker") {
      input.source = std::make_shared<docker::ContainerWatcher>(in.docker, input.resource);
    }
    out.push_back(std::move(input));
  }
  return out;
}

std::vector<journal::JournalInputSpec> CompileJournalInputs(const AgentConfig& config,
                                                            const StringPairs& host) {
  std::vector<journal::JournalInputSpec> out;
  for (const FileInputConfig& in : config.inputs) {
    if (in.type != "journal") continue;
    journal::JournalInputSpec spec;
    spec.name = in.name;
    spec.options = in.journal;
    spec.start_at_end = in.start_at_end;
    spec.max_message_size = static_cast<size_t>(in.max_line_size);
    spec.resource = InputResource(config, in, host);
    out.push_back(std::move(spec));
  }
  return out;
}

}  // namespace nightjar::agent
