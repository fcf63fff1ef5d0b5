// The agent and the collector over TLS, both binaries real, with certificates made by openssl
// for the test: the agent ships every line over mutual TLS; an agent whose client certificate
// the collector does not trust delivers nothing and loses nothing, and ships it all once it is
// given the right one; a server certificate renewed in place is served after a SIGHUP while
// lines keep flowing, with none lost or doubled.
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "agent_process.h"
#include "collector_process.h"
#include "http_client.h"
#include "https_get.h"
#include "runtime/sqlite.h"
#include "test_certificates.h"
#include "test_util.h"

namespace nightjar {
namespace {

namespace fs = std::filesystem;

// Counts each stored log body.
std::map<std::string, int> StoredBodies(const std::string& database) {
  std::map<std::string, int> out;
  auto db = sqlite::Database::Open(database, sqlite::OpenOptions{});
  if (!db.ok()) return out;
  auto st = db->Prepare("SELECT body FROM logs");
  if (!st.ok()) return out;
  while (*st->Step()) ++out[std::string(st->Text(0))];
  return out;
}

// Returns "" when every one of lines [0, n) is stored exactly once, else what is wrong.
std::string CheckExactlyOnce(const std::map<std::string, int>& bodies, int n) {
  std::string problems;
  for (int i = 0; i < n; ++i) {
    auto it = bodies.find("line " + std::to_string(i));
    int count = it == bodies.end() ? 0 : it->second;
    if (count != 1) problems += "line " + std::to_string(i) + " x" + std::to_string(count) + "; ";
  }
  if (static_cast<int>(bodies.size()) != n) {
    problems +=
        std::to_string(bodies.size()) + " distinct bodies stored, expected " + std::to_string(n);
  }
  return problems;
}

// GETs /healthz over HTTPS trusting only `ca_file`, with `client`'s client certificate;
// returns the status, or 0 with `error` set.
int HttpsHealth(uint16_t port, const std::string& ca_file, const testing::TestCertificates& client,
                std::string* error) {
  TlsClientSettings settings;
  settings.ca_file = ca_file;
  settings.cert_file = client.client_cert_file;
  settings.key_file = client.client_key_file;
  return testing::HttpsGet(port, "/healthz", settings, error);
}

class TlsEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("nj-tls-e2e-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "certs");
    fs::create_directories(dir_ / "logs");
    fs::create_directories(dir_ / "collector");
    certs_ = testing::MakeTestCertificates((dir_ / "certs").string());
    ASSERT_EQ(certs_.error, "");
  }

  void TearDown() override {
    if (agent_) agent_->Terminate();
    if (collector_) collector_->Stop();
    if (!HasFailure()) fs::remove_all(dir_);
  }

  // The collector's receiver speaks HTTPS only and asks agents for a certificate of the CA.
  void StartCollector() {
    collector_ =
        std::make_unique<collector::testing::CollectorProcess>((dir_ / "collector").string());
    std::string config = "receiver:\n  tls:\n    cert_file: " + certs_.cert_file +
                         "\n    key_file: " + certs_.key_file +
                         "\n    client_ca_file: " + certs_.ca_file + "\n";
    ASSERT_TRUE(collector_->Start(config)) << collector_->error();
  }

  // The agent trusts `ca_file` and shows `cert_file`/`key_file`.
  void WriteAgentConfig(const std::string& ca_file, const std::string& cert_file,
                        const std::string& key_file) {
    std::ofstream(dir_ / "agent.yaml")
        << "state_dir: " << (dir_ / "agent").string() << "\n"
        << "inputs:\n  - name: app\n    include: [\"" << (dir_ / "logs").string()
        << "/*.log\"]\n    start_at: beginning\n"
        << "batch: {timeout: 50ms, max_records: 50}\n"
        << "tail: {poll_interval: 50ms}\n"
        << "exporter:\n"
        << "  endpoint: \"https://127.0.0.1:" << collector_->otlp_port() << "\"\n"
        << "  retry: {initial_interval: 50ms, max_interval: 300ms}\n"
        << "  tls: {ca_file: " << ca_file << ", cert_file: " << cert_file
        << ", key_file: " << key_file << "}\n"
        << "shutdown: {grace_period: 1s}\n"
        << "metrics: {listen: \"127.0.0.1:0\"}\n";
  }

  void StartAgent() {
    agent_ = std::make_unique<agent::testing::AgentProcess>((dir_ / "agent.yaml").string(),
                                                            (dir_ / "agent.log").string());
    ASSERT_TRUE(agent_->Start()) << "the agent did not start:\n" << agent_->Log();
  }

  void AppendLines(int from, int to) {
    std::ofstream out(dir_ / "logs" / "app.log", std::ios::app);
    for (int i = from; i < to; ++i) out << "line " << i << "\n";
  }

  bool WaitForStored(size_t n) {
    return collector::testing::WaitFor(
        [&] { return StoredBodies(collector_->database()).size() >= n; }, std::chrono::seconds(60));
  }

  fs::path dir_;
  testing::TestCertificates certs_;
  std::unique_ptr<collector::testing::CollectorProcess> collector_;
  std::unique_ptr<agent::testing::AgentProcess> agent_;
};

TEST_F(TlsEndToEnd, TheAgentShipsEveryLineOverMutualTls) {
  ASSERT_NO_FATAL_FAILURE(StartCollector());
  WriteAgentConfig(certs_.ca_file, certs_.client_cert_file, certs_.client_key_file);
  ASSERT_NO_FATAL_FAILURE(StartAgent());
  AppendLines(0, 500);
  ASSERT_TRUE(WaitForStored(500)) << agent_->Log() << collector_->log();
  EXPECT_EQ(CheckExactlyOnce(StoredBodies(collector_->database()), 500), "");
  // The listener speaks TLS only: a plain-HTTP client gets no answer it can read.
  collector::testing::HttpResult plain =
      collector::testing::Get(collector_->otlp_port(), "/healthz");
  EXPECT_NE(plain.status, 200);
}

TEST_F(TlsEndToEnd, AnAgentWithAnUntrustedCertificateLosesNothingAndShipsOnceGivenTheRightOne) {
  ASSERT_NO_FATAL_FAILURE(StartCollector());
  WriteAgentConfig(certs_.ca_file, certs_.other_client_cert_file, certs_.other_client_key_file);
  ASSERT_NO_FATAL_FAILURE(StartAgent());
  AppendLines(0, 200);
  // Each attempt is refused at the handshake: a network failure, retried.
  ASSERT_TRUE(agent_->WaitForMetric(
      "nightjar_agent_export_requests_total{code=\"network\"}", [](double v) { return v >= 3; },
      std::chrono::seconds(30)))
      << agent_->Log();
  EXPECT_TRUE(StoredBodies(collector_->database()).empty());
  EXPECT_EQ(agent_->Metric("nightjar_agent_records_acked_total").value_or(-1), 0);
  ASSERT_EQ(agent_->Terminate(), 0);

  WriteAgentConfig(certs_.ca_file, certs_.client_cert_file, certs_.client_key_file);
  ASSERT_NO_FATAL_FAILURE(StartAgent());
  AppendLines(200, 300);
  ASSERT_TRUE(WaitForStored(300)) << agent_->Log() << collector_->log();
  EXPECT_EQ(CheckExactlyOnce(StoredBodies(collector_->database()), 300), "");
}

TEST_F(TlsEndToEnd, ACertificateRenewedInPlaceIsServedAfterAReloadAndNoLineIsLost) {
  // The renewed certificate comes from a second CA, so that which one is served can be told
  // apart; the agent trusts both.
  fs::create_directories(dir_ / "renewed");
  testing::TestCertificates renewed = testing::MakeTestCertificates((dir_ / "renewed").string());
  ASSERT_EQ(renewed.error, "");
  std::string bundle = (dir_ / "certs" / "bundle.pem").string();
  {
    std::ofstream out(bundle);
    out << std::ifstream(certs_.ca_file).rdbuf() << std::ifstream(renewed.ca_file).rdbuf();
  }
  ASSERT_NO_FATAL_FAILURE(StartCollector());
  std::string error;
  ASSERT_EQ(HttpsHealth(collector_->otlp_port(), certs_.ca_file, certs_, &error), 200) << error;
  EXPECT_EQ(HttpsHealth(collector_->otlp_port(), renewed.ca_file, certs_, &error), 0);
  WriteAgentConfig(bundle, certs_.client_cert_file, certs_.client_key_file);
  ASSERT_NO_FATAL_FAILURE(StartAgent());

  // Lines keep coming while the certificate is replaced and the collector reloads.
  constexpr int kLines = 600;
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; i < kLines; i += 10) {
      AppendLines(i, i + 10);
      written = i + 10;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  ASSERT_TRUE(collector::testing::WaitFor([&] { return written >= kLines / 3; }));
  fs::copy_file(renewed.cert_file, certs_.cert_file, fs::copy_options::overwrite_existing);
  fs::copy_file(renewed.key_file, certs_.key_file, fs::copy_options::overwrite_existing);
  ::kill(collector_->pid(), SIGHUP);
  bool reloaded = collector::testing::WaitFor(
      [&] { return collector_->log().find("configuration reloaded") != std::string::npos; },
      std::chrono::seconds(30));
  writer.join();
  ASSERT_TRUE(reloaded) << collector_->log();
  EXPECT_EQ(HttpsHealth(collector_->otlp_port(), renewed.ca_file, certs_, &error), 200) << error;
  EXPECT_EQ(HttpsHealth(collector_->otlp_port(), certs_.ca_file, certs_, &error), 0);

  ASSERT_TRUE(WaitForStored(kLines)) << agent_->Log() << collector_->log();
  EXPECT_EQ(CheckExactlyOnce(StoredBodies(collector_->database()), kLines), "");
}

}  // namespace
}  // namespace nightjar
