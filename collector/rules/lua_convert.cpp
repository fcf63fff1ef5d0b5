// Value conversions between C++ and Lua; see lua_convert.h.
#include "rules/lua_convert.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <lua.hpp>

namespace nightjar::collector::rules {
namespace {

// Pushes one JSON value; recursion only on the stack of pointers into the document, so a
// longjmp from a push skips nothing that needs a destructor.
void PushJsonValue(lua_State* L, const rapidjson::Value& v, int depth) {
  if (depth > 32) {
    lua_pushnil(L);  // deeper than any attribute a sender means; not worth a stack overflow
    return;
  }
  switch (v.GetType()) {
    case rapidjson::kNullType:
      lua_pushnil(L);
      return;
    case rapidjson::kFalseType:
      lua_pushboolean(L, 0);
      return;
    case rapidjson::kTrueType:
      lua_pushboolean(L, 1);
      return;
    case rapidjson::kStringType:
      lua_pushlstring(L, v.GetString(), v.GetStringLength());
      return;
    case rapidjson::kNumberType:
      if (v.IsInt64()) {
        lua_pushinteger(L, static_cast<lua_Integer>(v.GetInt64()));
      } else {
        lua_pushnumber(L, v.GetDouble());
      }
      return;
    case rapidjson::kArrayType: {
      lua_createtable(L, static_cast<int>(v.Size()), 0);
      lua_Integer i = 1;
      for (const auto& item : v.GetArray()) {
        PushJsonValue(L, item, depth + 1);
        lua_rawseti(L, -2, i++);
      }
      return;
    }
    case rapidjson::kObjectType:
      lua_createtable(L, 0, static_cast<int>(v.MemberCount()));
      for (const auto& m : v.GetObject()) {
        lua_pushlstring(L, m.name.GetString(), m.name.GetStringLength());
        PushJsonValue(L, m.value, depth + 1);
        lua_rawset(L, -3);
      }
      return;
  }
  lua_pushnil(L);
}

}  // namespace

void PushJsonObject(lua_State* L, std::string_view json) {
  // The document lives in a static scratch per thread so that nothing on this frame needs a
  // destructor while Lua may raise.
  thread_local rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    lua_newtable(L);
    return;
  }
  PushJsonValue(L, doc, 0);
}

void PushLabels(lua_State* L, const alerting::Labels& labels) {
  lua_createtable(L, 0, static_cast<int>(labels.size()));
  for (const auto& [k, v] : labels) {
    lua_pushlstring(L, k.data(), k.size());
    lua_pushlstring(L, v.data(), v.size());
    lua_rawset(L, -3);
  }
}

std::string FormatNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  return buf;
}

void SortLabels(alerting::Labels* labels) {
  std::sort(labels->begin(), labels->end());
  labels->erase(std::unique(labels->begin(), labels->end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }),
                labels->end());
}

std::string ReadLabels(lua_State* L, int index, alerting::Labels* out) {
  index = lua_absindex(L, index);
  if (lua_type(L, index) != LUA_TTABLE) {
    return std::string("labels must be a table, not a ") + luaL_typename(L, index);
  }
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    if (lua_type(L, -2) != LUA_TSTRING) {
      lua_pop(L, 2);
      return "label names must be strings";
    }
    size_t klen = 0;
    const char* key = lua_tolstring(L, -2, &klen);  // a string key: no conversion, no allocation
    std::string value;
    switch (lua_type(L, -1)) {
      case LUA_TSTRING: {
        size_t vlen = 0;
        const char* v = lua_tolstring(L, -1, &vlen);
        value.assign(v, vlen);
        break;
      }
      case LUA_TNUMBER:
        value = lua_isinteger(L, -1) ? std::to_string(lua_tointeger(L, -1))
                                     : FormatNumber(lua_tonumber(L, -1));
        break;
      case LUA_TBOOLEAN:
        value = lua_toboolean(L, -1) ? "true" : "false";
        break;
      default: {
        std::string message = "label \"" + std::string(key, klen) + "\" has a " +
                              luaL_typename(L, -1) + " value; use a string or a number";
        lua_pop(L, 2);
        return message;
      }
    }
    if (klen == 0) {
      lua_pop(L, 2);
      return "label names must not be empty";
    }
    out->emplace_back(std::string(key, klen), std::move(value));
    lua_pop(L, 1);
  }
  SortLabels(out);
  return "";
}

std::optional<Duration> ReadDuration(lua_State* L, int index) {
  if (lua_type(L, index) == LUA_TNUMBER) {
    double seconds = lua_tonumber(L, index);
    if (!(seconds >= 0) || seconds > 1e9) return std::nullopt;
    return Duration(static_cast<int64_t>(seconds * 1e9));
  }
  if (lua_type(L, index) == LUA_TSTRING) {
    size_t len = 0;
    const char* text = lua_tolstring(L, index, &len);
    return ParseDuration(std::string_view(text, len));
  }
  return std::nullopt;
}

}  // namespace nightjar::collector::rules
