// The template language of notifier plugins (plugins/common/alert_template.h) as the email
// bodies use it (plugins/email/email_templates.h): extra fields, escaping of values for an HTML
// template, the built-in bodies as defaults, and compile errors that say where they are. Pure
// rendering on the view of a notification the host would pass; delivery over SMTP is in
// email_test.cpp.
#include <gtest/gtest.h>

#include <nightjar/plugin.hpp>

#include <string>

#include "alert_template.h"
#include "email_body.h"
#include "email_templates.h"
#include "notifier_test_support.h"
#include "plugin_host/abi_views.h"

namespace nightjar::plugins {
namespace {

using common::AlertTemplate;
using common::TemplateValues;
using email::BodyTemplates;

// Returns the message of the error Compile throws, or "" when it compiles.
std::string CompileError(std::string_view option, std::string_view text,
                         const std::vector<std::string_view>& extras = {}) {
  try {
    AlertTemplate::Compile(option, text, extras);
  } catch (const sdk::Error& e) {
    return e.what();
  }
  return "";
}

class EmailTemplateTest : public ::testing::Test {
 protected:
  EmailTemplateTest() : notification_(Sample()), view_(notification_, "mail"), n_(*view_.get()) {}

  static Notification Sample() {
    Notification n = testing::SampleNotification();
    n.common_labels.emplace_back("team", "<ops & dba>");
    return n;
  }

  Notification notification_;  // what view_ borrows from
  NotificationView view_;
  sdk::Notification n_;
};

TEST_F(EmailTemplateTest, ErrorsNameTheOptionThePlaceholderAndItsPosition) {
  EXPECT_EQ(CompileError("subject", "{{ .Labels.x }}"),
            "subject: unknown field \".Labels.x\" (known: .Status, .Title, .Receiver, .GroupKey, "
            ".ExternalURL, .AlertCount, .FiringCount, .ResolvedCount, .GroupLabels.<name>, "
            ".CommonLabels.<name>, .CommonAnnotations.<name>) in \"{{ .Labels.x }}\" at line 1, "
            "column 1");
  EXPECT_EQ(CompileError("html_template", "<h1>{{ .Title }}</h1>\n<p>\n  {{ .Sumary }}</p>",
                         {".Alerts", ".Summary"}),
            "html_template: unknown field \".Sumary\" (known: .Status, .Title, .Receiver, "
            ".GroupKey, .ExternalURL, .AlertCount, .FiringCount, .ResolvedCount, "
            ".GroupLabels.<name>, .CommonLabels.<name>, .CommonAnnotations.<name>, .Alerts, "
            ".Summary) in \"{{ .Sumary }}\" at line 3, column 3");
  EXPECT_EQ(CompileError("text_template", "ok {{ .Title }}\nthen {{ .Status | title }}"),
            "text_template: unknown filter \"title\" (known: upper, lower) in "
            "\"{{ .Status | title }}\" at line 2, column 6");
  EXPECT_EQ(CompileError("text_template", "a\nb\nc {{ .Title"),
            "text_template: \"{{\" is not closed in \"{{ .Title\" at line 3, column 3");
  // Extra fields exist only where the caller declares them.
  EXPECT_NE(CompileError("subject", "{{ .Alerts }}"), "");
  EXPECT_EQ(CompileError("text_template", "{{ .Alerts }}", {".Alerts"}), "");
}

TEST_F(EmailTemplateTest, ExtrasGoInAsTheyAreAndOnlyNotificationValuesAreEscaped) {
  AlertTemplate t = AlertTemplate::Compile(
      "html_template", "<b>{{ .CommonLabels.team }}</b> {{ .Extra }} {{ .Status | upper }}",
      {".Extra"});
  TemplateValues values;
  values.extras = {"<i>as is</i>"};
  values.escape = &email::HtmlEscape;
  EXPECT_EQ(t.Render(n_, values), "<b>&lt;ops &amp; dba&gt;</b> <i>as is</i> FIRING");
  values.escape = nullptr;
  EXPECT_EQ(t.Render(n_, values), "<b><ops & dba></b> <i>as is</i> FIRING");
}

TEST_F(EmailTemplateTest, UnsetTemplatesKeepTheBuiltInBodies) {
  BodyTemplates bodies("", "");
  std::string title = common::Title(n_);
  EXPECT_EQ(bodies.Plain(n_, "https://nightjar.example"),
            email::PlainBody(n_, title, "https://nightjar.example"));
  EXPECT_EQ(bodies.Html(n_, "https://nightjar.example"),
            email::HtmlBody(n_, title, "https://nightjar.example"));
  EXPECT_NE(bodies.Plain(n_, "").find("[RESOLVED] HighCPU"), std::string::npos);
}

TEST_F(EmailTemplateTest, TheDocumentedDefaultTextTemplateIsTheBuiltInBody) {
  BodyTemplates bodies(email::kDefaultTextTemplate, "");
  std::string dashboard = "https://nightjar.example";
  EXPECT_EQ(bodies.Plain(n_, dashboard), email::PlainBody(n_, common::Title(n_), dashboard));
}

TEST_F(EmailTemplateTest, RendersTheOperatorsBodies) {
  BodyTemplates bodies(
      "{{ .Summary }} Team {{ .CommonLabels.team }}.\n{{ .Alerts }}-- {{ .ExternalURL }}",
      "<p>{{ .Summary }} Team {{ .CommonLabels.team }}.</p>{{ .Alerts }}"
      "<a href=\"{{ .ExternalURL }}\">more</a>");
  std::string plain = bodies.Plain(n_, "https://n.example/?a=1&b=2");
  EXPECT_EQ(plain.rfind("1 alert firing, 1 resolved. Team <ops & dba>.\n\n[FIRING] HighCPU\n", 0),
            0u)
      << plain;
  EXPECT_NE(plain.find("    host = web-2\n"), std::string::npos) << plain;
  EXPECT_EQ(plain.substr(plain.size() - 30), "\n-- https://n.example/?a=1&b=2") << plain;

  std::string html = bodies.Html(n_, "https://n.example/?a=1&b=2");
  EXPECT_EQ(html.rfind("<p>1 alert firing, 1 resolved. Team &lt;ops &amp; dba&gt;.</p><div", 0), 0u)
      << html;
  EXPECT_NE(html.find("<code>web-1</code>"), std::string::npos) << html;
  EXPECT_NE(html.find("<a href=\"https://n.example/?a=1&amp;b=2\">more</a>"), std::string::npos)
      << html;
}

}  // namespace
}  // namespace nightjar::plugins
