// Process signals for daemons: SIGTERM/SIGINT stop, SIGHUP reloads.
//
// BlockTerminationSignals() must run at the start of main(), before any thread is created, so
// that every thread inherits the mask and the signals are only ever taken synchronously by
// WaitForSignal() — no async-signal-safety concerns in handlers. SIGPIPE is ignored so that a
// peer closing a socket is an error return, not a dead process.
//
// Thread-safety: WaitForSignal() should be called from one thread (usually main).
#pragma once

#include <optional>

#include "runtime/units.h"

namespace nightjar {

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread and ignores SIGPIPE.
void BlockTerminationSignals();

// Waits up to `timeout` for SIGTERM, SIGINT or SIGHUP; returns the signal number, or nullopt
// when the timeout passed first.
std::optional<int> WaitForSignal(Duration timeout);

}  // namespace nightjar
