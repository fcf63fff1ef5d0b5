// Tests of the TLS settings and contexts, and of the HTTP server over TLS, with certificates
// openssl makes for the test and a real HTTPS client on loopback.
#include "runtime/tls_context.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "https_get.h"
#include "runtime/http_server.h"
#include "test_certificates.h"

namespace nightjar {
namespace {

namespace fs = std::filesystem;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nj-tls-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    certs_ = testing::MakeTestCertificates(dir_.string());
    ASSERT_EQ(certs_.error, "");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Starts a server answering "ok" on GET /ping with `settings`.
  std::unique_ptr<HttpServer> Serve(const TlsServerSettings& settings) {
    Result<Poco::Net::Context::Ptr> context = MakeServerContext(settings);
    EXPECT_TRUE(context.ok()) << context.status().ToString();
    HttpServerOptions options;
    if (context.ok()) ServeTls(&options, *context);
    auto server = std::make_unique<HttpServer>(options);
    server->Route("GET", "/ping", [](auto&, auto& response) {
      HttpServer::Send(response, 200, "text/plain", "ok");
    });
    Status started = server->Start();
    EXPECT_TRUE(started.ok()) << started.ToString();
    return server;
  }

  TlsServerSettings ServerSettings(bool ask_for_client_certificates) const {
    return {certs_.cert_file, certs_.key_file,
            ask_for_client_certificates ? certs_.ca_file : std::string()};
  }

  // A client that trusts `ca_file` and shows `cert_file`/`key_file` when set.
  static TlsClientSettings Client(std::string ca_file, std::string cert_file = "",
                                  std::string key_file = "", bool insecure = false) {
    TlsClientSettings settings;
    settings.ca_file = std::move(ca_file);
    settings.cert_file = std::move(cert_file);
    settings.key_file = std::move(key_file);
    settings.insecure_skip_verify = insecure;
    return settings;
  }

  // GETs /ping over HTTPS; returns the status, or 0 with `error` set.
  static int Ping(uint16_t port, const TlsClientSettings& settings, std::string* error) {
    return testing::HttpsGet(port, "/ping", settings, error);
  }

  // Parses `yaml` (a `tls:` mapping under the key "tls") and returns the first error.
  static std::string ServerSettingsError(const std::string& yaml) {
    Result<ConfigNode> root = ConfigNode::LoadString(yaml, "test.yaml");
    if (!root.ok()) return root.status().ToString();
    ParseTlsServerSettings(root->Child("tls"));
    return root->status().ToString();
  }

  fs::path dir_;
  testing::TestCertificates certs_;
};

TEST_F(TlsTest, AClientThatTrustsTheCaIsServedAndOneThatDoesNotIsRefused) {
  auto server = Serve(ServerSettings(false));
  std::string error;
  EXPECT_EQ(Ping(server->port(), Client(certs_.ca_file), &error), 200) << error;
  EXPECT_TRUE(server->secure());

  error.clear();
  EXPECT_EQ(Ping(server->port(), Client(certs_.other_ca_file), &error), 0);
  EXPECT_NE(error.find("certificate verify failed"), std::string::npos) << error;

  // insecure_skip_verify exists for throwaway setups: it accepts the unknown CA.
  error.clear();
  EXPECT_EQ(Ping(server->port(), Client(certs_.other_ca_file, "", "", true), &error), 200) << error;
}

TEST_F(TlsTest, MutualTlsServesOnlyClientsWithACertificateOfTheClientCa) {
  auto server = Serve(ServerSettings(true));
  std::string error;
  EXPECT_EQ(Ping(server->port(),
                 Client(certs_.ca_file, certs_.client_cert_file, certs_.client_key_file), &error),
            200)
      << error;
  EXPECT_EQ(Ping(server->port(), Client(certs_.ca_file), &error), 0)
      << "a client without a certificate was served";
  EXPECT_EQ(
      Ping(server->port(),
           Client(certs_.ca_file, certs_.other_client_cert_file, certs_.other_client_key_file),
           &error),
      0)
      << "a client with a certificate of an unknown CA was served";
  // The server still answers the right client after refusing the others.
  EXPECT_EQ(Ping(server->port(),
                 Client(certs_.ca_file, certs_.client_cert_file, certs_.client_key_file), &error),
            200)
      << error;
}

TEST_F(TlsTest, FilesThatCannotBeUsedAreNamedInTheError) {
  TlsServerSettings missing{(dir_ / "nope.pem").string(), certs_.key_file, ""};
  Result<Poco::Net::Context::Ptr> context = MakeServerContext(missing);
  ASSERT_FALSE(context.ok());
  EXPECT_NE(context.status().message().find("tls.cert_file \"" + (dir_ / "nope.pem").string() +
                                            "\" cannot be read"),
            std::string::npos)
      << context.status().ToString();

  // The client's key with the server's certificate: they do not belong together.
  TlsServerSettings mismatched{certs_.cert_file, certs_.client_key_file, ""};
  context = MakeServerContext(mismatched);
  ASSERT_FALSE(context.ok());
  EXPECT_NE(context.status().message().find(certs_.client_key_file), std::string::npos)
      << context.status().ToString();

  TlsClientSettings client;
  client.ca_file = (dir_ / "missing-ca.pem").string();
  Result<Poco::Net::Context::Ptr> client_context = MakeClientContext(client);
  ASSERT_FALSE(client_context.ok());
  EXPECT_NE(client_context.status().message().find("tls.ca_file"), std::string::npos);
}

TEST_F(TlsTest, SettingsAreReadWithLinePreciseErrors) {
  Result<ConfigNode> root = ConfigNode::LoadString(
      "tls:\n  cert_file: /a.pem\n  key_file: /a-key.pem\n  client_ca_file: /ca.pem\n", "t.yaml");
  ASSERT_TRUE(root.ok());
  TlsServerSettings s = ParseTlsServerSettings(root->Child("tls"));
  EXPECT_TRUE(root->ok()) << root->status().ToString();
  EXPECT_EQ(s, (TlsServerSettings{"/a.pem", "/a-key.pem", "/ca.pem"}));
  EXPECT_TRUE(s.enabled());

  std::string half = ServerSettingsError("tls:\n  cert_file: /a.pem\n");
  EXPECT_NE(half.find("test.yaml:2"), std::string::npos) << half;
  EXPECT_NE(half.find("cert_file is set but key_file is not"), std::string::npos) << half;
  std::string no_cert = ServerSettingsError("tls:\n  client_ca_file: /ca.pem\n");
  EXPECT_NE(no_cert.find("client certificates need TLS"), std::string::npos) << no_cert;
  std::string typo = ServerSettingsError("tls:\n  certfile: /a.pem\n");
  EXPECT_NE(typo.find("certfile"), std::string::npos) << typo;

  Result<ConfigNode> absent = ConfigNode::LoadString("other: 1\n", "t.yaml");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(ParseTlsServerSettings(absent->Child("tls")).enabled());
  EXPECT_EQ(ParseTlsClientSettings(absent->Child("tls")), TlsClientSettings{});
}

TEST_F(TlsTest, TheDigestChangesWhenACertificateIsRenewedInPlace) {
  TlsServerSettings settings = ServerSettings(true);
  Result<std::string> before = TlsFilesDigest(settings);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(*TlsFilesDigest(settings), *before);
  fs::copy_file(certs_.client_cert_file, certs_.cert_file, fs::copy_options::overwrite_existing);
  Result<std::string> after = TlsFilesDigest(settings);
  ASSERT_TRUE(after.ok());
  EXPECT_NE(*after, *before);
  fs::remove(certs_.key_file);
  EXPECT_FALSE(TlsFilesDigest(settings).ok());
}

}  // namespace
}  // namespace nightjar
