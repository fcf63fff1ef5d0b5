// One Lua 5.4 state that runs untrusted rule code: a memory cap (a custom allocator refuses
// what would exceed it), an instruction budget per call (a count hook stops runaway code), and
// only the safe parts of the standard library.
//
// What rule code gets: the base library without dofile, loadfile, collectgarbage and print
// (print is replaced by one that goes to the collector's log); `load` of text chunks only;
// string (without dump), table, math, utf8; os.time, os.clock and os.date only; `require` of
// "nightjar" only. No io, package, debug, coroutine (a coroutine would run with a budget of
// its own).
//
// Lua is built as C, so its errors are longjmps: they skip C++ destructors. Everything that
// touches the state therefore runs inside Protected()/Call() (a Lua error there ends the call
// with a message, never the process), and the C functions given to Lua keep no C++ object
// alive across a Lua call that may raise (see lua_convert.h for the helpers that make that
// easy).
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

struct lua_State;
struct lua_Debug;

namespace nightjar::collector::rules {

struct SandboxLimits {
  size_t max_memory = 16 << 20;
  int64_t instruction_budget = 10'000'000;  // per Call()
};

// The registry field holding the table require("nightjar") returns.
inline constexpr const char* kNightjarModuleKey = "nightjar.module";

class LuaSandbox {
 public:
  // Creates a state with the safe libraries. `chunk_name` is what messages show before
  // ":line:" (the rule file's name); `print` receives what the rule code prints.
  static Result<std::unique_ptr<LuaSandbox>> Create(SandboxLimits limits, std::string chunk_name,
                                                    std::function<void(std::string_view)> print);
  ~LuaSandbox();
  LuaSandbox(const LuaSandbox&) = delete;
  LuaSandbox& operator=(const LuaSandbox&) = delete;

  // Compiles `code` (text only, never bytecode) as the file's main chunk and runs it under the
  // instruction budget.
  Status RunChunk(std::string_view code);

  // Runs `body` in protected mode without a budget (C++ code that builds or reads Lua values).
  // A Lua error in it (out of memory, a bad value) comes back as the Status.
  Status Protected(const std::function<void(lua_State*)>& body);

  // Calls the function referenced by `ref` (LUA_REGISTRYINDEX) with the values `push_args`
  // pushes, under the instruction budget, then gives its first result (at the top of the
  // stack) to `read_result`, which returns "" or a message that fails the call. The Status
  // carries the rule file's name and line: "timeouts.lua:12: attempt to index a nil value".
  Status Call(int ref, int nargs, const std::function<void(lua_State*)>& push_args,
              const std::function<std::string(lua_State*)>& read_result);

  // Makes a registry reference to the value at the top of the stack (popping it), or frees one.
  // Ref() may raise (it allocates): call it inside Protected() or a C function.
  int Ref();
  void Unref(int ref);

  // Returns the sandbox that owns `L` (set in the state's extra space at creation).
  static LuaSandbox* From(lua_State* L);

  lua_State* state() { return L_; }
  const std::string& chunk_name() const { return chunk_name_; }
  size_t memory_used() const { return used_; }
  const SandboxLimits& limits() const { return limits_; }

  // An opaque pointer for whoever owns the sandbox (the rule file being loaded).
  void set_owner(void* owner) { owner_ = owner; }
  void* owner() const { return owner_; }

  // What the current call may reach (call_state.h): the record or anomaly being matched, the
  // query context of an evaluation; null between calls.
  void set_call_state(void* state) { call_state_ = state; }
  void* call_state() const { return call_state_; }

 private:
  LuaSandbox(SandboxLimits limits, std::string chunk_name,
             std::function<void(std::string_view)> print);
  static void* Allocate(void* ud, void* ptr, size_t osize, size_t nsize);
  static void BudgetHook(lua_State* L, lua_Debug* ar);
  static int MessageHandler(lua_State* L);
  static int Print(lua_State* L);
  static int Require(lua_State* L);
  Status OpenLibraries();
  void ArmBudget();
  void DisarmBudget();
  // Turns a failed pcall's status and message (popped) into a Status.
  Status Failure(int code);

  SandboxLimits limits_;
  std::string chunk_name_;
  std::function<void(std::string_view)> print_;
  lua_State* L_ = nullptr;
  size_t used_ = 0;
  bool exhausted_ = false;
  void* owner_ = nullptr;
  void* call_state_ = nullptr;
};

}  // namespace nightjar::collector::rules
