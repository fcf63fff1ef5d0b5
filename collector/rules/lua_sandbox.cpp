// The rule sandbox; see lua_sandbox.h.
#include "rules/lua_sandbox.h"

#include <lua.hpp>

#include <climits>
#include <cstdlib>
#include <cstring>

#include "base/logging.h"
#include "runtime/units.h"

namespace nightjar::collector::rules {
namespace {

// The parts of `os` rule code may use: reading clocks and formatting dates, nothing that
// touches the process, the environment or files.
constexpr const char* kSafeOs[] = {"time", "clock", "date"};

// Base library functions that reach the file system, the collector's log or the collector's
// memory management.
constexpr const char* kUnsafeBase[] = {"dofile", "loadfile", "collectgarbage"};

// `load` restricted to text chunks: bytecode can break the VM's invariants. Keeps the caller's
// argument count, since an explicit nil `env` means "no environment" to Lua.
int TextOnlyLoad(lua_State* L) {
  bool has_env = lua_gettop(L) >= 4;
  lua_settop(L, 4);
  lua_pushvalue(L, lua_upvalueindex(1));  // the original load
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_pushliteral(L, "t");
  if (has_env) lua_pushvalue(L, 4);
  lua_call(L, has_env ? 4 : 3, LUA_MULTRET);
  return lua_gettop(L) - 4;
}

// Opens the libraries and removes what rules must not have; runs protected.
int OpenSafeLibraries(lua_State* L) {
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  for (const char* name : kUnsafeBase) {
    lua_pushnil(L);
    lua_setfield(L, -2, name);
  }
  lua_getfield(L, -1, "load");
  lua_pushcclosure(L, TextOnlyLoad, 1);
  lua_setfield(L, -2, "load");
  lua_pop(L, 1);

  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  lua_pop(L, 1);
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
  lua_pop(L, 1);
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
  lua_pop(L, 1);
  luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
  lua_pop(L, 1);

  // The full os library is opened only to copy three functions out of it; it is not global.
  luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);
  lua_createtable(L, 0, 3);
  for (const char* name : kSafeOs) {
    lua_getfield(L, -2, name);
    lua_setfield(L, -2, name);
  }
  lua_setglobal(L, LUA_OSLIBNAME);
  lua_pop(L, 1);
  // luaL_requiref recorded every library in package.loaded-style registry table _LOADED; the
  // full os table must not be reachable from there either.
  lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_pushnil(L);
  lua_setfield(L, -2, LUA_OSLIBNAME);
  lua_pop(L, 1);
  return 0;
}

int ProtectedTrampoline(lua_State* L) {
  const auto* body = static_cast<const std::function<void(lua_State*)>*>(lua_touserdata(L, 1));
  lua_settop(L, 0);
  (*body)(L);
  return 0;
}

struct CallContext {
  int ref;
  int nargs;
  const std::function<void(lua_State*)>* push_args;
  const std::function<std::string(lua_State*)>* read_result;
  std::string error;
};

int CallTrampoline(lua_State* L) {
  auto* c = static_cast<CallContext*>(lua_touserdata(L, 1));
  lua_settop(L, 0);
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->ref);
  (*c->push_args)(L);
  lua_call(L, c->nargs, 1);
  c->error = (*c->read_result)(L);
  if (!c->error.empty()) {
    lua_pushlstring(L, c->error.data(), c->error.size());
    return lua_error(L);
  }
  return 0;
}

int Panic(lua_State* L) {
  // Only reached through a bug: every use of a state is protected.
  const char* msg = lua_tostring(L, -1);
  log::Error("rules", "unprotected Lua error", {{"error", msg ? msg : "?"}});
  std::abort();
}

}  // namespace

LuaSandbox::LuaSandbox(SandboxLimits limits, std::string chunk_name,
                       std::function<void(std::string_view)> print)
    : limits_(limits), chunk_name_(std::move(chunk_name)), print_(std::move(print)) {}

LuaSandbox::~LuaSandbox() {
  if (L_ != nullptr) lua_close(L_);
}

Result<std::unique_ptr<LuaSandbox>> LuaSandbox::Create(
    SandboxLimits limits, std::string chunk_name, std::function<void(std::string_view)> print) {
  std::unique_ptr<LuaSandbox> s(new LuaSandbox(limits, std::move(chunk_name), std::move(print)));
  s->L_ = lua_newstate(&LuaSandbox::Allocate, s.get());
  if (s->L_ == nullptr) {
    return ResourceExhausted("cannot create a Lua state within " +
                             FormatByteSize(limits.max_memory));
  }
  *static_cast<LuaSandbox**>(lua_getextraspace(s->L_)) = s.get();
  lua_atpanic(s->L_, Panic);
  NJ_RETURN_IF_ERROR(s->OpenLibraries());
  return s;
}

LuaSandbox* LuaSandbox::From(lua_State* L) {
  return *static_cast<LuaSandbox**>(lua_getextraspace(L));
}

void* LuaSandbox::Allocate(void* ud, void* ptr, size_t osize, size_t nsize) {
  auto* s = static_cast<LuaSandbox*>(ud);
  // With ptr == NULL, osize is the kind of object being created, not a size.
  size_t old = ptr != nullptr ? osize : 0;
  if (nsize == 0) {
    std::free(ptr);
    s->used_ -= old;
    return nullptr;
  }
  // Refusing makes Lua collect garbage and retry once, then raise "not enough memory" in the
  // rule's call: the cap stops a memory bomb without touching other rule files.
  if (nsize > old && s->used_ - old + nsize > s->limits_.max_memory) return nullptr;
  void* p = std::realloc(ptr, nsize);
  if (p == nullptr) return nullptr;
  s->used_ = s->used_ - old + nsize;
  return p;
}

void LuaSandbox::BudgetHook(lua_State* L, lua_Debug* ar) {
  LuaSandbox* s = From(L);
  // From now on every instruction raises, so code that catches the error with pcall and loops
  // again is stopped too; Call() disarms the hook when the call is over.
  if (!s->exhausted_) {
    s->exhausted_ = true;
    lua_sethook(L, &LuaSandbox::BudgetHook, LUA_MASKCOUNT, 1);
  }
  lua_getinfo(L, "Sl", ar);
  lua_pushfstring(L, "%s:%d: instruction budget of %I exceeded (a loop that never ends?)",
                  ar->short_src, ar->currentline,
                  static_cast<lua_Integer>(s->limits_.instruction_budget));
  lua_error(L);
}

int LuaSandbox::MessageHandler(lua_State* L) {
  if (lua_type(L, 1) != LUA_TSTRING) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
      lua_replace(L, 1);
    } else {
      lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
      lua_replace(L, 1);
    }
  }
  LuaSandbox* s = From(L);
  size_t len = 0;
  const char* msg = lua_tolstring(L, 1, &len);
  const std::string& name = s->chunk_name_;
  bool located = len > name.size() && std::memcmp(msg, name.data(), name.size()) == 0 &&
                 msg[name.size()] == ':';
  if (located) return 1;
  // error(msg, 0), errors raised by C functions: say where in the rule file it happened.
  lua_Debug ar;
  for (int level = 1; lua_getstack(L, level, &ar) != 0; ++level) {
    lua_getinfo(L, "Sl", &ar);
    if (ar.currentline > 0) {
      lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, msg);
      return 1;
    }
  }
  return 1;
}

int LuaSandbox::Print(lua_State* L) {
  int n = lua_gettop(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 1; i <= n; ++i) {
    if (i > 1) luaL_addchar(&b, '\t');
    luaL_tolstring(L, i, nullptr);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  size_t len = 0;
  const char* text = lua_tolstring(L, -1, &len);
  LuaSandbox* s = From(L);
  if (s->print_) s->print_(std::string_view(text, len));
  return 0;
}

int LuaSandbox::Require(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  if (std::strcmp(name, "nightjar") == 0 &&
      lua_getfield(L, LUA_REGISTRYINDEX, kNightjarModuleKey) == LUA_TTABLE) {
    return 1;
  }
  return luaL_error(L, "module '%s' is not available to rules (only require(\"nightjar\"))", name);
}

Status LuaSandbox::OpenLibraries() {
  return Protected([](lua_State* L) {
    lua_pushcfunction(L, OpenSafeLibraries);
    lua_call(L, 0, 0);
    lua_pushcfunction(L, &LuaSandbox::Print);
    lua_setglobal(L, "print");
    lua_pushcfunction(L, &LuaSandbox::Require);
    lua_setglobal(L, "require");
  });
}

void LuaSandbox::ArmBudget() {
  exhausted_ = false;
  int count = static_cast<int>(std::min<int64_t>(limits_.instruction_budget, INT_MAX));
  lua_sethook(L_, &LuaSandbox::BudgetHook, LUA_MASKCOUNT, count);
}

void LuaSandbox::DisarmBudget() {
  lua_sethook(L_, nullptr, 0, 0);
  exhausted_ = false;
}

Status LuaSandbox::Failure(int code) {
  std::string message;
  if (code == LUA_ERRMEM) {
    // Lua gives no location for memory errors: say which limit and which file.
    message = chunk_name_ + ": memory limit of " + FormatByteSize(limits_.max_memory) +
              " reached (the file's Lua state is out of memory)";
  } else {
    size_t len = 0;
    const char* text = lua_tolstring(L_, -1, &len);
    message = text != nullptr ? std::string(text, len) : chunk_name_ + ": unknown error";
    if (code == LUA_ERRERR) message = chunk_name_ + ": error while handling an error: " + message;
  }
  lua_pop(L_, 1);
  // What the failed call left behind is garbage now; give the memory back before the next one.
  lua_gc(L_, LUA_GCCOLLECT);
  return Status(code == LUA_ERRMEM ? StatusCode::kResourceExhausted : StatusCode::kInvalidArgument,
                std::move(message));
}

Status LuaSandbox::RunChunk(std::string_view code) {
  int top = lua_gettop(L_);
  lua_pushcfunction(L_, &LuaSandbox::MessageHandler);
  std::string name = "@" + chunk_name_;
  int rc = luaL_loadbufferx(L_, code.data(), code.size(), name.c_str(), "t");
  if (rc != LUA_OK) {
    Status st = Failure(rc);
    lua_settop(L_, top);
    return st;
  }
  ArmBudget();
  rc = lua_pcall(L_, 0, 0, top + 1);
  DisarmBudget();
  Status st = rc == LUA_OK ? Status::Ok() : Failure(rc);
  lua_settop(L_, top);
  return st;
}

Status LuaSandbox::Protected(const std::function<void(lua_State*)>& body) {
  int top = lua_gettop(L_);
  lua_pushcfunction(L_, &LuaSandbox::MessageHandler);
  lua_pushcfunction(L_, ProtectedTrampoline);
  lua_pushlightuserdata(L_, const_cast<std::function<void(lua_State*)>*>(&body));
  int rc = lua_pcall(L_, 1, 0, top + 1);
  Status st = rc == LUA_OK ? Status::Ok() : Failure(rc);
  lua_settop(L_, top);
  return st;
}

Status LuaSandbox::Call(int ref, int nargs, const std::function<void(lua_State*)>& push_args,
                        const std::function<std::string(lua_State*)>& read_result) {
  int top = lua_gettop(L_);
  CallContext ctx{ref, nargs, &push_args, &read_result, {}};
  lua_pushcfunction(L_, &LuaSandbox::MessageHandler);
  lua_pushcfunction(L_, CallTrampoline);
  lua_pushlightuserdata(L_, &ctx);
  ArmBudget();
  int rc = lua_pcall(L_, 1, 0, top + 1);
  DisarmBudget();
  Status st = rc == LUA_OK ? Status::Ok() : Failure(rc);
  lua_settop(L_, top);
  return st;
}

int LuaSandbox::Ref() { return luaL_ref(L_, LUA_REGISTRYINDEX); }

void LuaSandbox::Unref(int ref) { luaL_unref(L_, LUA_REGISTRYINDEX, ref); }

}  // namespace nightjar::collector::rules
