// Moving values between C++ and a rule's Lua state: JSON objects (attributes as the store keeps
// them) to tables, label tables to sorted label lists, durations and numbers to text.
//
// The Push* functions may raise a Lua error (out of memory): call them inside
// LuaSandbox::Protected()/Call() or a C function, with no C++ object of your own alive that
// needs its destructor. The Read* functions never raise: they use raw access only and report
// a bad value through their return.
//
// Thread-safety: functions of one state, from the thread using it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "alerting/rule_evaluation.h"
#include "runtime/units.h"

struct lua_State;

namespace nightjar::collector::rules {

// Pushes the JSON object `json` as a table (nested objects and arrays as tables, numbers as
// integers when they are integral in the JSON text). Pushes an empty table for bad JSON.
void PushJsonObject(lua_State* L, std::string_view json);

// Pushes `labels` as a table of strings.
void PushLabels(lua_State* L, const alerting::Labels& labels);

// Reads the table at `index` as labels: string keys, values strings, numbers or booleans
// (converted to text); nil values are skipped. Returns "" or what is wrong with it. The result
// is sorted by key.
std::string ReadLabels(lua_State* L, int index, alerting::Labels* out);

// Reads a duration at `index`: a string such as "5m" or "1h30m", or a number of seconds.
// Returns nullopt for anything else (and for negative values).
std::optional<Duration> ReadDuration(lua_State* L, int index);

// Formats a number as rules show it: integers without a fraction ("25"), others in the
// shortest form that reads back the same ("0.1").
std::string FormatNumber(double value);

// Sorts labels by key (the form alerting::Labels must have).
void SortLabels(alerting::Labels* labels);

}  // namespace nightjar::collector::rules
