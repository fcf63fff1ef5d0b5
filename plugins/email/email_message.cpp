// Mail composition; see email_message.h.
#include "email_message.h"

#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/Timestamp.h>
#include <nightjar/plugin.hpp>

#include <cctype>
#include <sstream>

#include "text.h"

namespace nightjar::plugins::email {
namespace {

using common::Trim;

// Drops control characters: a label value with CR LF must not start a new header.
std::string OneLine(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out.push_back(c);
  }
  return out;
}

std::string Formatted(const Mailbox& m) {
  if (m.name.empty()) return m.address;
  return Poco::Net::MailMessage::encodeWord(m.name, "UTF-8") + " <" + m.address + ">";
}

std::string MessageId(const MessageParts& parts) {
  std::string id;
  for (char c : parts.notification_id) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') {
      id.push_back(c);
    }
  }
  if (id.empty()) return "";
  size_t at = parts.from.address.rfind('@');
  return "<nightjar." + id + parts.from.address.substr(at) + ">";
}

}  // namespace

Mailbox ParseMailbox(std::string_view option, std::string_view text) {
  Mailbox m;
  std::string_view s = Trim(text);
  size_t open = s.rfind('<');
  if (open != std::string_view::npos && !s.empty() && s.back() == '>') {
    m.name = std::string(Trim(s.substr(0, open)));
    if (m.name.size() >= 2 && m.name.front() == '"' && m.name.back() == '"') {
      m.name = m.name.substr(1, m.name.size() - 2);
    }
    m.address = std::string(Trim(s.substr(open + 1, s.size() - open - 2)));
  } else {
    m.address = std::string(s);
  }
  size_t at = m.address.find('@');
  bool ok = at != std::string::npos && at > 0 && at + 1 < m.address.size() &&
            m.address.find('@', at + 1) == std::string::npos;
  for (char c : m.address) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '<' || c == '>' || c == ',' || c == 0x7f) {
      ok = false;
    }
  }
  if (!ok || OneLine(m.name) != m.name) {
    throw sdk::Error(std::string(option) + ": \"" + std::string(text) +
                     "\" is not a mail address (user@example.com or Name <user@example.com>)");
  }
  return m;
}

std::string ComposeMessage(const MessageParts& parts) {
  using Poco::Net::MailMessage;
  using Poco::Net::MailRecipient;
  MailMessage message;
  message.setSender(Formatted(parts.from));
  for (const Mailbox& m : parts.to) {
    message.addRecipient(MailRecipient(MailRecipient::PRIMARY_RECIPIENT, m.address, m.name));
  }
  for (const Mailbox& m : parts.cc) {
    message.addRecipient(MailRecipient(MailRecipient::CC_RECIPIENT, m.address, m.name));
  }
  message.setSubject(MailMessage::encodeWord(OneLine(parts.subject), "UTF-8"));
  message.setDate(Poco::Timestamp(parts.date_unix_nanos / 1000));
  if (std::string id = MessageId(parts); !id.empty()) message.set("Message-ID", id);
  message.set("X-Nightjar-Notification-Id", OneLine(parts.notification_id));
  message.set("Auto-Submitted", "auto-generated");
  // Both parts say the same; clients show the last one they can render, so HTML goes last.
  message.setContentType("multipart/alternative");
  message.addPart("",
                  new Poco::Net::StringPartSource(parts.plain_body, "text/plain; charset=UTF-8"),
                  MailMessage::CONTENT_INLINE, MailMessage::ENCODING_QUOTED_PRINTABLE);
  message.addPart("", new Poco::Net::StringPartSource(parts.html_body, "text/html; charset=UTF-8"),
                  MailMessage::CONTENT_INLINE, MailMessage::ENCODING_QUOTED_PRINTABLE);
  std::ostringstream out;
  message.write(out);
  return out.str();
}

}  // namespace nightjar::plugins::email
