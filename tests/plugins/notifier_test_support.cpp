// Notifier test helpers; see notifier_test_support.h.
#include "notifier_test_support.h"

#include <gtest/gtest.h>

#include "plugin_test_support.h"

namespace nightjar::plugins::testing {

Notification SampleNotification() {
  Notification n;
  n.id = "n-42";
  n.group_key = "{}:{alertname=\"HighCPU\"}";
  n.group_labels = {{"alertname", "HighCPU"}};
  n.common_labels = {{"alertname", "HighCPU"}, {"severity", "page"}};
  n.common_annotations = {{"summary", "CPU is hot"}};
  n.external_url = "http://collector:8080";
  Alert a;
  a.labels = {{"alertname", "HighCPU"}, {"host", "web-1"}, {"severity", "page"}};
  a.annotations = {{"summary", "CPU at 97%"}, {"runbook", "https://wiki/cpu"}};
  a.starts_at_unix_nano = 1'700'000'000'250'000'000;
  a.fingerprint = "a1b2c3";
  a.generator_url = "http://collector:8080/rules/cpu";
  Alert resolved = a;
  resolved.firing = false;
  resolved.labels = {{"alertname", "HighCPU"}, {"host", "web-2"}, {"severity", "warning"}};
  resolved.ends_at_unix_nano = 1'700'000'060'000'000'000;
  resolved.fingerprint = "d4e5f6";
  n.alerts = {a, resolved};
  return n;
}

std::unique_ptr<PluginHost> StartNotifier(const std::string& plugin, OptionInputs options) {
  PluginHostConfig config = OneInstance(PluginPath(plugin), plugin, std::move(options), "notify");
  config.host_version = "nightjar-collector/test";
  return PluginHost::Start(config);
}

std::string NotifierRefusal(const std::string& plugin, OptionInputs options) {
  auto host = StartNotifier(plugin, std::move(options));
  EXPECT_EQ(host->problems().size(), 1u);
  return host->problems().empty() ? "" : host->problems()[0];
}

NotifyOutcome Deliver(PluginHost& host, const Notification& n) {
  auto outcome = host.Notify("notify", n);
  if (!outcome.ok()) {
    NotifyOutcome failed;
    failed.message = "host error: " + outcome.status().ToString();
    return failed;
  }
  return *outcome;
}

std::string Describe(const NotifyOutcome& outcome) {
  return std::string(NotifyOutcomeName(outcome.kind)) + ": " + outcome.message;
}

}  // namespace nightjar::plugins::testing
