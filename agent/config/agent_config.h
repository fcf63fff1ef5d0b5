// The agent's configuration file (YAML), read with line-precise errors and unknown keys
// refused, and its compilation into the objects the agent runs (parsers, globs, multiline
// rules).
//
//   state_dir: /var/lib/nightjar-agent      # queue.db and the lock live here
//   log_level: info
//   resource: {deployment.environment: prod}  # added to every record's resource
//   inputs:
//     - name: app
//       type: file
//       include: [/var/log/app/**/*.log]
//       exclude: ["*.gz"]                    # a pattern without '/' matches file names
//       start_at: beginning                  # or end (applies at the very first start only)
//       service_name: app                    # default: the input's name
//       max_line_size: 1MiB
//       long_lines: split                    # or truncate
//       multiline: {preset: java}            # or start_pattern / continuation_pattern
//       parser: {type: json, time_key: ts, severity_key: level, message_key: msg}
//     - name: containers
//       type: docker
//       socket: /var/run/docker.sock
//       data_root: /var/lib/docker
//       include: {names: [web-*], images: ["nginx:*"], labels: {tier: front*}}
//       exclude: {names: [...], images: [...], labels: {...}}
//       label_attributes: {com.docker.compose.service: service.name}
//       multiline: ...                       # and parser, max_line_size, resource, ...
//     - name: journal
//       type: journal                        # the systemd journal (libsystemd's sd-journal)
//       directory: /var/log/journal/remote   # default: the local system journal
//       units: [nginx.service]               # and/or identifiers: [sshd]; default: every entry
//       start_at: end                        # or beginning (applies until a cursor is saved)
//       service_name: journal                # and resource, max_line_size
//   host_metrics:
//     enabled: true
//     collection_interval: 10s
//     root_path: /                           # e.g. /hostfs in a container
//     scrapers: [cpu, memory, load, disk, filesystem, network, paging, processes]
//     filesystem: {exclude_types: [...], exclude_mounts: [...]}
//     disk: {exclude_devices: ["loop*", "ram*"]}
//     network: {exclude_devices: []}
//   tail: {poll_interval: 1s, rotate_wait: 5s, max_open_files: 1024}
//   batch: {max_records: 8192, max_bytes: 1MiB, timeout: 200ms}
//   queue: {max_bytes: 256MiB, synchronous: normal}
//   exporter: {endpoint: "http://127.0.0.1:4318", compression: gzip}  # + metrics_endpoint
//   # https endpoints: exporter.tls {ca_file, cert_file, key_file, insecure_skip_verify}
//   metrics: {listen: "127.0.0.1:9464"}
//   shutdown: {grace_period: 10s}
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "exporter/otlp_exporter.h"
#include "inputs/docker/container_watcher.h"
#include "inputs/file_tail/file_tailer.h"
#include "inputs/host_metrics/host_metrics.h"
#include "inputs/journal/journal_input.h"
#include "pipeline/batch_builder.h"
#include "queue/persistent_queue.h"

namespace nightjar::agent {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

struct MultilineConfig {
  std::string preset;  // "java" or "python"; excludes the patterns
  std::string start_pattern;
  std::string continuation_pattern;
  Duration flush_timeout = std::chrono::seconds(1);
  int64_t max_lines = 1000;
};

struct ParserConfig {
  std::string type = "none";  // none, json, regex
  std::string pattern;        // regex
  std::string time_key = "time";
  std::string severity_key = "level";
  std::string message_key = "message";
  std::string time_format;  // empty: RFC 3339 or a number since the epoch
  std::string time_zone = "utc";
};

struct FileInputConfig {
  std::string name;
  std::string type = "file";  // file, docker or journal
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  bool start_at_end = false;
  std::string service_name;
  StringPairs resource;
  uint64_t max_line_size = 1 << 20;
  LongLines long_lines = LongLines::kSplit;
  std::optional<MultilineConfig> multiline;
  ParserConfig parser;
  docker::DockerOptions docker;     // type docker: socket, data_root, include/exclude, labels
  journal::JournalOptions journal;  // type journal: directory, units, identifiers
};

struct AgentConfig {
  std::string state_dir = "/var/lib/nightjar-agent";
  std::string log_level = "info";
  StringPairs resource;
  std::vector<FileInputConfig> inputs;
  host_metrics::HostMetricsOptions host_metrics;
  TailerOptions tail;
  BatchLimits batch;
  QueueOptions queue;  // path defaults to <state_dir>/queue.db
  ExporterOptions exporter;
  std::string metrics_listen;  // host:port; empty = no metrics endpoint
  Duration shutdown_grace = std::chrono::seconds(10);
};

// Reads and validates a configuration file. Errors name the file, line, column and key.
Result<AgentConfig> LoadAgentConfig(const std::string& path);
// Same, from text (`name` stands for the file name in messages).
Result<AgentConfig> ParseAgentConfig(std::string_view text, std::string name);

// Compiles the inputs for the file tailer; `host` is the host's resource attributes, to which
// each input adds service.name and its own resource attributes.
Result<std::vector<TailInput>> CompileInputs(const AgentConfig& config, const StringPairs& host);

// Compiles the journal inputs (type journal), with the same resource rules as CompileInputs.
std::vector<journal::JournalInputSpec> CompileJournalInputs(const AgentConfig& config,
                                                            const StringPairs& host);

}  // namespace nightjar::agent
