// Notification group state; see notification_group.h.
#include "alerting/notification_group.h"

#include "alerting/labels.h"

namespace nightjar::collector::alerting {

std::string AlertEpisode(const Alert& alert) {
  return alert.fingerprint + "@" + std::to_string(alert.fired_at);
}

std::string EpisodeFingerprint(const std::string& episode) {
  return episode.substr(0, episode.find('@'));
}

std::string GroupStateHash(const std::vector<std::string>& firing,
                           const std::vector<std::string>& resolved) {
  std::string f, r;
  for (const std::string& e : firing) f += e + ",";
  for (const std::string& e : resolved) r += e + ",";
  return Fingerprint({{"firing", f}, {"resolved", r}});
}

std::string GroupId(const std::string& receiver, const std::string& group_key) {
  return receiver + '\n' + group_key;
}

}  // namespace nightjar::collector::alerting
