// What the alerts database remembers of one notification group (one receiver, one group key):
// when the group started (its group_wait runs from then), when it was last notified, and what
// that notification said (which alert episodes it carried firing and resolved, and their hash).
// Written in the transaction that queues the group's notification, so a restart neither sends
// that notification again nor forgets one still due.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "alerting/alert.h"

namespace nightjar::collector::alerting {

struct NotificationGroup {
  std::string receiver;
  std::string group_key;
  int64_t first_at = 0;             // when the group got its first firing alert (unix nanoseconds)
  int64_t notified_at = 0;          // the last notification; 0 = none yet
  std::vector<std::string> firing;  // episodes (AlertEpisode) last sent firing, sorted
  std::vector<std::string> resolved;  // episodes last sent resolved, sorted
  std::string state_hash;             // GroupStateHash(firing, resolved) of the last one
};

// Returns "<fingerprint>@<fired_at>": one firing of one alert.
std::string AlertEpisode(const Alert& alert);
// Returns the fingerprint part of an episode.
std::string EpisodeFingerprint(const std::string& episode);

// Returns the hash of a group's alert set and states.
std::string GroupStateHash(const std::vector<std::string>& firing,
                           const std::vector<std::string>& resolved);

// Returns the map key of a group: receiver and group key.
std::string GroupId(const std::string& receiver, const std::string& group_key);

}  // namespace nightjar::collector::alerting
