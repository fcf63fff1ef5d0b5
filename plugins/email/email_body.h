// The two built-in bodies of a notification mail: plain text for every client and HTML for
// those that render it. Both list every alert of the group with its status, labels,
// annotations, start (and end) time and source link, then a link to the dashboard. Their parts
// (Summary, PlainAlerts, HtmlAlerts) are also what body templates show (email_templates.h).
//
// Every value in the HTML body is escaped, so labels and annotations cannot inject markup.
//
// Thread-safety: pure functions.
#pragma once

#include <nightjar/plugin.hpp>

#include <string>
#include <string_view>

namespace nightjar::plugins::email {

// Returns `s` with &, <, >, " and ' as HTML entities.
std::string HtmlEscape(std::string_view s);

// Returns "2 alerts firing, 1 resolved." (and how many alerts were left out, if any).
std::string Summary(const sdk::Notification& n);

// Returns every alert of the group as the plain-text body lists them, each block starting with
// an empty line.
std::string PlainAlerts(const sdk::Notification& n);

// Returns every alert of the group as the HTML body lists them (one <div> each), every value
// escaped.
std::string HtmlAlerts(const sdk::Notification& n);

// Returns the plain-text body; `title` heads it and `dashboard_url` ends it (left out when
// empty).
std::string PlainBody(const sdk::Notification& n, const std::string& title,
                      const std::string& dashboard_url);

// Returns the HTML body, with the same content as PlainBody.
std::string HtmlBody(const sdk::Notification& n, const std::string& title,
                     const std::string& dashboard_url);

}  // namespace nightjar::plugins::email
