// Label sets as the alert lifecycle uses them: the fingerprint that names an alert, their JSON
// form in the database and the API, and the {a="b", ...} text of group keys and messages.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "alerting/rule_evaluation.h"
#include "base/status.h"

namespace nightjar::collector::alerting {

// Returns `labels` sorted by key with later duplicates dropped: the canonical form identity is
// computed on, whatever order a caller built them in.
Labels Canonical(Labels labels);

// Returns the alert's fingerprint: 16 lower-case hex digits of a 64-bit FNV-1a hash over the
// canonical labels (key and value each followed by a 0xff byte, which UTF-8 text never
// contains, so {"ab": "c"} and {"a": "bc"} differ). Stable across processes and versions: it
// is stored, shown in the API and sent to receivers.
std::string Fingerprint(const Labels& labels);

// Returns the value of `name`, or nullopt.
std::optional<std::string_view> LabelValue(const Labels& labels, std::string_view name);

// Returns `labels` as a JSON object text, keys in the given order ("{}" when empty).
std::string LabelsJson(const Labels& labels);

// Parses a JSON object of strings back into labels (in document order). Fails on anything
// else, naming `what` in the message.
Result<Labels> ParseLabelsJson(std::string_view json, std::string_view what);

// Returns `value` in double quotes, with backslash, quote and newline escaped.
std::string QuoteLabelValue(std::string_view value);

// Returns {a="b", c="d"} with values escaped as Prometheus writes them.
std::string FormatLabels(const Labels& labels);

}  // namespace nightjar::collector::alerting
