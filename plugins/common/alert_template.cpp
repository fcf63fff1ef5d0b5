// Notification templates; see alert_template.h.
#include "alert_template.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "text.h"

namespace nightjar::plugins::common {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string Lookup(const sdk::StringPairs& pairs, const std::string& name) {
  return std::string(pairs.Find(name).value_or(""));
}

// Returns "line 2, column 7" for the byte at `offset` of `text` (both counted from 1), so that
// an error in a multi-line body template can be found.
std::string Position(std::string_view text, size_t offset) {
  size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
  size_t line_start = text.substr(0, offset).rfind('\n');  // npos on the first line
  size_t column = line_start == std::string_view::npos ? offset + 1 : offset - line_start;
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string KnownFields(const std::vector<std::string_view>& extra_fields) {
  std::string known =
      ".Status, .Title, .Receiver, .GroupKey, .ExternalURL, .AlertCount, .FiringCount, "
      ".ResolvedCount, .GroupLabels.<name>, .CommonLabels.<name>, .CommonAnnotations.<name>";
  for (std::string_view extra : extra_fields) known += ", " + std::string(extra);
  return known;
}

}  // namespace

AlertTemplate AlertTemplate::Compile(std::string_view option, std::string_view text,
                                     const std::vector<std::string_view>& extra_fields) {
  static constexpr std::pair<std::string_view, Field> kFields[] = {
      {".Status", Field::kStatus},           {".Title", Field::kTitle},
      {".Receiver", Field::kReceiver},       {".GroupKey", Field::kGroupKey},
      {".ExternalURL", Field::kExternalUrl}, {".AlertCount", Field::kAlertCount},
      {".FiringCount", Field::kFiringCount}, {".ResolvedCount", Field::kResolvedCount},
  };
  static constexpr std::pair<std::string_view, Field> kMaps[] = {
      {".GroupLabels.", Field::kGroupLabel},
      {".CommonLabels.", Field::kCommonLabel},
      {".CommonAnnotations.", Field::kCommonAnnotation},
  };

  AlertTemplate t;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) open = text.size();
    if (open > pos)
      t.pieces_.push_back({Field::kText, std::string(text.substr(pos, open - pos)), Filter::kNone});
    if (open == text.size()) break;
    auto fail = [&](std::string_view placeholder, const std::string& why) {
      return sdk::Error(std::string(option) + ": " + why + " in \"" + std::string(placeholder) +
                        "\" at " + Position(text, open));
    };
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) throw fail(text.substr(open), "\"{{\" is not closed");
    std::string_view placeholder = text.substr(open, close + 2 - open);
    std::string_view expr = Trim(text.substr(open + 2, close - open - 2));
    pos = close + 2;

    Piece piece{Field::kText, "", Filter::kNone};
    if (size_t bar = expr.find('|'); bar != std::string_view::npos) {
      std::string_view filter = Trim(expr.substr(bar + 1));
      if (filter == "upper") {
        piece.filter = Filter::kUpper;
      } else if (filter == "lower") {
        piece.filter = Filter::kLower;
      } else {
        throw fail(placeholder,
                   "unknown filter \"" + std::string(filter) + "\" (known: upper, lower)");
      }
      expr = Trim(expr.substr(0, bar));
    }
    for (const auto& [name, field] : kFields) {
      if (expr == name) piece.field = field;
    }
    for (const auto& [prefix, field] : kMaps) {
      if (StartsWith(expr, prefix) && expr.size() > prefix.size()) {
        piece.field = field;
        piece.text = std::string(expr.substr(prefix.size()));
      }
    }
    for (size_t i = 0; i < extra_fields.size(); ++i) {
      if (expr == extra_fields[i]) {
        piece.field = Field::kExtra;
        piece.extra = i;
      }
    }
    if (piece.field == Field::kText) {
      throw fail(placeholder, "unknown field \"" + std::string(expr) +
                                  "\" (known: " + KnownFields(extra_fields) + ")");
    }
    t.pieces_.push_back(std::move(piece));
  }
  return t;
}

std::string AlertTemplate::Value(const Piece& p, const sdk::Notification& n,
                                 const TemplateValues& values) {
  switch (p.field) {
    case Field::kText:
      return p.text;
    case Field::kStatus:
      return std::string(n.status_name());
    case Field::kTitle:
      return Title(n);
    case Field::kReceiver:
      return std::string(n.receiver());
    case Field::kGroupKey:
      return std::string(n.group_key());
    case Field::kExternalUrl:
      return std::string(values.external_url);
    case Field::kAlertCount:
      return std::to_string(n.alert_count() + n.truncated_alerts());
    case Field::kFiringCount:
      return std::to_string(FiringCount(n));
    case Field::kResolvedCount:
      return std::to_string(n.alert_count() - FiringCount(n));
    case Field::kGroupLabel:
      return Lookup(n.group_labels(), p.text);
    case Field::kCommonLabel:
      return Lookup(n.common_labels(), p.text);
    case Field::kCommonAnnotation:
      return Lookup(n.common_annotations(), p.text);
    case Field::kExtra:
      return p.extra < values.extras.size() ? values.extras[p.extra] : std::string();
  }
  return std::string();
}

std::string AlertTemplate::Render(const sdk::Notification& n, const TemplateValues& values) const {
  std::string out;
  for (const Piece& p : pieces_) {
    std::string value = Value(p, n, values);
    if (p.filter != Filter::kNone) {
      bool upper = p.filter == Filter::kUpper;
      std::transform(value.begin(), value.end(), value.begin(), [upper](unsigned char c) {
        return static_cast<char>(upper ? std::toupper(c) : std::tolower(c));
      });
    }
    bool from_notification = p.field != Field::kText && p.field != Field::kExtra;
    out += from_notification && values.escape != nullptr ? values.escape(value) : value;
  }
  return out;
}

std::string AlertTemplate::Render(const sdk::Notification& n, std::string_view external_url) const {
  TemplateValues values;
  values.external_url = external_url;
  return Render(n, values);
}

size_t FiringCount(const sdk::Notification& n) {
  size_t firing = 0;
  for (size_t i = 0; i < n.alert_count(); ++i) firing += n.alert(i).firing() ? 1 : 0;
  return firing;
}

std::string Title(const sdk::Notification& n) {
  std::string title =
      n.firing() ? "[FIRING:" + std::to_string(FiringCount(n)) + "]" : std::string("[RESOLVED]");
  sdk::StringPairs group = n.group_labels();
  std::string what;
  for (size_t i = 0; i < group.size(); ++i) {
    if (!what.empty()) what += " ";
    what += std::string(group.ValueAt(i));
  }
  if (what.empty()) what = std::string(n.common_labels().Find("alertname").value_or(""));
  return what.empty() ? title : title + " " + what;
}

}  // namespace nightjar::plugins::common
