// The systemd notify protocol (sd_notify(3)) implemented directly: a datagram to the unix
// socket named by $NOTIFY_SOCKET. Lets units use Type=notify and WatchdogSec= without linking
// libsystemd. Outside systemd ($NOTIFY_SOCKET unset) every call is a no-op.
//
// Thread-safety: safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "runtime/units.h"

namespace nightjar {

// Sends `state` (e.g. "READY=1", "RELOADING=1\nMONOTONIC_USEC=...", "WATCHDOG=1",
// "STOPPING=1", "STATUS=...") to the service manager. Returns false when not under systemd or
// when sending failed.
bool SdNotify(std::string_view state);

// Returns "RELOADING=1\nMONOTONIC_USEC=<now>", as systemd's Type=notify-reload expects.
std::string SdReloadingMessage();

// Returns how often WATCHDOG=1 must be sent ($WATCHDOG_USEC, when $WATCHDOG_PID is unset or
// this process), or nullopt when the watchdog is off. Callers ping at half this interval.
std::optional<Duration> SdWatchdogInterval();

}  // namespace nightjar
