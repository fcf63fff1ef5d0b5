// Annotation templates: text with {{ ... }} placeholders for the alert's labels and value, in
// the spirit of Prometheus's annotation templates.
//
//   "{{ $labels.service }} has {{ $value }} timeouts"
//   "disk {{ $labels.mountpoint }} is {{ $value | humanizePercentage }} full"
//   "p95 latency {{ $value | printf \"%.1f\" }} ms on {{ $labels[\"host.name\"] }}"
//
// Placeholders: $value, $labels.NAME (NAME may contain dots, as OpenTelemetry attribute keys
// do), $labels["NAME"]; then optionally one `| function`: humanize (1.2k, 3.4M),
// humanizePercentage (0.93 -> 93%), humanizeDuration (seconds -> 1h2m3s), printf "FORMAT" (one
// floating-point conversion such as %.2f, %g or %e). A label the alert does not have renders as
// "". Templates are compiled when a rule loads, so a typo fails the load, not the alert.
//
// Thread-safety: a compiled template is immutable.
#pragma once

#include <string>
#include <vector>

#include "alerting/rule_evaluation.h"
#include "base/status.h"

namespace nightjar::collector::rules {

class AnnotationTemplate {
 public:
  // Compiles `text`; fails with what is wrong and where ("{{ $lables.x }}: unknown ...").
  static Result<AnnotationTemplate> Compile(const std::string& text);

  // Renders the template for an alert with `labels` and `value`.
  std::string Render(const alerting::Labels& labels, double value) const;

 private:
  enum class Kind { kText, kValue, kLabel };
  enum class Format { kPlain, kHumanize, kPercentage, kDuration, kPrintf };
  struct Part {
    Kind kind = Kind::kText;
    std::string text;  // the literal, or the label name
    Format format = Format::kPlain;
    std::string printf_format;
  };
  std::vector<Part> parts_;
};

}  // namespace nightjar::collector::rules
