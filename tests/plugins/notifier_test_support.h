// What the notifier plugin tests share: a sample notification and hosts with one notifier
// instance loaded through the real plugin host.
//
// Thread-safety: functions are reentrant.
#pragma once

#include <memory>
#include <string>

#include "plugin_host/plugin_host.h"

namespace nightjar::plugins::testing {

// Returns a notification of group HighCPU with one firing alert (web-1, severity page) and
// one resolved (web-2), annotations, links and an external URL.
Notification SampleNotification();

// Starts a host with one instance "notify" of first-party plugin `plugin`.
std::unique_ptr<PluginHost> StartNotifier(const std::string& plugin, OptionInputs options);

// Returns the one refusal of starting `plugin` with `options` ("" and a test failure when
// there is none).
std::string NotifierRefusal(const std::string& plugin, OptionInputs options);

// Delivers `n` through the host's "notify" instance; a host error becomes a failed outcome
// whose message says so.
NotifyOutcome Deliver(PluginHost& host, const Notification& n);

// Returns "delivered", "retry_later" or "failed" and the message, for assertion messages.
std::string Describe(const NotifyOutcome& outcome);

}  // namespace nightjar::plugins::testing
