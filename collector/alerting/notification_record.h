// A notification to one receiver as the alerts database keeps it: written before the first
// attempt (so nothing is lost across a restart), updated after each attempt, never sent again
// once delivered. The id is the idempotency key receivers see (X-Nightjar-Notification-Id for
// the webhook), equal across retries and restarts.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "plugin_host/hook_types.h"

namespace nightjar::collector::alerting {

struct NotificationRecord {
  enum class State { kPending, kDelivered, kFailed, kSuperseded };

  std::string id;
  std::string receiver;  // notifier instance name
  std::string group_key;
  std::string status;  // "firing" or "resolved"
  std::vector<std::string> fingerprints;
  plugins::Notification notification;
  State state = State::kPending;
  uint32_t attempts = 0;
  int64_t created_at = 0;
  int64_t next_attempt_at = 0;
  int64_t updated_at = 0;
  int64_t delivered_at = 0;
  std::string last_error;
};

// Returns "pending", "delivered", "failed" or "superseded", and back.
std::string_view NotificationStateName(NotificationRecord::State state);
bool ParseNotificationState(std::string_view name, NotificationRecord::State* state);

}  // namespace nightjar::collector::alerting
