// The `q` object of evaluate(q); see query_bindings.h.
#include "rules/query_bindings.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <lua.hpp>

#include "rules/call_state.h"
#include "rules/lua_convert.h"
#include "rules/lua_sandbox.h"
#include "store/store_writer.h"

namespace nightjar::collector::rules {
namespace {

enum Kind : int { kLogCount, kLogRate, kMetric };

struct Function {
  const char* name;
  Kind kind;
};

constexpr Function kFunctions[] = {
    {"log_count", kLogCount}, {"log_rate", kLogRate}, {"latest", kMetric}, {"avg", kMetric},
    {"min", kMetric},         {"max", kMetric},       {"sum", kMetric},    {"count", kMetric},
    {"rate", kMetric},        {"p50", kMetric},       {"p95", kMetric},    {"p99", kMetric}};

// Reads a severity given as a number or a level name ("warn", "error").
std::optional<int> ReadSeverity(lua_State* L, int index) {
  if (lua_type(L, index) == LUA_TNUMBER) return static_cast<int>(lua_tointeger(L, index));
  if (lua_type(L, index) != LUA_TSTRING) return std::nullopt;
  std::string name = lua_tostring(L, index);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const char* const kLevels[] = {"trace", "debug", "info", "warn", "error", "fatal"};
  for (int i = 0; i < 6; ++i) {
    if (name == kLevels[i]) return i * 4 + 1;
  }
  if (name == "warning") return 13;
  return std::nullopt;
}

// Parses the argument table at `index` into state->args; never raises. Returns "" or the
// problem.
std::string ParseArgs(lua_State* L, int index, Kind kind, QueryState* state) {
  QueryArgs& a = state->args;
  a = QueryArgs{};
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    if (lua_type(L, -2) != LUA_TSTRING) {
      lua_pop(L, 2);
      return "arguments have names";
    }
    std::string key = lua_tostring(L, -2);
    std::string problem;
    int type = lua_type(L, -1);
    bool logs = kind != kMetric;
    if (key == "window") {
      auto d = ReadDuration(L, -1);
      if (!d || d->count() <= 0) {
        problem = "must be a duration such as \"5m\"";
      } else {
        a.window = *d;
        a.has_window = true;
      }
    } else if (key == "by") {
      a.grouped = true;
      if (type == LUA_TSTRING) {
        a.by.emplace_back(lua_tostring(L, -1));
      } else if (type == LUA_TTABLE) {
        for (lua_Integer i = 1; problem.empty(); ++i) {
          int t = lua_rawgeti(L, -1, i);
          if (t == LUA_TNIL) {
            lua_pop(L, 1);
            break;
          }
          if (t == LUA_TSTRING) {
            a.by.emplace_back(lua_tostring(L, -1));
          } else {
            problem = "must be a key or a list of keys";
          }
          lua_pop(L, 1);
        }
      } else {
        problem = "must be a key or a list of keys";
      }
    } else if (logs && key == "service" && type == LUA_TSTRING) {
      a.logs.service = lua_tostring(L, -1);
    } else if (logs && key == "words" && type == LUA_TSTRING) {
      a.logs.words = lua_tostring(L, -1);
    } else if (logs && (key == "severity_min" || key == "severity_max")) {
      auto s = ReadSeverity(L, -1);
      if (!s) {
        problem = "must be a severity number or a level name such as \"error\"";
      } else {
        (key == "severity_min" ? a.logs.severity_min : a.logs.severity_max) = *s;
      }
    } else if (logs && (key == "attributes" || key == "resource" || key == "labels")) {
      Filters& f = key == "attributes" ? a.logs.attributes
                   : key == "resource" ? a.logs.resource_attributes
                                       : a.logs.labels;
      problem = ReadLabels(L, -1, &f);
    } else if (!logs && key == "metric" && type == LUA_TSTRING) {
      a.metric = lua_tostring(L, -1);
    } else if (!logs && key == "where") {
      problem = ReadLabels(L, -1, &a.where);
    } else {
      problem = logs ? "unknown or mistyped argument (window, by, service, words, severity_min, "
                       "severity_max, attributes, resource, labels)"
                     : "unknown or mistyped argument (metric, window, where, by)";
    }
    lua_pop(L, 1);
    if (!problem.empty()) {
      lua_pop(L, 1);
      return key + ": " + problem;
    }
  }
  return "";
}

// Runs the query named `name` with the parsed arguments into state->results; never raises.
std::string Run(const char* name, Kind kind, QueryState* state) {
  QueryArgs& a = state->args;
  if (!a.has_window && (kind != kMetric || std::strcmp(name, "latest") != 0)) {
    return "needs window = \"<duration>\"";
  }
  if (kind == kMetric && a.metric.empty()) return "needs metric = \"<name>\"";
  if (state->store == nullptr) return "no store to query";
  Duration window = a.has_window ? a.window : std::chrono::minutes(5);
  auto reader = state->store->AcquireReader(state->timeout);
  if (!reader.ok()) return reader.status().message();
  ++state->queries;
  Result<std::vector<GroupValue>> result = std::vector<GroupValue>{};
  if (kind == kMetric) {
    MetricWindowRequest r;
    r.metric = a.metric;
    r.filters = a.where;
    r.by = a.by;
    r.function = name;
    // (now - window, now]: what was stored at the evaluation's instant counts, which is what
    // someone reading a rule test expects.
    r.to_unix_nano = state->now_unix_nano + 1;
    r.from_unix_nano = r.to_unix_nano - window.count();
    r.max_series = state->max_series;
    result = AggregateMetric(**reader, r);
  } else {
    LogCountRequest r;
    r.filter = a.logs;
    r.filter.to_ms = state->now_unix_nano / 1'000'000 + 1;
    r.filter.from_ms = r.filter.to_ms - window.count() / 1'000'000;
    r.by = a.by;
    result = CountLogs(**reader, r);
    if (result.ok() && kind == kLogRate) {
      for (GroupValue& g : *result) g.value /= static_cast<double>(window.count()) / 1e9;
    }
  }
  if (!result.ok()) return result.status().message();
  state->results = std::move(*result);
  return "";
}

// Pushes state->results: samples when grouped, else one number (nil for a metric without data).
void PushResults(lua_State* L, Kind kind, const QueryState* state) {
  const std::vector<GroupValue>& results = state->results;
  if (!state->args.grouped) {
    if (results.empty()) {
      if (kind == kMetric) {
        lua_pushnil(L);
      } else {
        lua_pushinteger(L, 0);
      }
    } else {
      lua_pushnumber(L, results.front().value);
    }
    return;
  }
  lua_createtable(L, static_cast<int>(results.size()), 0);
  lua_Integer i = 1;
  for (const GroupValue& g : results) {
    lua_createtable(L, 0, 2);
    PushLabels(L, g.labels);
    lua_setfield(L, -2, "labels");
    lua_pushnumber(L, g.value);
    lua_setfield(L, -2, "value");
    lua_rawseti(L, -2, i++);
  }
}

int QueryFunction(lua_State* L) {
  const Function& fn = kFunctions[lua_tointeger(L, lua_upvalueindex(1))];
  auto* call = static_cast<CallState*>(LuaSandbox::From(L)->call_state());
  QueryState* state = call != nullptr ? call->query : nullptr;
  if (state == nullptr) {
    return luaL_error(L, "q:%s: the query object works only during its evaluate call", fn.name);
  }
  int args = lua_gettop(L);
  if (args == 0 || lua_type(L, args) != LUA_TTABLE) {
    return luaL_error(L, "q:%s: expects a table of arguments, as in q:%s{ ... }", fn.name, fn.name);
  }
  // Both helpers keep their C++ values in `state` and never raise, so the raise below skips
  // no destructor.
  state->error = ParseArgs(L, args, fn.kind, state);
  if (state->error.empty()) state->error = Run(fn.name, fn.kind, state);
  if (!state->error.empty()) {
    luaL_where(L, 1);
    lua_pushfstring(L, "q:%s: ", fn.name);
    lua_pushlstring(L, state->error.data(), state->error.size());
    lua_concat(L, 3);
    return lua_error(L);
  }
  PushResults(L, fn.kind, state);
  return 1;
}

}  // namespace

void PushQueryObject(lua_State* L, const QueryState& state) {
  lua_createtable(L, 0, static_cast<int>(std::size(kFunctions)) + 2);
  for (size_t i = 0; i < std::size(kFunctions); ++i) {
    lua_pushinteger(L, static_cast<lua_Integer>(i));
    lua_pushcclosure(L, QueryFunction, 1);
    lua_setfield(L, -2, kFunctions[i].name);
  }
  lua_pushnumber(L, static_cast<double>(state.now_unix_nano) / 1e9);
  lua_setfield(L, -2, "now");
  lua_pushinteger(L, state.now_unix_nano);
  lua_setfield(L, -2, "time_unix_nano");
}

}  // namespace nightjar::collector::rules
