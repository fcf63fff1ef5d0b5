// The small template language of notification subjects, titles and mail bodies, and the default
// title.
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
// A plugin may add fields of its own for its templates (the email bodies' .Alerts and
// .Summary): it names them at Compile and gives their values, already in the output's format,
// at Render. Output is plain text unless Render is given an escape function (HTML bodies, whose
// literal text is markup): callers escape it for where it goes (JSON, HTML, a mail header).
// Compile errors name the option, the placeholder and where it starts (line and column).
//
// Thread-safety: a compiled template is immutable; Render may run concurrently.
#pragma once

#include <nightjar/plugin.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace nightjar::plugins::common {

// What Render fills in besides the notification's own fields.
struct TemplateValues {
  std::string_view external_url;  // what .ExternalURL shows (a plugin may override the
                                  // notification's)
  // Values of the extra fields named at Compile, in that order; inserted as they are.
  std::vector<std::string> extras;
  // Applied to every value taken from the notification (null: none), never to the template's
  // literal text or to extras: e.g. HTML escaping for a template that is itself HTML.
  std::string (*escape)(std::string_view) = nullptr;
};

class AlertTemplate {
 public:
  // Compiles `text`, read from option `option`; `extra_fields` are the caller's own fields
  // (".Alerts"), filled in by TemplateValues::extras. Throws sdk::Error naming the option, the
  // placeholder and its line and column when a field or filter is unknown or a placeholder is
  // not closed.
  static AlertTemplate Compile(std::string_view option, std::string_view text,
                               const std::vector<std::string_view>& extra_fields = {});

  // Returns the template filled in from `n` and `values`.
  std::string Render(const sdk::Notification& n, const TemplateValues& values) const;
  // The same without extras or escaping.
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
    kExtra,  // the caller's field number `extra`
  };
  enum class Filter { kNone, kUpper, kLower };
  struct Piece {
    Field field;
    std::string text;  // the literal, or the label/annotation name
    Filter filter;
    size_t extra = 0;
  };

  // Returns the value of a field piece before its filter.
  static std::string Value(const Piece& p, const sdk::Notification& n,
                           const TemplateValues& values);

  std::vector<Piece> pieces_;
};

// Returns how many of the notification's alerts fire.
size_t FiringCount(const sdk::Notification& n);

// Returns the default title, as Alertmanager's: "[FIRING:2] HighCPU web-1" (the group labels'
// values, or else the common alertname) or "[RESOLVED] HighCPU web-1".
std::string Title(const sdk::Notification& n);

}  // namespace nightjar::plugins::common
