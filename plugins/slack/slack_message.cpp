// Slack messages; see slack_message.h.
#include "slack_message.h"

#include <algorithm>
#include <cctype>

#include "alert_json.h"
#include "time_format.h"

namespace nightjar::plugins::slack {
namespace {

using common::JsonWriter;
using common::WriteField;

constexpr size_t kHeaderChars = 150;
constexpr size_t kTextChars = 3000;
constexpr size_t kFieldChars = 2000;
constexpr size_t kMaxFields = 10;

// Cuts `s` to at most `limit` bytes on a UTF-8 boundary, marking the cut. (Slack counts
// characters; bytes are never fewer, so the limit holds.)
std::string Cut(std::string s, size_t limit) {
  if (s.size() <= limit) return s;
  size_t end = limit - 3;  // room for "…" (3 bytes)
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return s + "\xE2\x80\xA6";
}

// Escapes the three characters Slack's mrkdwn gives meaning to.
std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void Text(JsonWriter* w, const char* type, const std::string& text) {
  w->Key("text");
  w->StartObject();
  WriteField(w, "type", type);
  WriteField(w, "text", text);
  w->EndObject();
}

void Section(JsonWriter* w, const std::string& mrkdwn) {
  w->StartObject();
  WriteField(w, "type", "section");
  Text(w, "mrkdwn", Cut(mrkdwn, kTextChars));
  w->EndObject();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Returns the alert's one-line description: its summary, else its description.
std::string_view Summary(const sdk::StringPairs& annotations) {
  auto summary = annotations.Find("summary");
  if (summary && !summary->empty()) return *summary;
  return annotations.Find("description").value_or("");
}

void AlertAttachment(JsonWriter* w, const sdk::Alert& a, const MessageOptions& options) {
  sdk::StringPairs labels = a.labels();
  std::string name(labels.Find("alertname").value_or("alert"));
  std::string severity(labels.Find(options.severity_label).value_or(""));
  w->StartObject();
  WriteField(w, "color", SeverityColour(a.firing(), severity));
  WriteField(w, "fallback", std::string(a.firing() ? "FIRING" : "RESOLVED") + ": " + name);
  w->Key("blocks");
  w->StartArray();

  // Status, name and summary, with the other labels as fields.
  std::string text =
      std::string(a.firing() ? "*FIRING*" : "*RESOLVED*") + " \xE2\x80\x94 *" + Escape(name) + "*";
  std::string_view summary = Summary(a.annotations());
  if (!summary.empty()) text += "\n" + Escape(summary);
  w->StartObject();
  WriteField(w, "type", "section");
  Text(w, "mrkdwn", Cut(text, kTextChars));
  std::vector<std::string> fields;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels.Key(i) == "alertname") continue;
    fields.push_back("*" + Escape(labels.Key(i)) + "*\n" + Escape(labels.ValueAt(i)));
  }
  if (fields.size() > kMaxFields) {
    size_t more = fields.size() - (kMaxFields - 1);
    fields.resize(kMaxFields - 1);
    fields.push_back("_and " + std::to_string(more) + " more labels_");
  }
  if (!fields.empty()) {
    w->Key("fields");
    w->StartArray();
    for (const std::string& f : fields) {
      w->StartObject();
      WriteField(w, "type", "mrkdwn");
      WriteField(w, "text", Cut(f, kFieldChars));
      w->EndObject();
    }
    w->EndArray();
  }
  w->EndObject();

  // When, and where it came from.
  std::string when = "Started " + common::HumanTime(a.starts_at_unix_nano());
  if (!a.firing() && a.ends_at_unix_nano() > 0) {
    when += " \xC2\xB7 Ended " + common::HumanTime(a.ends_at_unix_nano());
  }
  if (!a.generator_url().empty()) {
    when += " \xC2\xB7 <" + Escape(a.generator_url()) + "|Source>";
  }
  w->StartObject();
  WriteField(w, "type", "context");
  w->Key("elements");
  w->StartArray();
  w->StartObject();
  WriteField(w, "type", "mrkdwn");
  WriteField(w, "text", Cut(when, kTextChars));
  w->EndObject();
  w->EndArray();
  w->EndObject();

  w->EndArray();
  w->EndObject();
}

}  // namespace

std::string SeverityColour(bool firing, std::string_view severity) {
  if (!firing) return "#2EB67D";
  std::string s = Lower(severity);
  if (s == "warning" || s == "warn" || s == "medium") return "#ECB22E";
  if (s == "info" || s == "low" || s == "none") return "#36C5F0";
  // critical, page, error, high, and anything unknown: a firing alert nobody classified
  // deserves attention.
  return "#E01E5A";
}

std::string Message(const sdk::Notification& n, const MessageOptions& options) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  if (!options.channel.empty()) WriteField(&w, "channel", options.channel);
  if (!options.username.empty()) WriteField(&w, "username", options.username);
  if (!options.icon_emoji.empty()) WriteField(&w, "icon_emoji", options.icon_emoji);
  WriteField(&w, "text", Cut(options.title, kTextChars));

  w.Key("blocks");
  w.StartArray();
  w.StartObject();
  WriteField(&w, "type", "header");
  Text(&w, "plain_text", Cut(options.title.empty() ? "Alerts" : options.title, kHeaderChars));
  w.EndObject();
  std::string_view summary = Summary(n.common_annotations());
  if (!summary.empty()) Section(&w, Escape(summary));
  if (!options.dashboard_url.empty()) {
    w.StartObject();
    WriteField(&w, "type", "actions");
    w.Key("elements");
    w.StartArray();
    w.StartObject();
    WriteField(&w, "type", "button");
    Text(&w, "plain_text", "Open dashboard");
    WriteField(&w, "url", options.dashboard_url);
    w.EndObject();
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();

  w.Key("attachments");
  w.StartArray();
  size_t shown = std::min(n.alert_count(), options.max_alerts);
  for (size_t i = 0; i < shown; ++i) AlertAttachment(&w, n.alert(i), options);
  size_t more = n.alert_count() - shown + n.truncated_alerts();
  if (more > 0) {
    w.StartObject();
    WriteField(&w, "color", n.firing() ? "#E01E5A" : "#2EB67D");
    w.Key("blocks");
    w.StartArray();
    Section(&w, "_and " + std::to_string(more) + " more alerts_");
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace nightjar::plugins::slack
