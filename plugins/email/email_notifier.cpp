// email: a notifier plugin that mails each notification over SMTP: a multipart message with a
// plain-text and an HTML body listing the group's alerts (email_body.h, email_message.h), or
// as the operator's body templates say (email_templates.h),
// delivered with STARTTLS or implicit TLS and AUTH PLAIN/LOGIN (smtp_delivery.h), whose
// outcome follows the server's reply class: 4yz retry later, 5yz fail with its words.
//
// Thread-safety: an instance holds only its configuration and opens a connection per
// notification, so it declares itself thread-safe.
#include <Poco/Environment.h>
#include <nightjar/plugin.hpp>

#include <string>
#include <vector>

#include "alert_template.h"
#include "email_body.h"
#include "email_message.h"
#include "email_templates.h"
#include "smtp_delivery.h"
#include "tls_client.h"

namespace {

namespace common = nightjar::plugins::common;
namespace email = nightjar::plugins::email;
using nightjar::sdk::Context;
using nightjar::sdk::Notification;
using nightjar::sdk::NotifyResult;
using nightjar::sdk::Option;

email::TlsMode ParseTls(const std::string& value) {
  if (value == "none") return email::TlsMode::kNone;
  if (value == "implicit") return email::TlsMode::kImplicit;
  return email::TlsMode::kStartTls;
}

email::AuthMethod ParseAuth(const std::string& value) {
  if (value == "plain") return email::AuthMethod::kPlain;
  if (value == "login") return email::AuthMethod::kLogin;
  return email::AuthMethod::kAuto;
}

// Returns the usual port of each TLS mode: submission (587) for STARTTLS, submissions (465)
// for implicit TLS, SMTP (25) without.
uint16_t DefaultPort(email::TlsMode tls) {
  switch (tls) {
    case email::TlsMode::kNone:
      return 25;
    case email::TlsMode::kImplicit:
      return 465;
    case email::TlsMode::kStartTls:
      break;
  }
  return 587;
}

std::vector<email::Mailbox> Mailboxes(const char* option, const std::vector<std::string>& list) {
  std::vector<email::Mailbox> out;
  for (const std::string& item : list) out.push_back(email::ParseMailbox(option, item));
  return out;
}

email::SmtpSettings Settings(const nightjar::sdk::Options& options) {
  email::SmtpSettings s;
  s.host = options.String("host");
  s.tls = ParseTls(options.String("tls"));
  s.port =
      options.Int("port") != 0 ? static_cast<uint16_t>(options.Int("port")) : DefaultPort(s.tls);
  s.username = options.String("username");
  s.password = options.String("password");
  s.auth = ParseAuth(options.String("auth"));
  s.hello_name =
      options.Has("hello_name") ? options.String("hello_name") : Poco::Environment::nodeName();
  s.timeout = options.Duration("timeout");
  if (s.host.empty()) throw nightjar::sdk::Error("host must not be empty");
  if (!s.password.empty() && s.username.empty()) {
    throw nightjar::sdk::Error("password is set but username is not");
  }
  if (s.tls != email::TlsMode::kNone) {
    s.tls_context = common::MakeClientContext(common::TlsSettings::FromOptions(options));
  }
  return s;
}

class EmailNotifier : public nightjar::sdk::Notifier {
 public:
  static constexpr nightjar::sdk::PluginInfo kInfo{
      "email", "1.0.0", "Mails notifications over SMTP (STARTTLS or TLS, AUTH PLAIN/LOGIN)."};
  static constexpr bool kThreadSafe = true;
  static constexpr Option kOptions[] = {
      Option::String("host", nullptr, "SMTP server (relay or submission) host name.").Required(),
      Option::Int("port", "0", "SMTP port; 0 picks 587 (starttls), 465 (implicit) or 25 (none).")
          .Range(0, 65535),
      Option::String("tls", "starttls",
                     "starttls: upgrade after EHLO and refuse servers without it; implicit: TLS "
                     "from the first byte; none: clear text.")
          .Choices("none|starttls|implicit"),
      Option::String("username", nullptr, "User to authenticate as; no AUTH when unset."),
      Option::String("password", nullptr, "Password for AUTH.").Secret(),
      Option::String("auth", "auto", "AUTH mechanism; auto picks PLAIN when offered, else LOGIN.")
          .Choices("auto|plain|login"),
      Option::String("from", nullptr, "Sender, e.g. \"Nightjar <alerts@example.com>\".").Required(),
      Option::StringList("to", "Recipients.").Required(),
      Option::StringList("cc", "Recipients in copy."),
      Option::String("subject", "{{ .Title }}", "Template of the subject line."),
      Option::String("text_template", nullptr,
                     "Template of the plain-text body; also .Alerts (every alert, listed) and "
                     ".Summary. Default: the built-in body."),
      Option::String("html_template", nullptr,
                     "Template of the HTML body, itself HTML (values are escaped); also .Alerts "
                     "and .Summary. Default: the built-in body."),
      Option::String("dashboard_url", nullptr,
                     "Link at the end of the mail (default: the collector's URL)."),
      Option::String("hello_name", nullptr, "Name sent with EHLO (default: this host's name)."),
      Option::Duration("timeout", "30s", "Connect and per-reply timeout.").Range(1e6, 600e9),
      common::kCaFileOption,
      common::kInsecureSkipVerifyOption,
  };

  explicit EmailNotifier(const Context& context)
      : host_(context.host()),
        delivery_(Settings(context.options())),
        subject_(common::AlertTemplate::Compile("subject", context.options().String("subject"))),
        bodies_(context.options().String("text_template"),
                context.options().String("html_template")),
        dashboard_url_(context.options().String("dashboard_url")) {
    const auto& options = context.options();
    from_ = email::ParseMailbox("from", options.String("from"));
    to_ = Mailboxes("to", options.StringList("to"));
    cc_ = Mailboxes("cc", options.StringList("cc"));
    if (to_.empty()) throw nightjar::sdk::Error("to: at least one recipient is needed");
    for (const auto* list : {&to_, &cc_}) {
      for (const email::Mailbox& m : *list) recipients_.push_back(m.address);
    }
  }

  NotifyResult Notify(const Notification& notification) override {
    std::string dashboard =
        dashboard_url_.empty() ? std::string(notification.external_url()) : dashboard_url_;
    email::MessageParts parts;
    parts.from = from_;
    parts.to = to_;
    parts.cc = cc_;
    parts.subject = subject_.Render(notification, dashboard);
    parts.plain_body = bodies_.Plain(notification, dashboard);
    parts.html_body = bodies_.Html(notification, dashboard);
    parts.notification_id = std::string(notification.id());
    parts.date_unix_nanos = host_.NowUnixNanos();
    return delivery_.Send(from_.address, recipients_, email::ComposeMessage(parts));
  }

 private:
  nightjar::sdk::Host host_;
  email::SmtpDelivery delivery_;
  common::AlertTemplate subject_;
  email::BodyTemplates bodies_;
  std::string dashboard_url_;
  email::Mailbox from_;
  std::vector<email::Mailbox> to_;
  std::vector<email::Mailbox> cc_;
  std::vector<std::string> recipients_;
};

}  // namespace

NJ_PLUGIN(EmailNotifier)
