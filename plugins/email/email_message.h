// The mail for one notification: addresses, headers and a multipart/alternative body with a
// plain-text and an HTML part, written as the RFC 5322 text SMTP sends after DATA.
//
// Headers beyond the usual: Message-ID derived from the notification id, so that a retried
// delivery is recognisably the same message; X-Nightjar-Notification-Id; and
// Auto-Submitted: auto-generated (RFC 3834), so that vacation responders stay quiet.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nightjar::plugins::email {

// A mailbox as written in configuration: "ops@example.com" or "On-call <ops@example.com>".
struct Mailbox {
  std::string name;     // display name, possibly empty
  std::string address;  // what SMTP's MAIL FROM / RCPT TO use
};

// Parses a mailbox; throws sdk::Error naming `option` when it is not an address.
Mailbox ParseMailbox(std::string_view option, std::string_view text);

// What a message is made of.
struct MessageParts {
  Mailbox from;
  std::vector<Mailbox> to;
  std::vector<Mailbox> cc;
  std::string subject;  // plain text; control characters are dropped, non-ASCII is encoded
  std::string plain_body;
  std::string html_body;
  std::string notification_id;
  int64_t date_unix_nanos = 0;
};

// Returns the complete message: headers, a blank line and the MIME body, CRLF line ends.
std::string ComposeMessage(const MessageParts& parts);

}  // namespace nightjar::plugins::email
