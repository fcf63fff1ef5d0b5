// The body of Alertmanager's POST /api/v2/alerts: a JSON array of postable alerts.
//
// Each alert carries labels, annotations, startsAt and generatorURL; a resolved one also
// endsAt, which tells Alertmanager it is over. A firing one leaves endsAt out, so Alertmanager
// keeps it active for its resolve_timeout (5m by default) after the last push: as with
// Prometheus, alerts must be pushed again before then to stay active.
//
// Alertmanager refuses the whole batch when one label or annotation name is not a Prometheus
// label name ([a-zA-Z_][a-zA-Z0-9_]*), while Nightjar allows names such as "log.class"; such
// names are sent with every other character replaced by '_' (and a leading digit prefixed by
// '_'), as Prometheus does with OpenTelemetry attribute names.
//
// Thread-safety: pure functions.
#pragma once

#include <nightjar/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace nightjar::plugins::alertmanager {

// Returns `name` as a valid Prometheus label name.
std::string LabelName(std::string_view name);

// Returns the JSON array of the notification's alerts. Resolved alerts without an end time
// end at `now_unix_nanos`; alerts without a generator URL link to `external_url` (omitted
// when that is empty too).
std::string AlertsPayload(const sdk::Notification& n, std::string_view external_url,
                          int64_t now_unix_nanos);

}  // namespace nightjar::plugins::alertmanager
