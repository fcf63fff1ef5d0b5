// Mail bodies; see email_body.h.
#include "email_body.h"

#include "alert_template.h"
#include "time_format.h"

namespace nightjar::plugins::email {

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string Summary(const sdk::Notification& n) {
  size_t firing = common::FiringCount(n);
  size_t resolved = n.alert_count() - firing;
  std::string out = std::to_string(firing) + (firing == 1 ? " alert" : " alerts") + " firing, " +
                    std::to_string(resolved) + " resolved.";
  if (n.truncated_alerts() > 0) {
    out += " " + std::to_string(n.truncated_alerts()) + " more not shown.";
  }
  return out;
}

namespace {

std::string Html(std::string_view s) { return HtmlEscape(s); }

std::string AlertName(const sdk::Alert& a) {
  return std::string(a.labels().Find("alertname").value_or("alert"));
}

std::string When(const sdk::Alert& a) {
  std::string out = "Started " + common::HumanTime(a.starts_at_unix_nano());
  if (!a.firing() && a.ends_at_unix_nano() > 0) {
    out += ", ended " + common::HumanTime(a.ends_at_unix_nano());
  }
  return out;
}

}  // namespace

std::string PlainAlerts(const sdk::Notification& n) {
  std::string out;
  for (size_t i = 0; i < n.alert_count(); ++i) {
    sdk::Alert a = n.alert(i);
    out += "\n" + std::string(a.firing() ? "[FIRING] " : "[RESOLVED] ") + AlertName(a) + "\n";
    out += "  " + When(a) + "\n";
    sdk::StringPairs labels = a.labels();
    out += "  Labels:\n";
    for (size_t j = 0; j < labels.size(); ++j) {
      out += "    " + std::string(labels.Key(j)) + " = " + std::string(labels.ValueAt(j)) + "\n";
    }
    sdk::StringPairs annotations = a.annotations();
    if (annotations.size() > 0) out += "  Annotations:\n";
    for (size_t j = 0; j < annotations.size(); ++j) {
      out += "    " + std::string(annotations.Key(j)) + ": " + std::string(annotations.ValueAt(j)) +
             "\n";
    }
    if (!a.generator_url().empty()) out += "  Source: " + std::string(a.generator_url()) + "\n";
  }
  return out;
}

std::string PlainBody(const sdk::Notification& n, const std::string& title,
                      const std::string& dashboard_url) {
  std::string out = title + "\n\n" + Summary(n) + "\n" + PlainAlerts(n);
  if (!dashboard_url.empty()) out += "\nView in Nightjar: " + dashboard_url + "\n";
  return out;
}

std::string HtmlAlerts(const sdk::Notification& n) {
  // Inline styles only: mail clients drop <style> blocks and external sheets.
  std::string out;
  for (size_t i = 0; i < n.alert_count(); ++i) {
    sdk::Alert a = n.alert(i);
    const char* colour = a.firing() ? "#E01E5A" : "#2EB67D";
    out += "<div style=\"border-left:4px solid " + std::string(colour) +
           ";padding:4px 12px;margin:12px 0\">\n";
    out += "<p style=\"margin:4px 0\"><strong style=\"color:" + std::string(colour) + "\">" +
           (a.firing() ? "FIRING" : "RESOLVED") + "</strong> <strong>" + Html(AlertName(a)) +
           "</strong><br><small>" + Html(When(a)) + "</small></p>\n";
    out += "<table style=\"border-collapse:collapse\">\n";
    sdk::StringPairs labels = a.labels();
    for (size_t j = 0; j < labels.size(); ++j) {
      out += "<tr><td style=\"padding:1px 8px 1px 0;color:#616061\">" + Html(labels.Key(j)) +
             "</td><td><code>" + Html(labels.ValueAt(j)) + "</code></td></tr>\n";
    }
    out += "</table>\n";
    sdk::StringPairs annotations = a.annotations();
    for (size_t j = 0; j < annotations.size(); ++j) {
      out += "<p style=\"margin:4px 0\"><strong>" + Html(annotations.Key(j)) + ":</strong> " +
             Html(annotations.ValueAt(j)) + "</p>\n";
    }
    if (!a.generator_url().empty()) {
      out +=
          "<p style=\"margin:4px 0\"><a href=\"" + Html(a.generator_url()) + "\">Source</a></p>\n";
    }
    out += "</div>\n";
  }
  return out;
}

std::string HtmlBody(const sdk::Notification& n, const std::string& title,
                     const std::string& dashboard_url) {
  std::string out =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + Html(title) +
      "</title></head>\n<body style=\"font-family:sans-serif;font-size:14px;color:#1d1c1d\">\n";
  out += "<h2 style=\"margin:0 0 8px\">" + Html(title) + "</h2>\n";
  out += "<p>" + Html(Summary(n)) + "</p>\n";
  out += HtmlAlerts(n);
  if (!dashboard_url.empty()) {
    out += "<p><a href=\"" + Html(dashboard_url) + "\">View in Nightjar</a></p>\n";
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace nightjar::plugins::email
