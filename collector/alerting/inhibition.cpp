// Inhibition; see inhibition.h.
#include "alerting/inhibition.h"

#include <algorithm>

#include "alerting/labels.h"

namespace nightjar::collector::alerting {
namespace {

bool EqualOn(const std::vector<std::string>& names, const Labels& a, const Labels& b) {
  return std::all_of(names.begin(), names.end(), [&](const std::string& name) {
    return LabelValue(a, name) == LabelValue(b, name);
  });
}

}  // namespace

std::map<std::string, std::vector<std::string>> Inhibitions(
    const std::vector<InhibitRule>& rules, const std::map<std::string, Alert>& alerts) {
  std::map<std::string, std::vector<std::string>> out;
  for (const InhibitRule& rule : rules) {
    std::vector<const Alert*> sources;
    for (const auto& [fp, a] : alerts) {
      if (a.state == AlertState::kFiring && MatchesAll(rule.source, a.labels)) {
        sources.push_back(&a);
      }
    }
    if (sources.empty()) continue;
    for (const auto& [fp, a] : alerts) {
      if (a.state == AlertState::kResolved || !MatchesAll(rule.target, a.labels)) continue;
      bool two_sided = MatchesAll(rule.source, a.labels);
      for (const Alert* s : sources) {
        if (s->fingerprint == fp) continue;
        if (two_sided && MatchesAll(rule.target, s->labels)) continue;
        if (!EqualOn(rule.equal, a.labels, s->labels)) continue;
        std::vector<std::string>& by = out[fp];
        if (std::find(by.begin(), by.end(), s->fingerprint) == by.end()) {
          by.push_back(s->fingerprint);
        }
      }
    }
  }
  for (auto& [fp, by] : out) std::sort(by.begin(), by.end());
  return out;
}

}  // namespace nightjar::collector::alerting
