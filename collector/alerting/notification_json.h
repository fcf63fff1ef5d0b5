// A notification's payload as the alerts database keeps it, so that a notification written
// before a restart is delivered afterwards exactly as it was built.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "plugin_host/hook_types.h"

namespace nightjar::collector::alerting {

// Returns `n` as JSON text (every field of plugins::Notification except `attempt`).
std::string NotificationJson(const plugins::Notification& n);

// Reads what NotificationJson wrote.
Result<plugins::Notification> ParseNotificationJson(std::string_view json);

}  // namespace nightjar::collector::alerting
