// The sandbox: budgets, memory caps, forbidden libraries, and errors that say where.
#include "rules/lua_sandbox.h"

#include <gtest/gtest.h>

#include <lua.hpp>

#include "rules/rule_file.h"

namespace nightjar::collector::rules {
namespace {

SandboxLimits Small() { return SandboxLimits{.max_memory = 4 << 20, .instruction_budget = 200000}; }

std::unique_ptr<LuaSandbox> NewSandbox(std::vector<std::string>* printed = nullptr) {
  auto s = LuaSandbox::Create(Small(), "rules.lua", [printed](std::string_view text) {
    if (printed) printed->emplace_back(text);
  });
  EXPECT_TRUE(s.ok()) << s.status().message();
  return std::move(*s);
}

// Runs `code` in a fresh sandbox and returns the failure message ("" on success).
std::string RunError(const std::string& code) {
  Status st = NewSandbox()->RunChunk(code);
  return st.ok() ? "" : st.message();
}

TEST(Sandbox, RunawayLoopIsStoppedWithItsLine) {
  std::string error = RunError("local x = 1\nwhile true do x = x + 1 end\n");
  EXPECT_NE(error.find("rules.lua:2: instruction budget of 200000 exceeded"), std::string::npos)
      << error;
}

TEST(Sandbox, RunawayLoopThatCatchesTheErrorIsStoppedToo) {
  std::string error = RunError("while true do\n  pcall(function() while true do end end)\nend\n");
  EXPECT_NE(error.find("instruction budget"), std::string::npos) << error;
}

TEST(Sandbox, EachCallGetsAFreshBudget) {
  auto s = NewSandbox();
  ASSERT_TRUE(
      s->RunChunk("function spin(n) local x = 0 for i = 1, n do x = x + i end return x end").ok());
  for (int round = 0; round < 3; ++round) {
    int ref = 0;
    ASSERT_TRUE(s->Protected([&](lua_State* L) {
                   lua_getglobal(L, "spin");
                   ref = s->Ref();
                 }).ok());
    double result = 0;
    Status st = s->Call(
        ref, 1, [](lua_State* L) { lua_pushinteger(L, 20000); },
        [&](lua_State* L) {
          result = lua_tonumber(L, -1);
          return std::string();
        });
    EXPECT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(result, 20000.0 * 20001 / 2);
  }
}

TEST(Sandbox, MemoryBombHitsTheCapAndTheStateStaysUsable) {
  auto created = LuaSandbox::Create({.max_memory = 4 << 20, .instruction_budget = 1'000'000'000},
                                    "rules.lua", nullptr);
  ASSERT_TRUE(created.ok());
  auto& s = *created;
  Status st = s->RunChunk("local t = {} for i = 1, 1e7 do t[i] = string.rep('x', 64) .. i end");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(st.message().find("memory limit of 4MiB"), std::string::npos) << st.message();
  EXPECT_LE(s->memory_used(), size_t{4} << 20);
  // One big allocation is refused the same way.
  st = s->RunChunk("local s = string.rep('x', 64 * 1024 * 1024)");
  EXPECT_EQ(st.code(), StatusCode::kResourceExhausted) << st.message();
  // The garbage was collected: ordinary code runs again.
  EXPECT_TRUE(s->RunChunk("x = string.rep('y', 1000)").ok());
  EXPECT_LT(s->memory_used(), size_t{1} << 20);
}

TEST(Sandbox, ErrorsCarryFileAndLine) {
  EXPECT_NE(RunError("\n\nlocal t = nil\nreturn t.field\n").find("rules.lua:4:"),
            std::string::npos);
  EXPECT_NE(RunError("error('plain')").find("rules.lua:1: plain"), std::string::npos);
  // Level 0 and non-string errors get the location added.
  EXPECT_NE(RunError("\nerror('no position', 0)").find("rules.lua:2: no position"),
            std::string::npos);
  EXPECT_NE(RunError("error({})").find("rules.lua:1: (error object is a table value)"),
            std::string::npos);
  EXPECT_NE(RunError("local x = = 1").find("rules.lua:1:"), std::string::npos);
}

TEST(Sandbox, ForbiddenLibrariesAreAbsent) {
  for (const char* code :
       {"return io.open('/etc/passwd')", "return os.execute('true')", "return os.getenv('HOME')",
        "return os.remove('/tmp/x')", "return debug.getinfo(1)", "return package.path",
        "return dofile('/etc/passwd')", "return loadfile('/etc/passwd')",
        "return collectgarbage('stop')", "return string.dump(print)",
        "return coroutine.create(print)"}) {
    std::string error = RunError(code);
    EXPECT_NE(error.find("rules.lua:1:"), std::string::npos) << code << " -> " << error;
  }
}

TEST(Sandbox, RequireOnlyKnowsNightjar) {
  for (const char* name : {"io", "os", "debug", "socket", "nightjar.x"}) {
    std::string error = RunError(std::string("return require('") + name + "')");
    EXPECT_NE(error.find(std::string("module '") + name + "' is not available to rules"),
              std::string::npos)
        << error;
  }
}

TEST(Sandbox, SafeOsAndTextLoadRemain) {
  EXPECT_EQ(RunError("assert(type(os.time()) == 'number') assert(os.clock() >= 0)\n"
                     "assert(os.date('!%Y', 0) == '1970')"),
            "");
  EXPECT_EQ(RunError("local f = load('return 1 + 1') assert(f() == 2)"), "");
  // An explicit env is kept: the chunk sees only it.
  EXPECT_EQ(RunError("local f = load('return x', 'c', 'b', {x = 5}) assert(f() == 5)"), "");
  // Bytecode is refused even when the mode asks for it.
  std::string error = RunError(
      "local f, e = load('\\27Lua', 'c', 'b') assert(f == nil)\n"
      "error(e)");
  EXPECT_NE(error.find("attempt to load a binary chunk"), std::string::npos) << error;
}

TEST(Sandbox, PrintGoesToTheCallback) {
  std::vector<std::string> printed;
  auto s = NewSandbox(&printed);
  ASSERT_TRUE(s->RunChunk("print('hello', 42, nil)").ok());
  ASSERT_EQ(printed.size(), 1u);
  EXPECT_EQ(printed[0], "hello\t42\tnil");
}

TEST(Sandbox, ResultReaderCanFailTheCall) {
  auto s = NewSandbox();
  ASSERT_TRUE(s->RunChunk("function f() return 1 end").ok());
  int ref = 0;
  ASSERT_TRUE(s->Protected([&](lua_State* L) {
                 lua_getglobal(L, "f");
                 ref = s->Ref();
               }).ok());
  Status st = s->Call(
      ref, 0, [](lua_State*) {}, [](lua_State*) { return std::string("bad result"); });
  EXPECT_EQ(st.message(), "bad result");
}

}  // namespace
}  // namespace nightjar::collector::rules
