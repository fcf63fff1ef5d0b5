// What a rule function may reach while the engine calls it, beyond its arguments: the record
// or anomaly its lazily built fields come from, and the store for `every` rules' queries.
//
// The engine sets it on the file's sandbox (LuaSandbox::set_call_state) for the length of a
// call and clears it after, so a record or query object a rule keeps in a global and uses
// later finds nothing instead of a dangling pointer. `table` tells the current record's table
// from an older one a rule kept.
//
// Thread-safety: belongs to the thread running the call.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rules/rule_queries.h"
#include "runtime/units.h"
#include "store/anomaly.h"
#include "store/batch.h"
#include "store/store.h"

namespace nightjar::collector::rules {

// The arguments of one q:function{...} call, parsed (kept here rather than on the C function's
// stack: a Lua error must not skip their destructors).
struct QueryArgs {
  Duration window{0};
  bool has_window = false;
  std::vector<std::string> by;
  bool grouped = false;
  LogQuery logs;
  std::string metric;
  Filters where;
};

struct QueryState {
  Store* store = nullptr;  // null: queries fail with a message
  int64_t now_unix_nano = 0;
  Duration timeout = std::chrono::seconds(5);
  int max_series = 1000;
  int64_t queries = 0;  // run in this evaluation
  QueryArgs args;
  std::vector<GroupValue> results;
  std::string error;
};

struct CallState {
  const LogRow* row = nullptr;
  const StreamRow* stream = nullptr;
  const Anomaly* anomaly = nullptr;
  const void* table = nullptr;  // the record's Lua table (lua_topointer)
  QueryState* query = nullptr;
};

}  // namespace nightjar::collector::rules
