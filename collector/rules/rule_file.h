// One rule file loaded into a sandbox of its own: the `nightjar` library installed, the file's
// code run once (declaring its rules with rule{ ... }), and the declarations checked.
//
// A file that does not compile, fails while running, declares no rule, or declares a rule
// with a mistake (unknown field, bad duration, template typo, two triggers, ...) fails to
// load with a message that names the file and line.
//
// Thread-safety: one thread at a time (the state is not shareable).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "rules/lua_sandbox.h"
#include "rules/rule.h"

namespace nightjar::collector::rules {

class RuleFile {
 public:
  // Loads `code` as the rule file `name` (what messages show, e.g. "timeouts.lua").
  static Result<std::unique_ptr<RuleFile>> Load(std::string name, std::string code,
                                                const SandboxLimits& limits,
                                                std::function<void(std::string_view)> print);

  const std::string& name() const { return name_; }
  const std::string& code() const { return code_; }
  LuaSandbox& sandbox() { return *sandbox_; }
  const std::vector<RuleDefinition>& rules() const { return rules_; }

  // Called by the rule{} function (C, in the file's state): reads the table at index 1.
  // Returns "" or the error to raise.
  std::string Declare(lua_State* L);

 private:
  RuleFile(std::string name, std::string code) : name_(std::move(name)), code_(std::move(code)) {}
  Status InstallLibrary();

  std::string name_;
  std::string code_;
  std::unique_ptr<LuaSandbox> sandbox_;
  std::vector<RuleDefinition> rules_;
  bool loading_ = false;

  friend int RuleFunction(lua_State* L);
};

}  // namespace nightjar::collector::rules
