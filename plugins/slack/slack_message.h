// The JSON body of a Slack incoming-webhook message for one notification.
//
// Layout: `text` is the title (what Slack shows in notifications and where blocks cannot be
// shown); top-level blocks hold a header with the title, the group's common summary or
// description when there is one, and a button to the dashboard; then one attachment per alert,
// because only attachments carry a coloured bar: red for critical/page/error severities,
// yellow for warning, blue for info, green once resolved. Each alert's attachment has a section
// with its status, name and summary, up to nine of its other labels as fields, and a context
// line with its start (and end) time and a link to its source. Alerts past `max_alerts` are
// counted in a last line rather than sent, which keeps the message within Slack's limits
// (50 blocks, 10 fields a section, 3000 characters a text, 150 a header).
//
// Text in mrkdwn is escaped (&, <, >) so that label values cannot inject links or mentions.
//
// Thread-safety: pure functions.
#pragma once

#include <nightjar/plugin.hpp>

#include <string>

namespace nightjar::plugins::slack {

// What the message looks like beyond the notification itself.
struct MessageOptions {
  std::string title;          // the rendered title template
  std::string channel;        // overrides the webhook's channel when not empty
  std::string username;       // overrides the webhook's name when not empty
  std::string icon_emoji;     // e.g. ":rotating_light:", when not empty
  std::string dashboard_url;  // the button's target; no button when empty
  std::string severity_label = "severity";
  size_t max_alerts = 20;
};

// Returns the colour of an alert's bar from its status and severity label value.
std::string SeverityColour(bool firing, std::string_view severity);

// Returns the JSON message for `n`.
std::string Message(const sdk::Notification& n, const MessageOptions& options);

}  // namespace nightjar::plugins::slack
