// Names of notification states; see notification_record.h.
#include "alerting/notification_record.h"

namespace nightjar::collector::alerting {

std::string_view NotificationStateName(NotificationRecord::State state) {
  switch (state) {
    case NotificationRecord::State::kPending:
      return "pending";
    case NotificationRecord::State::kDelivered:
      return "delivered";
    case NotificationRecord::State::kFailed:
      return "failed";
    case NotificationRecord::State::kSuperseded:
      return "superseded";
  }
  return "pending";
}

bool ParseNotificationState(std::string_view name, NotificationRecord::State* state) {
  for (auto s : {NotificationRecord::State::kPending, NotificationRecord::State::kDelivered,
                 NotificationRecord::State::kFailed, NotificationRecord::State::kSuperseded}) {
    if (NotificationStateName(s) == name) {
      *state = s;
      return true;
    }
  }
  return false;
}

}  // namespace nightjar::collector::alerting
