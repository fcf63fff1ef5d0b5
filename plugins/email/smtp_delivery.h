// Delivery of one composed mail over SMTP, and what the server's answers mean for it.
//
// The dialog: connect (inside TLS from the first byte with `implicit`), EHLO, STARTTLS and
// EHLO again (with `starttls`: a server that does not offer it gets nothing, not even the
// credentials, in clear text), AUTH PLAIN or LOGIN when a username is set, MAIL FROM, one
// RCPT TO per recipient, DATA, QUIT.
//
// Outcomes follow SMTP's reply classes: a 4yz reply (greylisting, a full mailbox, a busy
// server) or a lost, refused or timed-out connection retries later; a 5yz reply (550 unknown
// recipient, 535 authentication failed, 554 rejected) fails for good with the server's words;
// so does a TLS error or a missing STARTTLS, which need an operator.
//
// Thread-safety: a Delivery is immutable after construction and opens a connection per Send,
// so concurrent Sends are safe.
#pragma once

#include <Poco/Net/Context.h>
#include <nightjar/plugin.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace nightjar::plugins::email {

enum class TlsMode { kNone, kStartTls, kImplicit };
enum class AuthMethod { kAuto, kPlain, kLogin };

// Where and how to deliver.
struct SmtpSettings {
  std::string host;
  uint16_t port = 0;
  TlsMode tls = TlsMode::kStartTls;
  std::string username;  // no AUTH when empty
  std::string password;
  AuthMethod auth = AuthMethod::kAuto;  // kAuto: PLAIN when offered, else LOGIN
  std::string hello_name;               // the EHLO argument
  std::chrono::nanoseconds timeout{std::chrono::seconds(30)};
  Poco::Net::Context::Ptr tls_context;  // for kStartTls and kImplicit
};

class SmtpDelivery {
 public:
  explicit SmtpDelivery(SmtpSettings settings) : settings_(std::move(settings)) {}

  // Sends `message` (complete RFC 5322 text) from `from` to every address of `recipients`.
  // Never throws for network or protocol problems: they become outcomes.
  sdk::NotifyResult Send(const std::string& from, const std::vector<std::string>& recipients,
                         const std::string& message) const;

 private:
  SmtpSettings settings_;
};

}  // namespace nightjar::plugins::email
