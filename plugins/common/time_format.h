// Time formats notifiers write: RFC 3339 for machines, a short UTC form for people.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace nightjar::plugins::common {

// Returns RFC 3339 UTC with milliseconds ("2023-11-14T22:13:20.250Z"); for 0 or less, Go's zero
// time "0001-01-01T00:00:00Z", which is how Alertmanager writes an alert that has not ended.
std::string Rfc3339(int64_t unix_nanos);

// Returns "2023-11-14 22:13:20 UTC", for message bodies; "" for 0 or less.
std::string HumanTime(int64_t unix_nanos);

}  // namespace nightjar::plugins::common
