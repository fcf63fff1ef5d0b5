// The REST endpoints of the alert lifecycle, under /api/v1 (documented in docs/api.md,
// "Alerts and silences"):
//
//   GET    /api/v1/alerts                      list; filters: state, rule, match, label.<name>,
//                                              acknowledged, silenced
//   GET    /api/v1/alerts/{fingerprint}        one alert with its history (history_limit)
//   POST   /api/v1/alerts/{fingerprint}/ack    acknowledge: {"by": "...", "comment": "..."}
//   DELETE /api/v1/alerts/{fingerprint}/ack    remove the acknowledgement
//   POST   /api/v1/alerts/{fingerprint}/resolve  resolve by hand: {"by": "...", "comment": ...}
//   GET    /api/v1/silences                    list; filter: state (pending, active, expired)
//   POST   /api/v1/silences                    create, or replace when "id" is given
//   GET    /api/v1/silences/{id}               one silence
//   DELETE /api/v1/silences/{id}               expire it now (?purge=true deletes it)
//
// Authentication is the caller's: each request is first passed to hooks.authorize (the
// collector's API bearer tokens); a refusal is answered 401 with WWW-Authenticate: Bearer.
// Errors are JSON {"error": "...", "code": "..."}: 400 naming the bad parameter or field, 404
// for an unknown fingerprint or silence, 409 for an action the alert's state does not allow.
//
// Thread-safety: handlers run concurrently on the server's threads; AlertManager serializes.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alerting/alert_manager.h"
#include "runtime/http_server.h"

namespace nightjar::collector::alerting {

struct AlertsApiHooks {
  // Returns true when a request with this Authorization header value (possibly empty) may
  // proceed. Null: every request does.
  std::function<bool(std::string_view authorization)> authorize;
  // Observes every answered request: handler name (e.g. "api_alerts"), status and seconds,
  // e.g. SelfMetrics::RecordHttp. May be null.
  std::function<void(const std::string& handler, int status, double seconds)> observe;
  // Request bodies larger than this are refused with 413.
  size_t max_body_bytes = 64 << 10;
};

// Adds the routes above to `server` (before it starts). `manager` must outlive the server's
// handlers, i.e. stop the server before destroying the manager.
void RegisterAlertRoutes(HttpServer& server, AlertManager& manager, AlertsApiHooks hooks = {});

// Returns the (method, path) of every route RegisterAlertRoutes adds ({id} as written above).
std::vector<std::pair<std::string, std::string>> AlertRoutes();

}  // namespace nightjar::collector::alerting
