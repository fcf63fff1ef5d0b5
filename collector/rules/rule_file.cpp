// Loading one rule file; see rule_file.h.
#include "rules/rule_file.h"

#include <algorithm>
#include <cstring>
#include <lua.hpp>

#include "rules/lua_convert.h"

namespace nightjar::collector::rules {

// The `nightjar` library's Lua part (lua/nightjar.lua), compiled into the collector so that a
// rules directory never depends on where the collector was installed.
extern const char kNightjarPrelude[];

const char* TriggerName(Trigger trigger) {
  switch (trigger) {
    case Trigger::kLog:
      return "on_log";
    case Trigger::kAnomaly:
      return "on_anomaly";
    case Trigger::kEvery:
      return "every";
  }
  return "?";
}

namespace {

constexpr const char* kFields[] = {
    "name",   "labels",     "annotations",   "for",          "keep_firing_for",
    "on_log", "on_anomaly", "every",         "evaluate",     "window",
    "above",  "below",      "resolve_below", "resolve_above"};

std::string KnownFields() {
  std::string out;
  for (const char* f : kFields) {
    if (!out.empty()) out += ", ";
    out += f;
  }
  return out;
}

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 200) return false;
  return std::none_of(name.begin(), name.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// Returns the function name that holds the trigger's code.
const char* FunctionField(Trigger trigger) {
  switch (trigger) {
    case Trigger::kLog:
      return "on_log";
    case Trigger::kAnomaly:
      return "on_anomaly";
    case Trigger::kEvery:
      return "evaluate";
  }
  return "";
}

// nightjar.duration("5m") -> 300: the seconds of a duration, for rule code that does its own
// arithmetic with times.
int DurationSeconds(lua_State* L) {
  std::optional<Duration> d = ReadDuration(L, 1);
  if (!d) return luaL_error(L, "nightjar.duration: expected a duration such as \"5m\"");
  lua_pushnumber(L, static_cast<double>(d->count()) / 1e9);
  return 1;
}

}  // namespace

// rule{ ... }: declares a rule of the file being loaded.
int RuleFunction(lua_State* L) {
  auto* file = static_cast<RuleFile*>(LuaSandbox::From(L)->owner());
  if (!file->loading_) {
    return luaL_error(L, "rule{} declares rules when the file loads, not from a rule's code");
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  // Declare() keeps C++ strings alive and never raises; its error is raised after it returned.
  std::string* error = new std::string(file->Declare(L));
  if (!error->empty()) {
    luaL_where(L, 1);
    lua_pushlstring(L, error->data(), error->size());
    delete error;
    lua_concat(L, 2);
    return lua_error(L);
  }
  delete error;
  RuleDefinition& def = file->rules_.back();
  lua_pushstring(L, FunctionField(def.trigger));
  lua_rawget(L, 1);
  def.function_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

std::string RuleFile::Declare(lua_State* L) {
  RuleDefinition def;
  def.file = name_;
  lua_Debug ar;
  if (lua_getstack(L, 1, &ar) != 0 && lua_getinfo(L, "l", &ar) != 0) def.line = ar.currentline;
  const char* function_field = nullptr;
  bool has_every = false, has_window = false;

  lua_pushnil(L);
  while (lua_next(L, 1) != 0) {
    // The value is at -1, the key at -2; every branch leaves the stack as it found it.
    if (lua_type(L, -2) != LUA_TSTRING) {
      lua_pop(L, 2);
      return "rule{}: fields have names (got a " + std::string(luaL_typename(L, -2)) + " key)";
    }
    std::string key = lua_tostring(L, -2);
    std::string problem;
    int type = lua_type(L, -1);
    if (key == "name") {
      if (type != LUA_TSTRING) {
        problem = "must be a string";
      } else {
        def.name = lua_tostring(L, -1);
      }
    } else if (key == "labels") {
      problem = ReadLabels(L, -1, &def.labels);
    } else if (key == "annotations") {
      if (type != LUA_TTABLE) {
        problem = "must be a table of texts";
      } else {
        lua_pushnil(L);
        while (problem.empty() && lua_next(L, -2) != 0) {
          if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING) {
            problem = "must map names to texts";
          } else {
            std::string name = lua_tostring(L, -2);
            auto tmpl = AnnotationTemplate::Compile(lua_tostring(L, -1));
            if (tmpl.ok()) {
              def.annotations.emplace_back(name, std::move(*tmpl));
            } else {
              problem = name + ": " + tmpl.status().message();
            }
          }
          lua_pop(L, 1);
          if (!problem.empty()) lua_pop(L, 1);  // the key lua_next would have taken
        }
      }
    } else if (key == "for" || key == "keep_firing_for" || key == "every" || key == "window") {
      std::optional<Duration> d = ReadDuration(L, -1);
      if (!d) {
        problem = "must be a duration such as \"30s\", \"5m\" or \"1h\"";
      } else if (key == "for") {
        def.for_duration = *d;
      } else if (key == "keep_firing_for") {
        def.keep_firing_for = *d;
      } else if (key == "every") {
        def.every = *d;
        has_every = true;
        if (*d < std::chrono::seconds(1)) problem = "must be at least 1s";
      } else {
        def.window = *d;
        has_window = true;
        if (*d < std::chrono::seconds(1)) problem = "must be at least 1s";
      }
    } else if (key == "on_log" || key == "on_anomaly" || key == "evaluate") {
      if (type != LUA_TFUNCTION) {
        problem = "must be a function";
      } else if (function_field != nullptr) {
        problem = std::string("a rule has one trigger; it already has ") + function_field;
      } else {
        function_field = key == "on_log"       ? "on_log"
                         : key == "on_anomaly" ? "on_anomaly"
                                               : "evaluate";
        def.trigger = key == "on_log"       ? Trigger::kLog
                      : key == "on_anomaly" ? Trigger::kAnomaly
                                            : Trigger::kEvery;
        lua_pushvalue(L, -1);
        lua_getinfo(L, ">S", &ar);
        def.function_line = ar.linedefined;
      }
    } else if (key == "above" || key == "below" || key == "resolve_below" ||
               key == "resolve_above") {
      if (type != LUA_TNUMBER) {
        problem = "must be a number";
      } else {
        double v = lua_tonumber(L, -1);
        (key == "above"           ? def.thresholds.above
         : key == "below"         ? def.thresholds.below
         : key == "resolve_below" ? def.thresholds.resolve_below
                                  : def.thresholds.resolve_above) = v;
      }
    } else {
      problem = "unknown field (fields: " + KnownFields() + ")";
    }
    lua_pop(L, 1);
    if (!problem.empty()) {
      lua_pop(L, 1);
      return "rule{}: " + key + ": " + problem;
    }
  }

  std::string who = "rule \"" + def.name + "\": ";
  if (!ValidName(def.name)) {
    return "rule{}: needs a name (a non-empty text of at most 200 characters)";
  }
  for (const RuleDefinition& other : rules_) {
    if (other.name == def.name) {
      return who + "declared twice in this file (first at line " + std::to_string(other.line) + ")";
    }
  }
  if (function_field == nullptr) {
    return who +
           "needs a trigger: on_log = function(record), on_anomaly = function(anomaly), or "
           "every = \"30s\" with evaluate = function(q)";
  }
  if (def.trigger == Trigger::kEvery && !has_every) {
    return who + "evaluate needs every = \"<interval>\"";
  }
  if (def.trigger != Trigger::kEvery && has_every) {
    return who + "every goes with evaluate, not with " + function_field;
  }
  if (def.trigger == Trigger::kEvery && has_window) {
    return who +
           "window counts on_log/on_anomaly matches; an evaluate rule gives the window to "
           "its queries";
  }
  if (def.trigger != Trigger::kEvery && def.thresholds.below) {
    return who + "below does not apply to counted matches (they only go up); use above";
  }
  for (const auto& [k, v] : def.labels) {
    if (k == "alertname") return who + "labels: alertname is the rule's name; do not set it";
  }
  if (std::string problem = def.thresholds.Validate(); !problem.empty()) return who + problem;
  rules_.push_back(std::move(def));
  return "";
}

Status RuleFile::InstallLibrary() {
  return sandbox_->Protected([](lua_State* L) {
    lua_createtable(L, 0, 16);
    lua_pushcfunction(L, RuleFunction);
    lua_setfield(L, -2, "rule");
    lua_pushcfunction(L, DurationSeconds);
    lua_setfield(L, -2, "duration");
    // The Lua part completes the table; it is trusted code, loaded as text like the rules.
    if (luaL_loadbufferx(L, kNightjarPrelude, std::strlen(kNightjarPrelude), "=nightjar.lua",
                         "t") != LUA_OK) {
      lua_error(L);
    }
    lua_pushvalue(L, -2);
    lua_call(L, 1, 0);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, kNightjarModuleKey);
    lua_getfield(L, -1, "rule");
    lua_setglobal(L, "rule");
    lua_setglobal(L, "nightjar");
  });
}

Result<std::unique_ptr<RuleFile>> RuleFile::Load(std::string name, std::string code,
                                                 const SandboxLimits& limits,
                                                 std::function<void(std::string_view)> print) {
  std::unique_ptr<RuleFile> file(new RuleFile(std::move(name), std::move(code)));
  NJ_ASSIGN_OR_RETURN(file->sandbox_, LuaSandbox::Create(limits, file->name_, std::move(print)));
  file->sandbox_->set_owner(file.get());
  Status st = file->InstallLibrary();
  if (!st.ok()) return st.WithContext(file->name_ + ": loading the nightjar library");
  file->loading_ = true;
  st = file->sandbox_->RunChunk(file->code_);
  file->loading_ = false;
  if (!st.ok()) return st;
  if (file->rules_.empty()) {
    return InvalidArgument(file->name_ + ": declares no rule (use rule{ name = ..., ... })");
  }
  return file;
}

}  // namespace nightjar::collector::rules
