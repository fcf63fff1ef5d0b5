// The small template language of notification subjects and titles, and the default title.
//
// A template is text with placeholders in double braces, in the spirit of Alertmanager's:
//
//   [{{ .Status | upper }}] {{ .CommonLabels.alertname }} on {{ .GroupLabels.cluster }}
//
// Fields: .Status (firing|resolved), .Title (the default title, see Title()), .Receiver,
// .GroupKey, .ExternalURL, .AlertCount, .FiringCount, .ResolvedCount, and the labels and
// annotations .GroupLabels.<name>, .CommonLabels.<name>, .CommonAnnotations.<name> (empty when
// absent). Filters: `| upper`, `| lower`. Nothing else: no conditions, loops or function calls,
// so a template can neither fail at run time nor run code; unknown fields and filters are
// refused when the instance is created. `{{` always opens a placeholder.
//
// Output is plain text: callers escape it for where it goes (JSON, HTML, a mail header).
//
// Thread-safety: a compiled template is immutable; Render may run concurrently.
#pragma once

#include <nightjar/plugin.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace nightjar::plugins::common {

class AlertTemplate {
 public:
  // Compiles `text`, read from option `option`. Throws sdk::Error naming the option and the
  // placeholder when a field or filter is unknown or a placeholder is not closed.
  static AlertTemplate Compile(std::string_view option, std::string_view text);

  // Returns the template filled in from `n`; `external_url` is what .ExternalURL shows (a
  // plugin may override the notification's).
  std::string Render(const sdk::Notification& n, std::string_view external_url) const;

 private:
  enum class Field {
    kText,  // a literal piece
    kStatus,
    kTitle,
    kReceiver,
    kGroupKey,
    kExternalUrl,
    kAlertCount,
    kFiringCount,
    kResolvedCount,
    kGroupLabel,
    kCommonLabel,
    kCommonAnnotation,
  };
  enum class Filter { kNone, kUpper, kLower };
  struct Piece {
    Field field;
    std::string text;  // the literal, or the label/annotation name
    Filter filter;
  };

  std::vector<Piece> pieces_;
};

// Returns how many of the notification's alerts fire.
size_t FiringCount(const sdk::Notification& n);

// Returns the default title, as Alertmanager's: "[FIRING:2] HighCPU web-1" (the group labels'
// values, or else the common alertname) or "[RESOLVED] HighCPU web-1".
std::string Title(const sdk::Notification& n);

}  // namespace nightjar::plugins::common
