// Tests of the agent's configuration: defaults, every section, errors with their line, and the
// compilation of inputs into resources, parsers and multiline rules.
#include "config/agent_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "host_info.h"
#include "log_writer.h"
#include "temp_dir.h"
#include "test_certificates.h"

namespace nightjar::agent {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

Result<AgentConfig> Parse(const std::string& yaml) { return ParseAgentConfig(yaml, "agent.yaml"); }

constexpr char kMinimal[] = "inputs:\n  - name: app\n    include: /var/log/app/*.log\n";

TEST(AgentConfig, AMinimalConfigGetsSafeDefaults) {
  auto config = Parse(kMinimal);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->state_dir, "/var/lib/nightjar-agent");
  EXPECT_EQ(config->queue.path, "/var/lib/nightjar-agent/queue.db");
  EXPECT_EQ(config->queue.synchronous, "NORMAL");
  EXPECT_EQ(config->exporter.endpoint, "http://127.0.0.1:4318");
  EXPECT_TRUE(config->exporter.gzip);
  EXPECT_EQ(config->batch.gzip_level, 1);
  EXPECT_TRUE(config->metrics_listen.empty());
  ASSERT_EQ(config->inputs.size(), 1u);
  const FileInputConfig& in = config->inputs[0];
  EXPECT_EQ(in.service_name, "app");
  EXPECT_FALSE(in.start_at_end);
  EXPECT_EQ(in.long_lines, LongLines::kSplit);
  EXPECT_EQ(in.parser.type, "none");
}

TEST(AgentConfig, ReadsEverySection) {
  auto config = Parse(R"(
state_dir: /tmp/state
log_level: debug
resource: {deployment.environment: prod}
inputs:
  - name: api
    type: file
    include: ["/srv/**/*.log", /var/log/api.log]
    exclude: ["*.gz"]
    start_at: end
    service_name: checkout
    resource: {team: payments}
    max_line_size: 64KiB
    long_lines: truncate
    multiline: {preset: java, flush_timeout: 2s, max_lines: 50}
    parser: {type: json, time_key: ts, time_format: rfc3339, severity_key: lvl, message_key: msg}
tail: {poll_interval: 250ms, rotate_wait: 10s, max_open_files: 64, read_buffer_size: 1MiB,
       fingerprint_size: 256B, inotify: false}
batch: {max_records: 100, max_bytes: 64KiB, timeout: 50ms}
queue: {path: /tmp/q.db, max_bytes: 16MiB, synchronous: full}
exporter:
  endpoint: http://collector:4318/custom/logs
  encoding: json
  compression: none
  timeout: 3s
  headers: {Authorization: Bearer x}
  retry: {initial_interval: 10ms, max_interval: 1s, multiplier: 1.5, jitter: 0.2, max_retry_after: 1m}
metrics: {listen: "127.0.0.1:9464"}
shutdown: {grace_period: 3s}
)");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const FileInputConfig& in = config->inputs[0];
  EXPECT_EQ(in.include.size(), 2u);
  EXPECT_TRUE(in.start_at_end);
  EXPECT_EQ(in.max_line_size, 65536u);
  EXPECT_EQ(in.long_lines, LongLines::kTruncate);
  ASSERT_TRUE(in.multiline.has_value());
  EXPECT_EQ(in.multiline->preset, "java");
  EXPECT_EQ(in.parser.type, "json");
  EXPECT_EQ(in.parser.message_key, "msg");
  EXPECT_EQ(config->tail.max_open_files, 64u);
  EXPECT_FALSE(config->tail.use_inotify);
  EXPECT_EQ(config->tail.fingerprint_size, 256u);
  EXPECT_EQ(config->batch.max_records, 100u);
  EXPECT_EQ(config->batch.gzip_level, 0);
  EXPECT_EQ(config->queue.synchronous, "FULL");
  EXPECT_EQ(config->exporter.encoding, otlp::Encoding::kJson);
  EXPECT_FALSE(config->exporter.gzip);
  EXPECT_EQ(config->exporter.retry.multiplier, 1.5);
  EXPECT_THAT(config->exporter.headers, UnorderedElementsAre(Pair("Authorization", "Bearer x")));
  EXPECT_EQ(config->metrics_listen, "127.0.0.1:9464");
  EXPECT_EQ(config->shutdown_grace, std::chrono::seconds(3));
}

TEST(AgentConfig, ErrorsNameTheLineAndTheKey) {
  auto unknown = Parse("inputs:\n  - name: app\n    include: /x/*.log\n    inclde: /y\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("agent.yaml:4:5"));
  EXPECT_THAT(unknown.status().message(), HasSubstr("did you mean \"include\""));

  auto regex = Parse(
      "inputs:\n  - name: app\n    include: /x/*.log\n    parser:\n      type: regex\n"
      "      pattern: \"(?<level>\"\n");
  ASSERT_FALSE(regex.ok());
  EXPECT_THAT(regex.status().message(), HasSubstr("agent.yaml:6:"));
  EXPECT_THAT(regex.status().message(), HasSubstr("inputs[0].parser.pattern"));

  auto top = Parse(std::string(kMinimal) + "exporterr: {}\n");
  ASSERT_FALSE(top.ok());
  EXPECT_THAT(top.status().message(), HasSubstr("unknown key"));
}

TEST(AgentConfig, RefusesWhatCannotWork) {
  EXPECT_THAT(Parse("inputs: []\n").status().message(), HasSubstr("at least one input"));
  EXPECT_THAT(Parse("inputs:\n  - include: /x/*.log\n").status().message(), HasSubstr("name"));
  EXPECT_THAT(Parse("inputs:\n  - name: a\n").status().message(), HasSubstr("include"));
  EXPECT_THAT(Parse("inputs:\n  - name: a\n    include: relative/*.log\n").status().message(),
              HasSubstr("not an absolute path"));
  EXPECT_THAT(
      Parse("inputs:\n  - {name: a, include: /x}\n  - {name: a, include: /y}\n").status().message(),
      HasSubstr("another input has the name"));
  EXPECT_THAT(
      Parse(std::string(kMinimal) + "exporter: {endpoint: \"ftp://c:4318\"}\n").status().message(),
      HasSubstr("not an http:// or https:// URL"));
  EXPECT_THAT(Parse(std::string(kMinimal) + "queue: {max_bytes: 1MiB}\n").status().message(),
              HasSubstr("two batches"));
  EXPECT_THAT(Parse("inputs:\n  - name: a\n    include: /x\n    multiline: {max_lines: 5}\n")
                  .status()
                  .message(),
              HasSubstr("exactly one of preset"));
  EXPECT_THAT(Parse("inputs:\n  - name: a\n    include: /x\n    parser: {time_format: \"%Q\"}\n")
                  .status()
                  .message(),
              HasSubstr("unknown time format directive"));
}

TEST(AgentConfig, CompilesResourcesWithTheRightPrecedence) {
  auto config = Parse(
      "resource: {host.name: override, deployment.environment: prod}\n"
      "inputs:\n  - name: app\n    include: /x/*.log\n    service_name: shop\n"
      "    resource: {deployment.environment: staging}\n");
  ASSERT_TRUE(config.ok());
  auto inputs = CompileInputs(*config, {{"host.name", "real"}, {"os.type", "linux"}});
  ASSERT_TRUE(inputs.ok());
  EXPECT_THAT((*inputs)[0].resource,
              UnorderedElementsAre(Pair("host.name", "override"), Pair("os.type", "linux"),
                                   Pair("deployment.environment", "staging"),
                                   Pair("service.name", "shop")));
}

TEST(AgentConfig, LoadsAFileAndReportsAMissingOne) {
  testing::TempDir dir;
  testing::WriteFile(dir / "agent.yaml", kMinimal);
  EXPECT_TRUE(LoadAgentConfig(dir / "agent.yaml").ok());
  EXPECT_THAT(LoadAgentConfig(dir / "missing.yaml").status().message(),
              HasSubstr("cannot open the configuration file"));
}

TEST(AgentConfig, HostMetricsAreOffUnlessConfigured) {
  auto config = Parse(kMinimal);
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->host_metrics.enabled);
}

TEST(AgentConfig, HostMetricsGetDefaultsAndMayBeTheOnlyInput) {
  auto config = Parse("host_metrics: {}\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const host_metrics::HostMetricsOptions& h = config->host_metrics;
  EXPECT_TRUE(h.enabled);
  EXPECT_EQ(h.collection_interval, std::chrono::seconds(10));
  EXPECT_EQ(h.root_path, "/");
  EXPECT_TRUE(h.scrapers.empty());  // all of them
  EXPECT_THAT(h.filesystem_exclude_types, ::testing::Contains("proc"));
  EXPECT_THAT(h.filesystem_exclude_types, ::testing::Contains("overlay"));
  EXPECT_THAT(h.filesystem_exclude_types, ::testing::Not(::testing::Contains("tmpfs")));
  EXPECT_THAT(h.disk_exclude_devices, ::testing::ElementsAre("loop*", "ram*"));
  EXPECT_TRUE(config->inputs.empty());
  EXPECT_FALSE(Parse("host_metrics: {enabled: false}\n").ok());  // then nothing is collected
}

TEST(AgentConfig, ReadsTheHostMetricsSection) {
  auto config = Parse(std::string(kMinimal) + R"(host_metrics:
  enabled: true
  collection_interval: 30s
  root_path: /hostfs
  scrapers: [cpu, memory, filesystem]
  filesystem: {exclude_types: [tmpfs, proc], exclude_mounts: ["/boot/*"]}
  disk: {exclude_devices: ["dm-*"]}
  network: {exclude_devices: ["veth*", "docker0"]}
  containers: {cgroup_root: /sys/fs/cgroup/unified, docker_data_root: /srv/docker}
exporter:
  endpoint: http://collector:4318
  metrics_endpoint: http://metrics:4318
)");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const host_metrics::HostMetricsOptions& h = config->host_metrics;
  EXPECT_TRUE(h.enabled);
  EXPECT_EQ(h.collection_interval, std::chrono::seconds(30));
  EXPECT_EQ(h.root_path, "/hostfs");
  EXPECT_THAT(h.scrapers, ::testing::ElementsAre("cpu", "memory", "filesystem"));
  EXPECT_THAT(h.filesystem_exclude_types, ::testing::ElementsAre("tmpfs", "proc"));
  EXPECT_THAT(h.filesystem_exclude_mounts, ::testing::ElementsAre("/boot/*"));
  EXPECT_THAT(h.disk_exclude_devices, ::testing::ElementsAre("dm-*"));
  EXPECT_THAT(h.network_exclude_devices, ::testing::ElementsAre("veth*", "docker0"));
  EXPECT_EQ(h.containers.cgroup_root, "/sys/fs/cgroup/unified");
  EXPECT_EQ(h.containers.docker_data_root, "/srv/docker");
  EXPECT_EQ(*MetricsEndpoint(config->exporter), "http://metrics:4318/v1/metrics");
}

TEST(AgentConfig, HostMetricsErrorsNameTheLineAndTheKey) {
  auto error = [](const std::string& section) {
    auto config = Parse(std::string(kMinimal) + "host_metrics:\n" + section);
    EXPECT_FALSE(config.ok()) << section;
    return config.ok() ? std::string() : config.status().message();
  };
  std::string scraper = error("  scrapers: [cpu, gpu]\n");
  EXPECT_THAT(scraper, HasSubstr("agent.yaml:5:"));
  EXPECT_THAT(scraper, HasSubstr("host_metrics.scrapers"));
  EXPECT_THAT(scraper, HasSubstr("unknown scraper \"gpu\""));
  EXPECT_THAT(scraper, HasSubstr("known: cpu, memory, load, disk, filesystem, network, paging, "
                                 "processes, containers"));
  EXPECT_THAT(error("  containers: {cgroup_root: sys/fs/cgroup}\n"),
              HasSubstr("host_metrics.containers.cgroup_root: must be an absolute path"));
  EXPECT_THAT(error("  scrapers: [cpu, cpu]\n"), HasSubstr("listed twice"));
  std::string interval = error("  collection_interval: 10ms\n");
  EXPECT_THAT(interval, HasSubstr("agent.yaml:5:"));
  EXPECT_THAT(interval, HasSubstr("host_metrics.collection_interval: must be at least 100ms"));
  EXPECT_THAT(error("  collection_interval: often\n"),
              HasSubstr("host_metrics.collection_interval"));
  EXPECT_THAT(error("  root_path: hostfs\n"), HasSubstr("host_metrics.root_path: must be an "
                                                        "absolute path"));
  std::string typo = error("  filesystem:\n    exclude_type: [tmpfs]\n");
  EXPECT_THAT(typo, HasSubstr("agent.yaml:6:5"));
  EXPECT_THAT(typo, HasSubstr("did you mean \"exclude_types\""));
  EXPECT_THAT(error("  network: {exclude_devices: [\"\"]}\n"),
              HasSubstr("host_metrics.network.exclude_devices: a pattern may not be empty"));
  EXPECT_THAT(error("  scrapper: [cpu]\n"), HasSubstr("did you mean \"scrapers\""));
}

TEST(AgentConfig, MetricsGoBesideLogsOrWhereMetricsEndpointSays) {
  auto metrics_url = [](const std::string& exporter) -> std::string {
    auto config = Parse("host_metrics: {}\nexporter:\n" + exporter);
    if (!config.ok()) return "error: " + config.status().message();
    return *MetricsEndpoint(config->exporter);
  };
  EXPECT_EQ(metrics_url("  endpoint: http://c:4318\n"), "http://c:4318/v1/metrics");
  EXPECT_EQ(metrics_url("  endpoint: http://c:4318/\n"), "http://c:4318/v1/metrics");
  EXPECT_EQ(metrics_url("  endpoint: http://gw/otlp/v1/logs\n"), "http://gw:80/otlp/v1/metrics");
  EXPECT_EQ(metrics_url("  endpoint: http://gw/ingest\n  metrics_endpoint: http://m:9/x\n"),
            "http://m:9/x");
  // A custom logs path says nothing about metrics: refused where it is written.
  std::string refused = metrics_url("  endpoint: http://gw/ingest\n");
  EXPECT_THAT(refused, HasSubstr("agent.yaml:3:"));
  EXPECT_THAT(refused, HasSubstr("exporter.endpoint"));
  EXPECT_THAT(refused, HasSubstr("set exporter.metrics_endpoint"));
  EXPECT_THAT(metrics_url("  metrics_endpoint: ftp://m\n"), HasSubstr("exporter.metrics_endpoint"));
  // Without host metrics a custom logs path is fine, as before.
  EXPECT_TRUE(Parse(std::string(kMinimal) + "exporter: {endpoint: http://gw/ingest}\n").ok());
}

TEST(HostInfo, NamesTheHostWithOpenTelemetryAttributes) {
  testing::TempDir dir;
  testing::WriteFile(dir / "machine-id", "0123456789abcdef0123456789abcdef\n");
  auto attributes = HostResource({dir / "missing", dir / "machine-id"});
  EXPECT_THAT(attributes, ::testing::Contains(Pair("host.id", "0123456789abcdef0123456789abcdef")));
  EXPECT_THAT(attributes, ::testing::Contains(Pair("os.type", "linux")));
  EXPECT_THAT(attributes, ::testing::Contains(Pair("host.name", ::testing::Not(""))));
  EXPECT_THAT(HostResource({dir / "missing"}),
              ::testing::Not(::testing::Contains(Pair("host.id", ::testing::_))));
}

TEST(AgentConfig, ReadsADockerInput) {
  auto config = Parse(R"(
inputs:
  - name: containers
    type: docker
    socket: /run/docker.sock
    data_root: /data/docker
    include: {names: [shop-*], images: ["nginx:*"], labels: {tier: front}}
    exclude: {names: [debug-*]}
    label_attributes: {com.docker.compose.project: service.namespace}
    multiline: {preset: java}
    parser: {type: json}
)");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const FileInputConfig& in = config->inputs[0];
  EXPECT_EQ(in.type, "docker");
  EXPECT_EQ(in.docker.socket, "/run/docker.sock");
  EXPECT_EQ(in.docker.data_root, "/data/docker");
  EXPECT_THAT(in.docker.selection.include.names, ::testing::ElementsAre("shop-*"));
  EXPECT_THAT(in.docker.selection.include.images, ::testing::ElementsAre("nginx:*"));
  EXPECT_THAT(in.docker.selection.include.labels, ::testing::ElementsAre(Pair("tier", "front")));
  EXPECT_THAT(in.docker.selection.exclude.names, ::testing::ElementsAre("debug-*"));
  EXPECT_THAT(in.docker.label_attributes,
              ::testing::ElementsAre(Pair("com.docker.compose.project", "service.namespace")));
  EXPECT_TRUE(in.multiline.has_value());
  EXPECT_EQ(in.parser.type, "json");
  EXPECT_TRUE(in.service_name.empty());  // the container's Compose service or name

  auto inputs = CompileInputs(*config, {{"host.name", "h"}});
  ASSERT_TRUE(inputs.ok()) << inputs.status().ToString();
  EXPECT_EQ((*inputs)[0].format, LineFormat::kDockerJson);
  EXPECT_NE((*inputs)[0].source, nullptr);
}

TEST(AgentConfig, DockerInputDefaultsAndErrorsNameTheLine) {
  auto config = Parse("inputs:\n  - {name: d, type: docker}\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->inputs[0].docker.socket, "/var/run/docker.sock");
  EXPECT_EQ(config->inputs[0].docker.data_root, "/var/lib/docker");
  EXPECT_THAT(config->inputs[0].docker.label_attributes,
              ::testing::ElementsAre(Pair("com.docker.compose.service", "service.name")));

  auto relative = Parse("inputs:\n  - name: d\n    type: docker\n    socket: docker.sock\n");
  ASSERT_FALSE(relative.ok());
  EXPECT_THAT(relative.status().message(), HasSubstr("agent.yaml:4:"));
  EXPECT_THAT(relative.status().message(), HasSubstr("socket"));

  auto unknown =
      Parse("inputs:\n  - name: d\n    type: docker\n    include: {names: [a], nmes: [b]}\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("agent.yaml:4:"));
  EXPECT_THAT(unknown.status().message(), HasSubstr("nmes"));

  auto start_at = Parse("inputs:\n  - name: d\n    type: docker\n    start_at: end\n");
  ASSERT_FALSE(start_at.ok());
  EXPECT_THAT(start_at.status().message(), HasSubstr("agent.yaml:4:"));
}

TEST(AgentConfig, ReadsJournalInputsAndCompilesThemApart) {
  auto config = Parse(
      "resource: {env: prod}\n"
      "inputs:\n"
      "  - {name: files, include: /x/*.log}\n"
      "  - name: journal\n"
      "    type: journal\n"
      "    directory: /var/log/journal/remote\n"
      "    units: [nginx.service]\n"
      "    identifiers: [sshd]\n"
      "    max_line_size: 64KiB\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const FileInputConfig& j = config->inputs[1];
  EXPECT_EQ(j.type, "journal");
  EXPECT_EQ(j.journal.directory, "/var/log/journal/remote");
  EXPECT_EQ(j.journal.selection.units, std::vector<std::string>{"nginx.service"});
  EXPECT_EQ(j.journal.selection.identifiers, std::vector<std::string>{"sshd"});
  EXPECT_TRUE(j.start_at_end);  // the journal's history is not shipped by default

  auto files = CompileInputs(*config, {{"host.name", "h"}});
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].name, "files");
  auto journals = CompileJournalInputs(*config, {{"host.name", "h"}});
  ASSERT_EQ(journals.size(), 1u);
  EXPECT_EQ(journals[0].max_message_size, 64u << 10);
  EXPECT_THAT(journals[0].resource, ::testing::Contains(std::make_pair(std::string("service.name"),
                                                                       std::string("journal"))));
  EXPECT_THAT(journals[0].resource,
              ::testing::Contains(std::make_pair(std::string("env"), std::string("prod"))));
}

TEST(AgentConfig, RefusesJournalOptionsThatCannotWork) {
  auto relative = Parse("inputs:\n  - {name: j, type: journal, directory: logs}\n");
  EXPECT_THAT(relative.status().message(), HasSubstr("absolute"));
  EXPECT_THAT(relative.status().message(), HasSubstr("agent.yaml:2:"));
  auto file_key = Parse("inputs:\n  - {name: j, type: journal, include: /x}\n");
  EXPECT_THAT(file_key.status().message(), HasSubstr("include"));
}

TEST(AgentConfig, ReadsExporterTlsAndRefusesWhatCannotWork) {
  testing::TempDir dir;
  nightjar::testing::TestCertificates certs = nightjar::testing::MakeTestCertificates(dir.path());
  ASSERT_EQ(certs.error, "");
  auto config = Parse(std::string(kMinimal) +
                      "exporter:\n  endpoint: https://collector.example:4318\n  tls:\n"
                      "    ca_file: " +
                      certs.ca_file + "\n    cert_file: " + certs.client_cert_file +
                      "\n    key_file: " + certs.client_key_file + "\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->exporter.tls.ca_file, certs.ca_file);
  EXPECT_EQ(config->exporter.tls.cert_file, certs.client_cert_file);
  EXPECT_FALSE(config->exporter.tls.insecure_skip_verify);

  // TLS settings with a plain-HTTP endpoint would be silently unused.
  auto plain = Parse(std::string(kMinimal) + "exporter:\n  endpoint: http://127.0.0.1:4318\n" +
                     "  tls: {ca_file: " + certs.ca_file + "}\n");
  EXPECT_THAT(plain.status().message(), HasSubstr("agent.yaml:6"));
  EXPECT_THAT(plain.status().message(), HasSubstr("need an https:// endpoint"));

  auto missing = Parse(std::string(kMinimal) + "exporter:\n  endpoint: https://c:4318\n" +
                       "  tls: {ca_file: " + dir.path() + "/nope.pem}\n");
  EXPECT_THAT(missing.status().message(), HasSubstr("agent.yaml:6"));
  EXPECT_THAT(missing.status().message(), HasSubstr("tls.ca_file \"" + dir.path() + "/nope.pem\""));

  auto half = Parse(std::string(kMinimal) + "exporter:\n  endpoint: https://c:4318\n" +
                    "  tls: {cert_file: " + certs.client_cert_file + "}\n");
  EXPECT_THAT(half.status().message(), HasSubstr("key_file"));
}

}  // namespace
}  // namespace nightjar::agent
