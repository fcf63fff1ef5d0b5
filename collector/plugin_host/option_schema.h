// Plugin options as data: the table a plugin declares, the values a user writes, and their
// validation before the plugin's code runs.
//
// ReadOptionTable copies and checks a plugin's declared table once, when the library loads (a
// default that does not parse is the plugin's bug and refuses the plugin). OptionValues::Build
// checks one instance's configuration against it: unknown keys (with a "did you mean"), missing
// required options, values of the wrong type, out of range or not among the choices are
// refused with the option's place in the configuration; defaults are filled in. The result owns
// every string it lends to the plugin through the nj_options view.
//
// Thread-safety: plain values; an OptionValues is read-only after Build.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "nightjar/plugin.h"

namespace nightjar::plugins {

// One option value as the user wrote it, before validation.
struct OptionInput {
  enum class Shape { kScalar, kList, kMap, kInvalid };

  Shape shape = Shape::kScalar;
  std::string scalar;
  std::vector<std::string> list;
  std::vector<std::pair<std::string, std::string>> map;
  // Where the value was written, e.g. "collector.yaml: plugins.instances[0].options.window";
  // empty when the options did not come from a file.
  std::string where;
  // Why a kInvalid value cannot be used (e.g. a list of mappings).
  std::string problem;

  // Returns a scalar input, e.g. Scalar("30s").
  static OptionInput Scalar(std::string value);
  // Returns a list input.
  static OptionInput List(std::vector<std::string> items);
  // Returns a mapping input.
  static OptionInput Map(std::vector<std::pair<std::string, std::string>> entries);
};

// An instance's options as written, in file order.
using OptionInputs = std::vector<std::pair<std::string, OptionInput>>;

// Whether `a` and `b` say the same: the same keys in the same order with the same values, where
// each was written aside.
bool SameOptionInputs(const OptionInputs& a, const OptionInputs& b);

// One declared option, copied out of the plugin's table.
struct OptionDecl {
  std::string name;
  uint32_t type = NJ_OPTION_STRING;
  uint32_t flags = 0;
  std::optional<std::string> default_value;
  std::string description;
  double min_value = 0;
  double max_value = 0;
  std::vector<std::string> choices;

  bool required() const { return (flags & NJ_OPTION_REQUIRED) != 0; }
  bool secret() const { return (flags & NJ_OPTION_SECRET) != 0; }
};

// Returns the lower-case name of an option type, e.g. "duration"; "unknown" for others.
std::string_view OptionTypeName(uint32_t type);

// Copies and checks a declared option table (`stride` bytes apart). Fails, naming the option,
// on a bad name, duplicate, unknown type or flag, or a default that does not parse.
Result<std::vector<OptionDecl>> ReadOptionTable(const nj_option_decl* table, size_t count,
                                                size_t stride);

// One instance's validated options and the storage behind their nj_options view.
class OptionValues {
 public:
  // Validates `inputs` against `decls` and fills in defaults. Errors about a written value
  // start with its `where`; others (a missing required option) with `context`, e.g.
  // "collector.yaml: plugins.instances[2].options".
  static Result<OptionValues> Build(const std::vector<OptionDecl>& decls,
                                    const OptionInputs& inputs, std::string_view context = {});

  OptionValues(OptionValues&&) noexcept;
  OptionValues& operator=(OptionValues&&) noexcept;
  ~OptionValues();

  // Returns the view lent to the plugin; valid while this object lives.
  const nj_options* view() const;

  // Returns (name, value) for display in stats and logs: set options only, in declaration
  // order, secrets replaced by "(secret)".
  std::vector<std::pair<std::string, std::string>> Display() const;

 private:
  struct Storage;
  explicit OptionValues(std::unique_ptr<Storage> storage);
  std::unique_ptr<Storage> storage_;
};

}  // namespace nightjar::plugins
