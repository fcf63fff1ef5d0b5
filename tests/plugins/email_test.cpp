// The email notifier plugin (plugins/email), loaded from its .so through the host and talking
// to a real SMTP server: Debian's aiosmtpd, run by smtp_test_server.py on a loopback port it
// picks, with STARTTLS or implicit TLS on a certificate made for the test and AUTH. What the
// server received is read back from disk and parsed as MIME.
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "notifier_test_support.h"
#include "peer_process.h"
#include "plugin_test_support.h"
#include "tls_test_server.h"

namespace nightjar::plugins {
namespace {

using testing::Contains;
using testing::Scalars;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// A message as the SMTP server accepted it.
struct ReceivedMail {
  std::string mail_from;
  std::vector<std::string> rcpt_tos;
  bool tls = false;
  std::string auth_user;
  std::string auth_mechanism;
  Poco::Net::MessageHeader headers;
  std::string content_type;
  std::string text;  // the text/plain part, decoded
  std::string html;  // the text/html part, decoded
};

class PartCollector : public Poco::Net::PartHandler {
 public:
  explicit PartCollector(ReceivedMail* mail) : mail_(mail) {}
  void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
    std::string body;
    Poco::StreamCopier::copyToString(stream, body);
    std::string type = header.get("Content-Type", "");
    if (type.rfind("text/plain", 0) == 0) mail_->text = body;
    if (type.rfind("text/html", 0) == 0) mail_->html = body;
  }

 private:
  ReceivedMail* mail_;
};

// smtp_test_server.py, started for one test and stopped with it.
class SmtpServer {
 public:
  struct Config {
    std::string tls = "none";  // none | starttls | implicit
    std::string user;
    std::string password;
  };

  SmtpServer(const testing::TempDir& dir, const testing::TestCertificates& certificates,
             const Config& config)
      : dir_(dir.path() + "/smtp") {
    std::filesystem::create_directories(dir_);
    std::vector<std::string> argv = {"/usr/bin/python3",
                                     testing::SourcePath("tests/plugins/smtp_test_server.py"),
                                     "--dir",
                                     dir_,
                                     "--tls",
                                     config.tls};
    if (config.tls != "none") {
      argv.insert(argv.end(), {"--cert", certificates.cert_file, "--key", certificates.key_file});
    }
    if (!config.user.empty()) {
      argv.insert(argv.end(), {"--user", config.user, "--password", config.password});
    }
    std::string error;
    process_ = testing::PeerProcess::Start(argv, dir.path() + "/smtp.log", &error);
    if (!process_) {
      problem_ = error;
      return;
    }
    bool up = testing::WaitUntil(
        [&] { return !process_->Running() || std::filesystem::exists(dir_ + "/port"); },
        std::chrono::seconds(20));
    if (up && process_->Running()) {
      port_ = std::stoi(ReadFile(dir_ + "/port"));
    } else {
      problem_ = "the SMTP test server (python3-aiosmtpd) did not start: " + process_->Log();
    }
  }

  int port() const { return port_; }
  const std::string& problem() const { return problem_; }

  // Returns the messages accepted so far, in order.
  std::vector<ReceivedMail> Messages() const {
    std::vector<ReceivedMail> out;
    for (int i = 1; std::filesystem::exists(dir_ + "/message-" + std::to_string(i) + ".json");
         ++i) {
      rapidjson::Document doc;
      std::string json = ReadFile(dir_ + "/message-" + std::to_string(i) + ".json");
      if (doc.Parse(json.c_str()).HasParseError()) continue;
      ReceivedMail m;
      m.mail_from = doc["mail_from"].GetString();
      for (const auto& r : doc["rcpt_tos"].GetArray()) m.rcpt_tos.emplace_back(r.GetString());
      m.tls = doc["tls"].GetBool();
      if (doc["auth_user"].IsString()) m.auth_user = doc["auth_user"].GetString();
      if (doc["auth_mechanism"].IsString()) m.auth_mechanism = doc["auth_mechanism"].GetString();
      std::istringstream raw(doc["data"].GetString());
      Poco::Net::MailMessage message;
      PartCollector parts(&m);
      message.read(raw, parts);
      m.headers = message;
      m.content_type = message.getContentType();
      out.push_back(std::move(m));
    }
    return out;
  }

 private:
  std::string dir_;
  std::unique_ptr<testing::PeerProcess> process_;
  int port_ = 0;
  std::string problem_;
};

class EmailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certificates_ = testing::MakeTestCertificates(dir_.path());
    ASSERT_EQ(certificates_.error, "");
  }

  // Starts the server; the test fails (never skips) when it cannot run.
  void StartServer(const SmtpServer::Config& config) {
    server_ = std::make_unique<SmtpServer>(dir_, certificates_, config);
    ASSERT_NE(server_->port(), 0) << server_->problem();
  }

  OptionInputs Options(const std::string& tls, OptionInputs more = {}) {
    OptionInputs o = Scalars({{"host", "127.0.0.1"},
                              {"port", std::to_string(server_->port())},
                              {"tls", tls},
                              {"from", "Nightjar <alerts@example.com>"},
                              {"ca_file", certificates_.ca_file},
                              {"timeout", "10s"}});
    o.emplace_back("to", OptionInput::List({"oncall@example.com"}));
    for (auto& m : more) o.push_back(std::move(m));
    return o;
  }

  NotifyOutcome Send(const OptionInputs& options,
                     const Notification& n = testing::SampleNotification()) {
    auto host = testing::StartNotifier("email", options);
    EXPECT_TRUE(host->problems().empty()) << host->problems()[0];
    return testing::Deliver(*host, n);
  }

  testing::TempDir dir_;
  testing::TestCertificates certificates_;
  std::unique_ptr<SmtpServer> server_;
};

TEST(EmailOptions, RefusesInvalidValuesAndUnknownKeys) {
  auto base = [](std::initializer_list<std::pair<std::string, std::string>> more) {
    OptionInputs o = Scalars({{"host", "smtp.example.com"}});
    o.emplace_back("to", OptionInput::List({"oncall@example.com"}));
    bool from = false;
    for (const auto& [k, v] : more) {
      o.emplace_back(k, OptionInput::Scalar(v));
      from = from || k == "from";
    }
    if (!from) o.emplace_back("from", OptionInput::Scalar("alerts@example.com"));
    return o;
  };
  std::string none = testing::NotifierRefusal("email", {});
  EXPECT_TRUE(Contains(none, "option \"host\": is required")) << none;
  EXPECT_TRUE(
      Contains(testing::NotifierRefusal("email", base({{"tls", "ssl"}})), "option \"tls\""));
  EXPECT_TRUE(Contains(testing::NotifierRefusal("email", base({{"port", "70000"}})),
                       "option \"port\": must be between"));
  EXPECT_TRUE(Contains(testing::NotifierRefusal("email", base({{"from", "alerts"}})),
                       "create failed: from: \"alerts\" is not a mail address"));
  EXPECT_TRUE(Contains(testing::NotifierRefusal("email", base({{"subject", "{{ .Labels.x }}"}})),
                       "create failed: subject: unknown field \".Labels.x\""));
  std::string body =
      testing::NotifierRefusal("email", base({{"html_template", "<p>\n{{ .Nope }}"}}));
  EXPECT_TRUE(Contains(body, "create failed: html_template: unknown field \".Nope\"")) << body;
  EXPECT_TRUE(Contains(body, "in \"{{ .Nope }}\" at line 2, column 1")) << body;
  body = testing::NotifierRefusal("email", base({{"text_template", "{{ .Alerts | upper }} {{"}}));
  EXPECT_TRUE(Contains(body,
                       "create failed: text_template: \"{{\" is not closed in \"{{\" at "
                       "line 1, column 23"))
      << body;
  EXPECT_TRUE(Contains(testing::NotifierRefusal("email", base({{"password", "pw"}})),
                       "create failed: password is set but username is not"));
  EXPECT_TRUE(Contains(testing::NotifierRefusal("email", base({{"too", "x@example.com"}})),
                       "option \"too\": unknown option (did you mean \"to\"?)"));
  OptionInputs bad_to = base({});
  bad_to.emplace_back("cc", OptionInput::List({"lead@example.com", "two@@example.com"}));
  EXPECT_TRUE(Contains(testing::NotifierRefusal("email", bad_to),
                       "cc: \"two@@example.com\" is not a mail address"));
}

TEST(EmailOptions, AcceptsValidOptionsAndHidesThePassword) {
  OptionInputs o = Scalars({{"host", "smtp.example.com"},
                            {"tls", "implicit"},
                            {"username", "alerts"},
                            {"password", "s3cret"},
                            {"auth", "login"},
                            {"from", "\"Nightjar Alerts\" <alerts@example.com>"},
                            {"subject", "[{{ .Status | upper }}] {{ .CommonLabels.alertname }}"},
                            {"dashboard_url", "https://nightjar.example/"}});
  o.emplace_back("to", OptionInput::List({"a@example.com", "Ops <ops@example.com>"}));
  auto host = testing::StartNotifier("email", o);
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  StringPairs shown = host->Stats().at(0).instances.at(0).options;
  EXPECT_NE(std::find(shown.begin(), shown.end(),
                      std::make_pair(std::string("password"), std::string("(secret)"))),
            shown.end());
}

TEST_F(EmailTest, DeliversAReadableMultipartMailOverStartTlsWithAuth) {
  StartServer({"starttls", "alerts", "s3cret"});
  OptionInputs options =
      Options("starttls", Scalars({{"username", "alerts"}, {"password", "s3cret"}}));
  options.emplace_back("cc", OptionInput::List({"Team Lead <lead@example.com>"}));
  Notification n = testing::SampleNotification();
  n.alerts[0].annotations.emplace_back("description", "load < 1 & <b>not</b> fine");
  NotifyOutcome o = Send(options, n);
  ASSERT_EQ(o.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(o);

  std::vector<ReceivedMail> mails = server_->Messages();
  ASSERT_EQ(mails.size(), 1u);
  const ReceivedMail& m = mails[0];
  EXPECT_TRUE(m.tls);
  EXPECT_EQ(m.auth_user, "alerts");
  EXPECT_EQ(m.auth_mechanism, "PLAIN");
  EXPECT_EQ(m.mail_from, "alerts@example.com");
  EXPECT_EQ(m.rcpt_tos, (std::vector<std::string>{"oncall@example.com", "lead@example.com"}));

  EXPECT_EQ(m.headers.get("Subject", ""), "[FIRING:1] HighCPU");
  EXPECT_EQ(m.headers.get("From", ""), "Nightjar <alerts@example.com>");
  EXPECT_TRUE(Contains(m.headers.get("To", ""), "oncall@example.com")) << m.headers.get("To", "");
  EXPECT_TRUE(Contains(m.headers.get("Cc", ""), "lead@example.com")) << m.headers.get("Cc", "");
  EXPECT_EQ(m.headers.get("Message-ID", ""), "<nightjar.n-42@example.com>");
  EXPECT_EQ(m.headers.get("X-Nightjar-Notification-Id", ""), "n-42");
  EXPECT_EQ(m.headers.get("Auto-Submitted", ""), "auto-generated");
  EXPECT_TRUE(m.headers.has("Date"));
  EXPECT_EQ(m.content_type.rfind("multipart/alternative", 0), 0u) << m.content_type;

  for (const char* part :
       {"[FIRING:1] HighCPU", "1 alert firing, 1 resolved.", "[FIRING] HighCPU",
        "Started 2023-11-14 22:13:20 UTC", "host = web-1", "severity = page", "summary: CPU at 97%",
        "runbook: https://wiki/cpu", "Source: http://collector:8080/rules/cpu",
        "[RESOLVED] HighCPU", "ended 2023-11-14 22:14:20 UTC", "host = web-2",
        "description: load < 1 & <b>not</b> fine", "View in Nightjar: http://collector:8080"}) {
    EXPECT_TRUE(Contains(m.text, part)) << part << " not in:\n" << m.text;
  }
  for (const char* part : {"<code>web-1</code>", "<code>web-2</code>", "FIRING", "RESOLVED",
                           "CPU at 97%", "load &lt; 1 &amp; &lt;b&gt;not&lt;/b&gt; fine",
                           "<a href=\"http://collector:8080/rules/cpu\">Source</a>",
                           "<a href=\"http://collector:8080\">View in Nightjar</a>"}) {
    EXPECT_TRUE(Contains(m.html, part)) << part << " not in:\n" << m.html;
  }
  EXPECT_FALSE(Contains(m.html, "<b>not</b>"));
}

TEST_F(EmailTest, UsesAuthLoginWhenAskedAndTheSubjectTemplate) {
  StartServer({"starttls", "alerts", "s3cret"});
  NotifyOutcome o = Send(Options(
      "starttls", Scalars({{"username", "alerts"},
                           {"password", "s3cret"},
                           {"auth", "login"},
                           {"dashboard_url", "https://nightjar.example/alerts"},
                           {"subject",
                            "{{ .Status | upper }}: {{ .CommonLabels.alertname }} "
                            "({{ .FiringCount }} of {{ .AlertCount }}) {{ .ExternalURL }}"}})));
  ASSERT_EQ(o.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(o);
  std::vector<ReceivedMail> mails = server_->Messages();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].auth_mechanism, "LOGIN");
  EXPECT_EQ(mails[0].headers.get("Subject", ""),
            "FIRING: HighCPU (1 of 2) https://nightjar.example/alerts");
  EXPECT_TRUE(Contains(mails[0].text, "View in Nightjar: https://nightjar.example/alerts"));
}

TEST_F(EmailTest, SendsTheBodiesOfItsTemplates) {
  StartServer({"none", "", ""});
  Notification n = testing::SampleNotification();
  n.common_labels.emplace_back("team", "<db>");
  NotifyOutcome o = Send(
      Options("none", Scalars({{"text_template",
                                "Hello {{ .CommonLabels.team }}: {{ .Summary }}\n{{ .Alerts }}"},
                               {"html_template",
                                "<h1>{{ .Title }} for {{ .CommonLabels.team }}</h1>{{ .Alerts }}"
                                "<p>{{ .Summary }}</p>"}})),
      n);
  ASSERT_EQ(o.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(o);
  std::vector<ReceivedMail> mails = server_->Messages();
  ASSERT_EQ(mails.size(), 1u);
  const ReceivedMail& m = mails[0];
  EXPECT_EQ(m.text.rfind("Hello <db>: 1 alert firing, 1 resolved.\n\n[FIRING] HighCPU\n", 0), 0u)
      << m.text;
  EXPECT_TRUE(Contains(m.text, "host = web-2")) << m.text;
  EXPECT_FALSE(Contains(m.text, "View in Nightjar")) << m.text;
  EXPECT_EQ(m.html.rfind("<h1>[FIRING:1] HighCPU for &lt;db&gt;</h1><div", 0), 0u) << m.html;
  EXPECT_TRUE(Contains(m.html, "<code>web-2</code>")) << m.html;
  EXPECT_TRUE(Contains(m.html, "<p>1 alert firing, 1 resolved.</p>")) << m.html;
  EXPECT_EQ(m.headers.get("Subject", ""), "[FIRING:1] HighCPU");
}

TEST_F(EmailTest, DeliversOverImplicitTls) {
  StartServer({"implicit", "", ""});
  NotifyOutcome o = Send(Options("implicit"));
  ASSERT_EQ(o.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(o);
  std::vector<ReceivedMail> mails = server_->Messages();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_TRUE(mails[0].tls);
}

TEST_F(EmailTest, SendsNothingInClearTextWhenTheServerLacksStartTls) {
  StartServer({"none", "", ""});
  NotifyOutcome o = Send(Options("starttls"));
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kFailed) << testing::Describe(o);
  EXPECT_TRUE(Contains(o.message, "does not offer STARTTLS")) << o.message;
  EXPECT_TRUE(server_->Messages().empty());

  // Asked for explicitly, clear text works.
  NotifyOutcome clear = Send(Options("none"));
  ASSERT_EQ(clear.kind, NotifyOutcome::Kind::kDelivered) << testing::Describe(clear);
  std::vector<ReceivedMail> mails = server_->Messages();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_FALSE(mails[0].tls);
}

TEST_F(EmailTest, AWrongPasswordFailsForGoodWithTheServersReply) {
  StartServer({"starttls", "alerts", "s3cret"});
  NotifyOutcome o =
      Send(Options("starttls", Scalars({{"username", "alerts"}, {"password", "wrong"}})));
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kFailed) << testing::Describe(o);
  EXPECT_TRUE(Contains(o.message, "refused AUTH PLAIN for user alerts: 535 5.7.8")) << o.message;
  EXPECT_FALSE(Contains(o.message, "wrong")) << o.message;
  EXPECT_TRUE(server_->Messages().empty());
}

TEST_F(EmailTest, TemporaryRefusalsRetryAndPermanentOnesFail) {
  StartServer({"starttls", "", ""});
  OptionInputs busy = Options("starttls");
  busy.emplace_back("cc", OptionInput::List({"busy@example.com"}));
  NotifyOutcome later = Send(busy);
  EXPECT_EQ(later.kind, NotifyOutcome::Kind::kRetryLater) << testing::Describe(later);
  EXPECT_TRUE(Contains(later.message, "refused recipient <busy@example.com>: 451 4.3.0"))
      << later.message;

  OptionInputs nobody = Options("starttls");
  nobody.emplace_back("cc", OptionInput::List({"nobody@example.com"}));
  NotifyOutcome failed = Send(nobody);
  EXPECT_EQ(failed.kind, NotifyOutcome::Kind::kFailed) << testing::Describe(failed);
  EXPECT_TRUE(Contains(failed.message, "550 5.1.1 No such user here")) << failed.message;
  EXPECT_TRUE(server_->Messages().empty());
}

TEST_F(EmailTest, AServerCertificateItCannotVerifyFailsForGood) {
  StartServer({"starttls", "", ""});
  OptionInputs options = Options("starttls");
  options.erase(std::find_if(options.begin(), options.end(),
                             [](const auto& o) { return o.first == "ca_file"; }));
  NotifyOutcome o = Send(options);
  EXPECT_EQ(o.kind, NotifyOutcome::Kind::kFailed) << testing::Describe(o);
  EXPECT_TRUE(Contains(o.message, "TLS error")) << o.message;
  EXPECT_TRUE(server_->Messages().empty());
}

TEST(EmailOutcomes, AnUnreachableServerAsksToRetry) {
  OptionInputs o = Scalars({{"host", "127.0.0.1"},
                            {"port", std::to_string(testing::UnusedLoopbackPort())},
                            {"tls", "none"},
                            {"from", "alerts@example.com"}});
  o.emplace_back("to", OptionInput::List({"oncall@example.com"}));
  auto host = testing::StartNotifier("email", o);
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  NotifyOutcome outcome = testing::Deliver(*host, testing::SampleNotification());
  EXPECT_EQ(outcome.kind, NotifyOutcome::Kind::kRetryLater) << testing::Describe(outcome);
  EXPECT_TRUE(Contains(outcome.message, "Connection refused")) << outcome.message;
}

}  // namespace
}  // namespace nightjar::plugins
