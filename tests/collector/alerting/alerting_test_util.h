// Helpers shared by the alerting tests: a manager on a temporary alerts database driven by a
// FakeClock, and evaluations built in one line.
//
// Thread-safety: a Fixture belongs to one test.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "alerting/alert_manager.h"
#include "runtime/clock.h"
#include "test_util.h"

namespace nightjar::collector::alerting::testing {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// Returns a sample with these labels (alertname is added by the manager).
AlertSample Sample(Labels labels,
                   AlertSample::Condition condition = AlertSample::Condition::kActive,
                   double value = 1, Labels annotations = {});

// Returns a configuration without grouping or waits: every alert is its own group, notified as
// soon as it changes (the lifecycle tests look at one alert at a time).
AlertingConfig Ungrouped();

// Returns a rule spec.
RuleSpec Rule(const std::string& name, Duration for_duration = Duration(0),
              Duration keep_firing_for = Duration(0));

struct Fixture {
  Fixture();
  ~Fixture();

  // Opens a manager on the fixture's database (a second call after Close() is a restart). It is
  // not started: tests call Tick() themselves and notifications stay queued.
  AlertManager& Open(AlertingConfig config = {}, PluginHostProvider hosts = nullptr,
                     bool start = false);
  // Stops and destroys the manager.
  void Close();

  // Applies one evaluation of `rule` at the clock's now.
  void Eval(const std::string& rule, std::vector<AlertSample> samples, bool complete = true);

  // Returns the alert of `rule` with `labels`, or fails the test.
  Alert Get(const std::string& rule, Labels labels = {});
  // Returns the state of that alert, kInactive when it is not listed.
  AlertState State(const std::string& rule, Labels labels = {});
  // Returns the fingerprint of that alert.
  static std::string Fp(const std::string& rule, Labels labels = {});
  // Returns the notification records, oldest first.
  std::vector<NotificationRecord> Notifications();

  collector::testing::TempDir dir;
  FakeClock clock;
  std::unique_ptr<AlertManager> manager;
};

}  // namespace nightjar::collector::alerting::testing
