// The bodies of a notification mail as the operator configured them: the `text_template` and
// `html_template` options, in the template language of common::AlertTemplate plus two fields
// of their own,
//   .Alerts   every alert of the group, listed as the built-in body lists them (plain text in
//             text_template, HTML in html_template)
//   .Summary  "2 alerts firing, 1 resolved."
// An option left unset (or empty) keeps the built-in body (email_body.h). The built-in plain
// body is kDefaultTextTemplate rendered, except that it leaves out the dashboard line when
// there is no dashboard URL.
//
// In html_template the template's own text is HTML, written by the operator and sent as is;
// every value from the notification is escaped, so labels and annotations cannot inject markup.
//
// Thread-safety: immutable after construction; the bodies may be rendered concurrently.
#pragma once

#include <nightjar/plugin.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "alert_template.h"

namespace nightjar::plugins::email {

// The plain-text body as a template (documented as the default of text_template).
inline constexpr std::string_view kDefaultTextTemplate =
    "{{ .Title }}\n\n{{ .Summary }}\n{{ .Alerts }}\nView in Nightjar: {{ .ExternalURL }}\n";

class BodyTemplates {
 public:
  // Compiles the two options' texts (empty: the built-in body). Throws sdk::Error naming the
  // option and where in it a template does not compile.
  BodyTemplates(std::string_view text_template, std::string_view html_template);

  // Return the plain-text and HTML bodies; `dashboard_url` is .ExternalURL and the link that
  // ends the built-in bodies.
  std::string Plain(const sdk::Notification& n, const std::string& dashboard_url) const;
  std::string Html(const sdk::Notification& n, const std::string& dashboard_url) const;

 private:
  std::optional<common::AlertTemplate> text_;
  std::optional<common::AlertTemplate> html_;
};

}  // namespace nightjar::plugins::email
