// Tests of the collector's configuration: defaults, every section (plugins included), and
// line-precise errors, also for what the plugin host reports after the file was read.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "config/collector_config.h"
#include "config/config_locator.h"
#include "test_certificates.h"

namespace nightjar::collector {
namespace {

Result<CollectorConfig> Parse(std::string_view yaml) {
  auto root = ConfigNode::LoadString(yaml, "collector.yaml");
  if (!root.ok()) return root.status();
  return ParseConfig(std::move(root).value());
}

TEST(CollectorConfig, EmptyFileMeansSafeDefaults) {
  auto c = Parse("");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->receiver.listen.ToString(), "127.0.0.1:4318");
  EXPECT_EQ(c->api.listen.ToString(), "127.0.0.1:4380");
  EXPECT_TRUE(c->auth.ingest_tokens.empty());
  EXPECT_EQ(c->retention.logs, std::chrono::hours(24 * 7));
  EXPECT_EQ(c->DatabasePath(), c->data_dir + "/nightjar.db");
}

TEST(CollectorConfig, ReadsEverySection) {
  setenv("NJ_TEST_TOKEN", "a-token-from-the-environment", 1);
  auto c = Parse(R"(
log_level: debug
data_dir: /srv/nightjar
receiver:
  listen: "[::1]:14318"
  max_body_size: 4MiB
  threads: 3
  commit_timeout: 5s
  retry_after: 2s
  max_future_skew: 10m
api:
  listen: 0.0.0.0:8080
  threads: 2
  query_timeout: 2s
  max_limit: 50
auth:
  ingest_tokens: ["${NJ_TEST_TOKEN}"]
  api_tokens: [another-token-0123456789]
pipeline:
  queue_max_bytes: 8MiB
  max_batch_bytes: 1MiB
store:
  path: /tmp/x.db
  synchronous: full
  cache_size: 32MiB
  readers: 2
retention:
  logs: 3d
  metrics: 90d
  max_size: 10GiB
  interval: 30s
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->log_level, "debug");
  EXPECT_EQ(c->receiver.listen.host, "::1");
  EXPECT_EQ(c->receiver.listen.port, 14318);
  EXPECT_EQ(c->receiver.listen.ToString(), "[::1]:14318");
  EXPECT_EQ(c->receiver.max_body_size, 4u << 20);
  EXPECT_EQ(c->receiver.retry_after, std::chrono::seconds(2));
  EXPECT_EQ(c->api.max_limit, 50);
  EXPECT_EQ(c->auth.ingest_tokens, std::vector<std::string>{"a-token-from-the-environment"});
  EXPECT_EQ(c->pipeline.queue_max_bytes, 8u << 20);
  EXPECT_EQ(c->store.synchronous, "full");
  EXPECT_EQ(c->DatabasePath(), "/tmp/x.db");
  EXPECT_EQ(c->retention.metrics, std::chrono::hours(24 * 90));
  EXPECT_EQ(c->retention.max_size, 10ULL << 30);
}

TEST(CollectorConfig, ErrorsNameTheLineAndTheKey) {
  struct Case {
    const char* yaml;
    const char* error;
  };
  const Case kCases[] = {
      {"receiver:\n  lisen: 1.2.3.4:1\n",
       "collector.yaml:2:3: receiver.lisen: unknown key (did you mean \"listen\"?)"},
      {"api:\n  listen: localhost\n", "collector.yaml:2:11: api.listen: missing port"},
      {"api:\n  listen: 1.2.3.4:99999\n", "api.listen: the port is above 65535"},
      {"retention:\n  logs: forever\n", "collector.yaml:2:9: retention.logs: expected a duration"},
      {"retention:\n  logs: 0s\n", "retention.logs: must be positive"},
      {"store:\n  synchronous: off\n", "store.synchronous: expected one of normal, full"},
      {"auth:\n  api_tokens: [short]\n", "auth.api_tokens: tokens must be at least 16"},
      {"pipeline:\n  queue_max_bytes: 10KiB\n", "pipeline.queue_max_bytes: must be at least 1MiB"},
      {"bogus: 1\n", "collector.yaml:1:1: bogus: unknown key"},
      {"receiver: [1, 2]\n", "receiver: expected a mapping"},
      {"receiver:\n  threads: 0\n", "receiver.threads: must be between 1 and 256"},
      {"a: [\n", "YAML syntax error"},
      {"pipeline:\n  detection_queue_max_bytes: 1KiB\n",
       "pipeline.detection_queue_max_bytes: must be at least 64KiB"},
      // The plugin host's section reports into the same document, so with line and column.
      {"plugins:\n  directry: /x\n",
       "collector.yaml:2:3: plugins.directry: unknown key (did you mean \"directory\"?)"},
      {"plugins:\n  instances:\n    - name: x\n",
       "collector.yaml:3:7: plugins.instances[0].plugin: is required"},
  };
  for (const Case& c : kCases) {
    auto r = Parse(c.yaml);
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_NE(r.status().message().find(c.error), std::string::npos)
        << "yaml: " << c.yaml << "\nerror: " << r.status().message();
  }
}

TEST(CollectorConfig, ReadsThePluginsSection) {
  auto c = Parse(R"(
plugins:
  directory: /opt/nightjar/plugins
  paths: [/opt/acme/acme.so]
  suspend: {after_failures: 3, initial: 1s, max: 1m}
  instances:
    - plugin: severity
    - plugin: zscore
      name: cpu
      match: ["system.cpu.*"]
      options: {threshold: 4, window: 60}
pipeline:
  detection_queue_max_bytes: 1MiB
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->plugins.directory, "/opt/nightjar/plugins");
  EXPECT_EQ(c->plugins.paths, std::vector<std::string>{"/opt/acme/acme.so"});
  EXPECT_EQ(c->plugins.suspend.after_failures, 3u);
  ASSERT_EQ(c->plugins.instances.size(), 2u);
  EXPECT_EQ(c->plugins.instances[0].name, "severity");
  EXPECT_EQ(c->plugins.instances[1].name, "cpu");
  EXPECT_EQ(c->plugins.instances[1].match, std::vector<std::string>{"system.cpu.*"});
  ASSERT_EQ(c->plugins.instances[1].options.size(), 2u);
  EXPECT_EQ(c->plugins.instances[1].options[0].first, "threshold");
  EXPECT_EQ(c->plugins.instances[1].options[0].second.scalar, "4");
  EXPECT_EQ(c->pipeline.detection_queue_max_bytes, 1u << 20);
}

TEST(CollectorConfig, PluginDirectoryDefaultsToTheInstalledOneOnlyWhenItExists) {
  // The installed location, never the build tree's plugin directory.
  std::string installed = DefaultPluginDirectory();
  EXPECT_EQ(installed.front(), '/');
  EXPECT_EQ(installed.substr(installed.size() - 17), "/nightjar/plugins");
  if (const char* build = std::getenv("NJ_BINARY_DIR")) {
    EXPECT_EQ(installed.find(build), std::string::npos) << installed;
  }
  bool exists = std::filesystem::is_directory(installed);
  for (auto c : {Parse(""), Parse("plugins:\n  paths: [/x.so]\n"), Result(DefaultConfig())}) {
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->plugins.directory, exists ? installed : "");
  }
  // An explicit empty directory means none; an explicit one is kept even if missing (the host
  // then reports it).
  EXPECT_EQ(Parse("plugins:\n  directory: \"\"\n")->plugins.directory, "");
  EXPECT_EQ(Parse("plugins:\n  directory: /nowhere\n")->plugins.directory, "/nowhere");
}

TEST(ConfigLocator, AddsLineAndColumnToMessagesThatNameAPath) {
  ConfigLocator locator = ConfigLocator::ForText(R"(plugins:
  instances:
    - plugin: severity
    - plugin: zscore
      options:
        treshold: 4
        log.level: x
)",
                                                 "collector.yaml");
  EXPECT_EQ(locator.Locate("collector.yaml: plugins.instances[1].options.treshold: unknown option "
                           "(did you mean \"threshold\"?)"),
            "collector.yaml:6:19: plugins.instances[1].options.treshold: unknown option (did you "
            "mean \"threshold\"?)");
  EXPECT_EQ(locator.Locate("collector.yaml: plugins.instances[1]: no plugin named \"zscore\""),
            "collector.yaml:4:7: plugins.instances[1]: no plugin named \"zscore\"");
  // A key with a dot in it is still found.
  EXPECT_EQ(locator.Locate("collector.yaml: plugins.instances[1].options.log.level: bad"),
            "collector.yaml:7:20: plugins.instances[1].options.log.level: bad");
  // Unchanged: another file, a path the document lacks, an index out of range, no path.
  for (const char* same :
       {"other.yaml: plugins.instances[1]: x", "collector.yaml: plugins.instances[7]: x",
        "collector.yaml: plugins.nothing: x", "/usr/lib/p.so: not a shared library",
        "collector.yaml: the plugin directory is missing"}) {
    EXPECT_EQ(locator.Locate(same), same);
  }
  EXPECT_EQ(ConfigLocator().Locate("collector.yaml: plugins: x"), "collector.yaml: plugins: x");
}

TEST(CollectorConfig, DataDirectoryFollowsSystemdStateDirectory) {
  setenv("STATE_DIRECTORY", "/var/lib/nightjar-state:/other", 1);
  EXPECT_EQ(DefaultDataDir(), "/var/lib/nightjar-state");
  unsetenv("STATE_DIRECTORY");
  std::string dir = DefaultDataDir();
  EXPECT_TRUE(dir == "/var/lib/nightjar" || dir == "./nightjar-data") << dir;
}

TEST(ListenAddress, ParsesHostsAndPorts) {
  EXPECT_EQ(ParseListenAddress(":4318", "x")->host, "0.0.0.0");
  EXPECT_EQ(ParseListenAddress("127.0.0.1:0", "x")->port, 0);
  EXPECT_FALSE(ParseListenAddress("::1:80", "x").ok());
  EXPECT_FALSE(ParseListenAddress("host:http", "x").ok());
  EXPECT_EQ(ParseListenAddress("h", "--listen-address")
                .status()
                .message()
                .rfind("--listen-address: missing port", 0),
            0u);
}

TEST(CollectorConfig, ReadsListenerTlsAndRefusesFilesItCannotUse) {
  std::string dir =
      (std::filesystem::temp_directory_path() / ("nj-collector-tls-" + std::to_string(::getpid())))
          .string();
  std::filesystem::create_directories(dir);
  nightjar::testing::TestCertificates certs = nightjar::testing::MakeTestCertificates(dir);
  ASSERT_EQ(certs.error, "");
  auto c = Parse("receiver:\n  tls:\n    cert_file: " + certs.cert_file +
                 "\n    key_file: " + certs.key_file + "\n    client_ca_file: " + certs.ca_file +
                 "\napi:\n  listen: 127.0.0.1:4381\n  tls: {cert_file: " + certs.cert_file +
                 ", key_file: " + certs.key_file + "}\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->receiver.tls.client_ca_file, certs.ca_file);
  EXPECT_TRUE(c->api.tls.enabled());
  EXPECT_EQ(c->api.tls.client_ca_file, "");

  auto missing = Parse("receiver:\n  tls:\n    cert_file: " + dir +
                       "/nope.pem\n    key_file: " + certs.key_file + "\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("collector.yaml:3"), std::string::npos)
      << missing.status().ToString();
  EXPECT_NE(missing.status().message().find(dir + "/nope.pem\" cannot be read"), std::string::npos)
      << missing.status().ToString();

  auto mismatched = Parse("receiver:\n  tls: {cert_file: " + certs.cert_file +
                          ", key_file: " + certs.client_key_file + "}\n");
  ASSERT_FALSE(mismatched.ok());
  EXPECT_NE(mismatched.status().message().find("is not the key of"), std::string::npos)
      << mismatched.status().ToString();

  // One listener, one TLS: the API on the receiver's address takes the receiver's.
  auto shared = Parse(
      "receiver: {listen: 127.0.0.1:4318}\napi:\n  listen: 127.0.0.1:4318\n"
      "  tls: {cert_file: " +
      certs.cert_file + ", key_file: " + certs.key_file + "}\n");
  ASSERT_FALSE(shared.ok());
  EXPECT_NE(shared.status().message().find("shares the receiver's listener"), std::string::npos)
      << shared.status().ToString();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nightjar::collector
