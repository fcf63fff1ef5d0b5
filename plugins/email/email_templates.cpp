// Mail body templates; see email_templates.h.
#include "email_templates.h"

#include <vector>

#include "email_body.h"

namespace nightjar::plugins::email {
namespace {

// The fields body templates add, in the order of TemplateValues::extras below.
const std::vector<std::string_view>& BodyFields() {
  static const std::vector<std::string_view> kFields = {".Alerts", ".Summary"};
  return kFields;
}

std::optional<common::AlertTemplate> CompileIfSet(std::string_view option, std::string_view text) {
  if (text.empty()) return std::nullopt;
  return common::AlertTemplate::Compile(option, text, BodyFields());
}

}  // namespace

BodyTemplates::BodyTemplates(std::string_view text_template, std::string_view html_template)
    : text_(CompileIfSet("text_template", text_template)),
      html_(CompileIfSet("html_template", html_template)) {}

std::string BodyTemplates::Plain(const sdk::Notification& n,
                                 const std::string& dashboard_url) const {
  if (!text_) return PlainBody(n, common::Title(n), dashboard_url);
  common::TemplateValues values;
  values.external_url = dashboard_url;
  values.extras = {PlainAlerts(n), Summary(n)};
  return text_->Render(n, values);
}

std::string BodyTemplates::Html(const sdk::Notification& n,
                                const std::string& dashboard_url) const {
  if (!html_) return HtmlBody(n, common::Title(n), dashboard_url);
  common::TemplateValues values;
  values.external_url = dashboard_url;
  values.extras = {HtmlAlerts(n), HtmlEscape(Summary(n))};
  values.escape = &HtmlEscape;
  return html_->Render(n, values);
}

}  // namespace nightjar::plugins::email
