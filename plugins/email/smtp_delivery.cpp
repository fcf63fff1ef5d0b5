// SMTP delivery; see smtp_delivery.h.
#include "smtp_delivery.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <cctype>
#include <optional>
#include <sstream>

#include "http_delivery.h"
#include "text.h"

namespace nightjar::plugins::email {
namespace {

// A refusal by the server at one step of the dialog.
struct Refusal {
  int code;
  std::string message;
};

// Poco's session with the protected pieces this dialog needs made reachable: EHLO that
// returns the capabilities, and STARTTLS that keeps the configured host for SNI and
// verification.
class Session : public Poco::Net::SMTPClientSession {
 public:
  explicit Session(const Poco::Net::StreamSocket& socket) : SMTPClientSession(socket) {}

  // Reads the greeting (once) and sends EHLO; returns the server's capabilities.
  std::string Hello(const std::string& name) {
    std::string response;
    login(name, response);
    return response;
  }

  // Upgrades the connection to TLS after the server agreed.
  void StartTls(const std::string& host, Poco::Net::Context::Ptr context) {
    Poco::Net::SecureStreamSocket secure =
        Poco::Net::SecureStreamSocket::attach(socket(), host, context);
    socket() = secure;
  }
};

// Returns true when the EHLO response lists `capability` (a line "250-STARTTLS" or
// "250 AUTH PLAIN LOGIN" contains it as a word).
bool Offers(const std::string& ehlo, const std::string& capability) {
  std::string upper;
  for (char c : ehlo)
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  size_t pos = 0;
  while ((pos = upper.find(capability, pos)) != std::string::npos) {
    bool start = pos == 0 || !std::isalnum(static_cast<unsigned char>(upper[pos - 1]));
    size_t end = pos + capability.size();
    bool stop = end == upper.size() || !std::isalnum(static_cast<unsigned char>(upper[end]));
    if (start && stop) return true;
    pos = end;
  }
  return false;
}

// Returns the reply code a Poco SMTP exception carries: its code when set, else the first
// three-digit number starting with 4 or 5 in its text; 0 when there is none.
int ReplyCode(const Poco::Exception& e) {
  if (e.code() >= 400 && e.code() < 600) return e.code();
  const std::string text = e.message();
  for (size_t i = 0; i + 3 <= text.size(); ++i) {
    bool boundary = i == 0 || !std::isdigit(static_cast<unsigned char>(text[i - 1]));
    if (boundary && (text[i] == '4' || text[i] == '5') &&
        std::isdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isdigit(static_cast<unsigned char>(text[i + 2])) &&
        (i + 3 == text.size() || !std::isdigit(static_cast<unsigned char>(text[i + 3])))) {
      return std::stoi(text.substr(i, 3));
    }
  }
  return 0;
}

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

sdk::NotifyResult FromReply(int code, const std::string& what) {
  if (code >= 400 && code < 500) return sdk::NotifyResult::RetryLater(what);
  return sdk::NotifyResult::Failed(what);
}

// Sends one command and returns a refusal unless the reply is in the 2yz (or `expect`) class.
std::optional<Refusal> Command(Session& session, const std::string& command, int expect = 2) {
  std::string response;
  int status = session.sendCommand(command, response);
  if (status / 100 == expect) return std::nullopt;
  return Refusal{status, OneLine(response)};
}

// Authenticates; returns a refusal or nothing. Done here rather than with Poco's login():
// Poco's AUTH LOGIN expects the server's prompts to read "Username:" and "Password:", which
// RFC 4954 does not require and some servers do not send; the dialog's order is what counts.
using common::Base64;

std::optional<Refusal> Authenticate(Session& session, AuthMethod method, const std::string& user,
                                    const std::string& password) {
  if (method == AuthMethod::kPlain) {
    return Command(session, "AUTH PLAIN " + Base64(std::string(1, '\0') + user + '\0' + password));
  }
  if (auto r = Command(session, "AUTH LOGIN", 3)) return r;
  if (auto r = Command(session, Base64(user), 3)) return r;
  return Command(session, Base64(password));
}

}  // namespace

sdk::NotifyResult SmtpDelivery::Send(const std::string& from,
                                     const std::vector<std::string>& recipients,
                                     const std::string& message) const {
  const SmtpSettings& s = settings_;
  std::string where = "smtp://" + s.host + ":" + std::to_string(s.port);
  Poco::Timespan timeout(std::chrono::duration_cast<std::chrono::microseconds>(s.timeout).count());
  std::string step = "connecting";
  try {
    Poco::Net::SocketAddress address(s.host, s.port);
    Poco::Net::StreamSocket socket;
    if (s.tls == TlsMode::kImplicit) {
      Poco::Net::SecureStreamSocket secure(s.tls_context);
      secure.setPeerHostName(s.host);
      socket = secure;
    }
    socket.connect(address, timeout);
    Session session(socket);
    session.setTimeout(timeout);

    step = "EHLO";
    std::string capabilities = session.Hello(s.hello_name);
    if (s.tls == TlsMode::kStartTls) {
      if (!Offers(capabilities, "STARTTLS")) {
        return sdk::NotifyResult::Failed(where +
                                         " does not offer STARTTLS; nothing was sent in clear "
                                         "text (set tls: none to allow that)");
      }
      step = "STARTTLS";
      if (auto r = Command(session, "STARTTLS")) {
        return FromReply(r->code, where + " refused STARTTLS: " + r->message);
      }
      session.StartTls(s.host, s.tls_context);
      step = "EHLO";
      capabilities = session.Hello(s.hello_name);
    }

    if (!s.username.empty()) {
      step = "AUTH";
      AuthMethod method = s.auth;
      if (method == AuthMethod::kAuto) {
        method = Offers(capabilities, "PLAIN") || !Offers(capabilities, "LOGIN")
                     ? AuthMethod::kPlain
                     : AuthMethod::kLogin;
      }
      if (auto r = Authenticate(session, method, s.username, s.password)) {
        return FromReply(r->code, where + " refused AUTH " +
                                      (method == AuthMethod::kPlain ? "PLAIN" : "LOGIN") +
                                      " for user " + s.username + ": " + r->message);
      }
    }

    step = "MAIL FROM";
    if (auto r = Command(session, "MAIL FROM:<" + from + ">")) {
      return FromReply(r->code, where + " refused sender <" + from + ">: " + r->message);
    }
    step = "RCPT TO";
    for (const std::string& to : recipients) {
      // A refused recipient stops the delivery: sending to the others and then retrying would
      // send them the same mail twice.
      if (auto r = Command(session, "RCPT TO:<" + to + ">")) {
        return FromReply(r->code, where + " refused recipient <" + to + ">: " + r->message);
      }
    }
    step = "DATA";
    if (auto r = Command(session, "DATA", 3)) {
      return FromReply(r->code, where + " refused DATA: " + r->message);
    }
    std::istringstream content(message);
    session.sendMessage(content);
    try {
      session.close();
    } catch (const Poco::Exception&) {
      // The message was accepted; a failing QUIT changes nothing.
    }
    return sdk::NotifyResult::Delivered();
  } catch (const Poco::Net::SMTPException& e) {
    std::string what = where + " refused " + step + ": " + OneLine(e.message());
    return FromReply(ReplyCode(e), what);
  } catch (const Poco::TimeoutException&) {
    return sdk::NotifyResult::RetryLater(where + ": no answer within " +
                                         common::FormatDuration(s.timeout) + " while " + step);
  } catch (const Poco::Net::SSLException& e) {
    return sdk::NotifyResult::Failed(where + ": TLS error: " + e.displayText());
  } catch (const Poco::Exception& e) {
    return sdk::NotifyResult::RetryLater(where + ": " + e.displayText() + " while " + step);
  }
}

}  // namespace nightjar::plugins::email
