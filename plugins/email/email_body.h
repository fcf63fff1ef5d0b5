// The two bodies of a notification mail: plain text for every client and HTML for those that
// render it. Both list every alert of the group with its status, labels, annotations, start
// (and end) time and source link, then a link to the dashboard.
//
// Every value in the HTML body is escaped, so labels and annotations cannot inject markup.
//
// Thread-safety: pure functions.
#pragma once

#include <nightjar/plugin.hpp>

#include <string>

namespace nightjar::plugins::email {

// Returns the plain-text body; `title` heads it and `dashboard_url` ends it (left out when
// empty).
std::string PlainBody(const sdk::Notification& n, const std::string& title,
                      const std::string& dashboard_url);

// Returns the HTML body, with the same content as PlainBody.
std::string HtmlBody(const sdk::Notification& n, const std::string& title,
                     const std::string& dashboard_url);

}  // namespace nightjar::plugins::email
