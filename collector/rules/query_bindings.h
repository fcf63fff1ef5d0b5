// The query object `q` an `every` rule's evaluate(q) receives: read-only queries over stored
// logs and metrics (rule_queries.h), each taking one table of arguments.
//
//   q:log_count{ window = "5m", service = "checkout", severity_min = "error",
//                words = "timeout", attributes = {...}, resource = {...}, labels = {...},
//                by = "service" }                   -> number, or samples when `by` is given
//   q:log_rate{ ... }                                -> per second over the window
//   q:latest{ metric = "disk.used", where = {...}, by = {"host.name", "mountpoint"},
//             window = "5m" }                        -> the newest value within the window
//   q:avg / q:min / q:max / q:sum / q:count / q:rate / q:p50 / q:p95 / q:p99
//             { metric = ..., window = "5m", where = {...}, by = ... }
//   q.now (seconds since the epoch), q.time_unix_nano
//
// A window is (now - window, now]. Samples are a list of { labels = { <by key> = value, ... },
// value = number }: what evaluate may return as it is. Without `by`, log queries return a number
// and metric queries a number or nil (no data).
//
// Thread-safety: used on the thread running the evaluation.
#pragma once

struct lua_State;

namespace nightjar::collector::rules {

struct QueryState;

// Pushes a `q` table for one evaluation. Its functions find `state` through the sandbox's
// CallState and fail once the evaluation is over.
void PushQueryObject(lua_State* L, const QueryState& state);

}  // namespace nightjar::collector::rules
