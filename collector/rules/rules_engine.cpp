// The rules engine; see rules_engine.h.
#include "rules/rules_engine.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <lua.hpp>
#include <sstream>

#include "base/hex.h"
#include "base/logging.h"
#include "rules/call_state.h"
#include "rules/lua_convert.h"
#include "rules/query_bindings.h"
#include "store/log_queries.h"

namespace nightjar::collector::rules {

using alerting::AlertSample;
using Condition = AlertSample::Condition;

struct RulesEngine::Rule {
  RuleDefinition def;
  File* file = nullptr;
  alerting::RuleSpec spec;
  std::unique_ptr<SlidingWindow> window;  // on_log, on_anomaly
  int64_t next_due = 0;                   // every: 0 = at the first EvaluateDue
};

struct RulesEngine::File {
  std::string name;
  std::unique_ptr<RuleFile> code;
  std::vector<std::unique_ptr<Rule>> rules;
  CallState call;

  bool Has(Trigger t) const {
    return std::any_of(rules.begin(), rules.end(),
                       [t](const auto& r) { return r->def.trigger == t; });
  }
};

namespace {

constexpr const char* kComponent = "rules";
constexpr const char* kRecordKey = "nightjar.record";
constexpr const char* kRecordMetaKey = "nightjar.record_meta";

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string Hex(const std::string& raw) {
  return HexEncode(reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
}

void SetString(lua_State* L, const char* key, std::string_view value) {
  lua_pushlstring(L, value.data(), value.size());
  lua_setfield(L, -2, key);
}

// __index of record tables: builds attributes, resource, labels and scope on first use, so a
// rule that looks only at the body pays for no JSON parsing. Answers nil for a record table a
// rule kept past its call.
int RecordIndex(lua_State* L) {
  auto* call = static_cast<CallState*>(LuaSandbox::From(L)->call_state());
  if (call == nullptr || call->row == nullptr || lua_topointer(L, 1) != call->table ||
      lua_type(L, 2) != LUA_TSTRING) {
    return 0;
  }
  std::string_view key = lua_tostring(L, 2);
  if (key == "attributes") {
    PushJsonObject(L, call->row->attributes);
  } else if (key == "resource") {
    PushJsonObject(L, call->stream->resource_attributes);
  } else if (key == "labels") {
    PushLabels(L, call->row->labels);
  } else if (key == "scope") {
    lua_createtable(L, 0, 3);
    SetString(L, "name", call->stream->scope_name);
    SetString(L, "version", call->stream->scope_version);
    PushJsonObject(L, call->stream->scope_attributes);
    lua_setfield(L, -2, "attributes");
  } else {
    return 0;
  }
  lua_pushvalue(L, 2);
  lua_pushvalue(L, -2);
  lua_rawset(L, 1);
  return 1;
}

// Pushes the table on_log rules receive (see docs/rules.md for its fields).
void PushRecord(lua_State* L, const LogRow& row, const StreamRow& stream, int64_t id) {
  lua_createtable(L, 0, 12);
  const std::string* text = row.SearchText();
  SetString(L, "body", text != nullptr ? *text : std::string());
  lua_pushinteger(L, row.severity_number);
  lua_setfield(L, -2, "severity");
  SetString(L, "severity_text", row.severity_text);
  lua_pushstring(L, SeverityLevelName(row.severity_number));
  lua_setfield(L, -2, "level");
  lua_pushinteger(L, static_cast<lua_Integer>(row.time_unix_nano));
  lua_setfield(L, -2, "time_unix_nano");
  lua_pushnumber(L, static_cast<double>(row.time_key_ms) / 1e3);
  lua_setfield(L, -2, "time");
  SetString(L, "service", stream.service);
  lua_pushinteger(L, id);
  lua_setfield(L, -2, "id");
  SetString(L, "event_name", row.event_name);
  SetString(L, "trace_id", Hex(row.trace_id));
  SetString(L, "span_id", Hex(row.span_id));
  if (lua_getfield(L, LUA_REGISTRYINDEX, kRecordMetaKey) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, RecordIndex);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, kRecordMetaKey);
  }
  lua_setmetatable(L, -2);
}

// Pushes the table on_anomaly rules receive.
void PushAnomaly(lua_State* L, const Anomaly& a) {
  lua_createtable(L, 0, 14);
  SetString(L, "metric", a.metric);
  lua_pushnumber(L, a.value);
  lua_setfield(L, -2, "value");
  lua_pushnumber(L, a.score);
  lua_setfield(L, -2, "score");
  SetString(L, "reason", a.reason);
  SetString(L, "detector", a.detector);
  SetString(L, "plugin", a.plugin);
  SetString(L, "service", a.service);
  lua_pushinteger(L, a.series_id);
  lua_setfield(L, -2, "series_id");
  lua_pushinteger(L, a.id);
  lua_setfield(L, -2, "id");
  lua_pushinteger(L, static_cast<lua_Integer>(a.time_unix_nano));
  lua_setfield(L, -2, "time_unix_nano");
  lua_pushnumber(L, static_cast<double>(a.time_unix_nano) / 1e9);
  lua_setfield(L, -2, "time");
  PushJsonObject(L, a.attributes);
  lua_setfield(L, -2, "attributes");
  PushJsonObject(L, a.resource_attributes);
  lua_setfield(L, -2, "resource");
}

// What an on_log or on_anomaly function said about one input.
struct MatchResult {
  bool matched = false;
  alerting::Labels labels;
  std::optional<double> value;
};

// Returns true when the table at `index` has a string key `key` (raw, no allocation).
bool HasKey(lua_State* L, int index, std::string_view key, int type = LUA_TNONE) {
  index = lua_absindex(L, index);
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    if (lua_type(L, -2) == LUA_TSTRING && key == lua_tostring(L, -2) &&
        (type == LUA_TNONE || lua_type(L, -1) == type)) {
      lua_pop(L, 2);
      return true;
    }
    lua_pop(L, 1);
  }
  return false;
}

// Reads an on_log/on_anomaly result at the top of the stack: nil/false (no match), true (a
// match for the rule's labels), a table of labels, or { labels = {...}, value = n }.
std::string ReadMatch(lua_State* L, MatchResult* out) {
  switch (lua_type(L, -1)) {
    case LUA_TNIL:
      return "";
    case LUA_TBOOLEAN:
      out->matched = lua_toboolean(L, -1) != 0;
      return "";
    case LUA_TTABLE:
      break;
    default:
      return std::string("returned a ") + luaL_typename(L, -1) +
             "; return nil (no match), true, a table of labels, or {labels = ..., value = ...}";
  }
  out->matched = true;
  if (!HasKey(L, -1, "labels", LUA_TTABLE)) return ReadLabels(L, -1, &out->labels);
  int t = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, t) != 0) {
    std::string problem;
    std::string_view key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
    if (key == "labels") {
      problem = ReadLabels(L, -1, &out->labels);
    } else if (key == "value" && lua_type(L, -1) == LUA_TNUMBER) {
      out->value = lua_tonumber(L, -1);
    } else {
      problem = "a match has labels and value only";
    }
    lua_pop(L, 1);
    if (!problem.empty()) {
      lua_pop(L, 1);
      return problem;
    }
  }
  return "";
}

// One alert an evaluate function reported, before labels are completed.
struct RawSample {
  alerting::Labels labels;
  double value = 1;
  Condition condition = Condition::kActive;
};

std::string ReadOneSample(lua_State* L, int index, const Thresholds& th, RawSample* s) {
  index = lua_absindex(L, index);
  if (lua_type(L, index) != LUA_TTABLE) {
    return std::string("a sample must be a table, not a ") + luaL_typename(L, index);
  }
  std::optional<double> value;
  std::optional<bool> active;
  std::optional<Condition> state;
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    std::string problem;
    std::string_view key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
    int type = lua_type(L, -1);
    if (key == "labels") {
      problem = ReadLabels(L, -1, &s->labels);
    } else if (key == "value" && type == LUA_TNUMBER) {
      value = lua_tonumber(L, -1);
    } else if (key == "active" && type == LUA_TBOOLEAN) {
      active = lua_toboolean(L, -1) != 0;
    } else if (key == "state" && type == LUA_TSTRING) {
      std::string_view v = lua_tostring(L, -1);
      if (v == "active") {
        state = Condition::kActive;
      } else if (v == "hold") {
        state = Condition::kHold;
      } else if (v == "clear") {
        state = Condition::kClear;
      } else {
        problem = "state must be \"active\", \"hold\" or \"clear\"";
      }
    } else {
      problem = "a sample has labels, value, active and state (got \"" + std::string(key) + "\")";
    }
    lua_pop(L, 1);
    if (!problem.empty()) {
      lua_pop(L, 1);
      return problem;
    }
  }
  s->value = value.value_or(active.value_or(true) ? 1 : 0);
  if (state) {
    s->condition = *state;
  } else if (active) {
    s->condition = *active ? Condition::kActive : Condition::kClear;
  } else if (value) {
    s->condition = th.Evaluate(*value);
  }
  return "";
}

// Reads an evaluate result at the top of the stack: nil/false (nothing active), true, a
// number (checked against the thresholds), a sample, or a list of samples.
std::string ReadSamples(lua_State* L, const Thresholds& th, std::vector<RawSample>* out) {
  switch (lua_type(L, -1)) {
    case LUA_TNIL:
      return "";
    case LUA_TBOOLEAN:
      if (lua_toboolean(L, -1)) out->push_back({});
      return "";
    case LUA_TNUMBER: {
      double v = lua_tonumber(L, -1);
      out->push_back({{}, v, th.Evaluate(v)});
      return "";
    }
    case LUA_TTABLE:
      break;
    default:
      return std::string("evaluate returned a ") + luaL_typename(L, -1) +
             "; return nil, true, a number, a sample {labels = ..., value = ...} or a list of "
             "samples";
  }
  int t = lua_gettop(L);
  if (HasKey(L, t, "labels") || HasKey(L, t, "value") || HasKey(L, t, "active") ||
      HasKey(L, t, "state")) {
    out->emplace_back();
    return ReadOneSample(L, t, th, &out->back());
  }
  lua_Unsigned n = lua_rawlen(L, t);
  for (lua_Unsigned i = 1; i <= n; ++i) {
    lua_rawgeti(L, t, static_cast<lua_Integer>(i));
    out->emplace_back();
    std::string problem = ReadOneSample(L, -1, th, &out->back());
    lua_pop(L, 1);
    if (!problem.empty()) return "sample " + std::to_string(i) + ": " + problem;
  }
  return "";
}

// Prefixes a message about a rule's returned value with where the rule's function is.
std::string Located(const RuleDefinition& def, const std::string& message) {
  return def.file + ":" + std::to_string(def.function_line) + ": rule \"" + def.name +
         "\": " + message;
}

}  // namespace

bool LoadReport::ok() const {
  return std::all_of(files.begin(), files.end(), [](const auto& f) { return f.error.empty(); });
}

std::string LoadReport::Errors() const {
  std::string out;
  for (const RuleFileStatus& f : files) {
    if (f.error.empty()) continue;
    out += f.error;
    if (f.kept_previous) out += " (the previous version keeps running)";
    out += "\n";
  }
  return out;
}

RulesEngine::RulesEngine(RulesEngineOptions options)
    : options_(std::move(options)), metrics_(options_.registry), sink_(options_.sink) {}

RulesEngine::~RulesEngine() { Stop(); }

void RulesEngine::SetSink(alerting::AlertSink* sink) {
  std::lock_guard<std::mutex> lock(mutex_);
  sink_ = sink;
}

RulesConfig RulesEngine::Config() const {
  std::lock_guard<std::mutex> lock(config_mutex_);
  return options_.config;
}

LoadReport RulesEngine::Reconfigure(RulesConfig config) {
  {
    std::lock_guard<std::mutex> lock(config_mutex_);
    options_.config = std::move(config);
  }
  queue_changed_.notify_all();  // the thread's next wake may come sooner now
  return Load();
}

LoadReport RulesEngine::Load() {
  const std::string dir = Config().dir;
  std::vector<std::pair<std::string, std::string>> sources;
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec) {
      // A directory that cannot be read is no reason to drop the rules that run.
      LoadReport report;
      std::lock_guard<std::mutex> lock(mutex_);
      report.files.push_back({dir, false, !files_.empty(),
                              dir + ": cannot read the rules directory: " + ec.message(), 0});
      log::Error(kComponent, "cannot read the rules directory",
                 {{"dir", dir}, {"error", ec.message()}});
      metrics_.reloads.With({"error"}).Inc();
      return report;
    }
    for (const auto& entry : it) {
      if (entry.path().extension() == ".lua" && !entry.is_directory()) {
        sources.emplace_back(entry.path().filename().string(), entry.path().string());
      }
    }
  }
  return LoadSources(std::move(sources));
}

LoadReport RulesEngine::LoadFiles(const std::vector<std::string>& paths) {
  std::vector<std::pair<std::string, std::string>> sources;
  for (const std::string& p : paths) {
    sources.emplace_back(std::filesystem::path(p).filename().string(), p);
  }
  return LoadSources(std::move(sources));
}

LoadReport RulesEngine::LoadSources(std::vector<std::pair<std::string, std::string>> sources) {
  std::sort(sources.begin(), sources.end());
  RulesConfig config = Config();
  SandboxLimits limits{config.max_memory, config.instruction_budget};
  LoadReport report;
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, std::unique_ptr<File>> next;
  std::map<std::string, std::string> taken;  // rule name -> file

  // Returns "" when none of `defs` is declared by a file already accepted in this load.
  auto conflict = [&](const std::vector<RuleDefinition>& defs) -> std::string {
    for (const RuleDefinition& d : defs) {
      auto it = taken.find(d.name);
      if (it != taken.end()) {
        return d.file + ":" + std::to_string(d.line) + ": rule \"" + d.name +
               "\" is already declared in " + it->second;
      }
    }
    return "";
  };

  for (auto& [name, path] : sources) {
    RuleFileStatus status{name, false, false, "", 0};
    auto old = files_.find(name);
    std::unique_ptr<File> chosen;
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    if (!in) {
      status.error = name + ": cannot read " + path;
    } else if (old != files_.end() && old->second->code->code() == content.str()) {
      status.error = conflict(old->second->code->rules());
      if (status.error.empty()) chosen = std::move(old->second);
    } else {
      auto print = [name](std::string_view text) { log::Info(kComponent, text, {{"file", name}}); };
      auto loaded = RuleFile::Load(name, content.str(), limits, print);
      if (!loaded.ok()) {
        status.error = loaded.status().message();
      } else if (std::string c = conflict((*loaded)->rules()); !c.empty()) {
        status.error = c;
      } else {
        chosen = std::make_unique<File>();
        chosen->name = name;
        chosen->code = std::move(*loaded);
        for (const RuleDefinition& def : chosen->code->rules()) {
          auto rule = std::make_unique<Rule>();
          rule->def = def;
          rule->file = chosen.get();
          rule->spec = {def.name, name, def.for_duration, def.keep_firing_for,
                        TriggerName(def.trigger)};
          if (def.trigger != Trigger::kEvery) {
            rule->window =
                std::make_unique<SlidingWindow>(def.window, Config().max_alerts_per_rule);
          }
          chosen->rules.push_back(std::move(rule));
        }
      }
    }
    if (!status.error.empty() && old != files_.end() && old->second &&
        conflict(old->second->code->rules()).empty()) {
      chosen = std::move(old->second);
      status.kept_previous = true;
    }
    if (chosen) {
      status.loaded = status.error.empty();
      status.rules = chosen->rules.size();
      for (const auto& r : chosen->rules) taken[r->def.name] = name;
      next[name] = std::move(chosen);
    }
    if (!status.error.empty()) {
      log::Error(
          kComponent, "rule file refused",
          {{"file", name}, {"error", status.error}, {"kept_previous", status.kept_previous}});
    }
    report.files.push_back(std::move(status));
  }

  // A changed file's rules take over what the old version's rules of the same name counted, so
  // that editing an annotation does not reset a burst in progress.
  std::map<std::string, Rule*> previous;
  for (auto& [name, f] : files_) {
    if (!f) continue;
    for (auto& r : f->rules) previous[r->def.name] = r.get();
  }
  for (auto& [name, f] : next) {
    for (auto& r : f->rules) {
      auto it = previous.find(r->def.name);
      if (it == previous.end() || it->second == r.get()) continue;
      Rule& before = *it->second;
      if (r->window && before.window && before.def.trigger == r->def.trigger &&
          before.window->window() == r->window->window()) {
        r->window = std::move(before.window);
      }
      if (r->def.trigger == Trigger::kEvery && before.def.every == r->def.every) {
        r->next_due = before.next_due;
      }
    }
  }
  files_ = std::move(next);

  bool logs = false, anomalies = false;
  size_t count = 0;
  {
    std::lock_guard<std::mutex> status_lock(status_mutex_);
    std::map<std::string, RuleStatus> status;
    file_status_ = report.files;
    last_load_ = options_.clock->NowUnixNanos();
    status_order_.clear();
    for (auto& [name, f] : files_) {
      logs |= f->Has(Trigger::kLog);
      anomalies |= f->Has(Trigger::kAnomaly);
      for (auto& r : f->rules) {
        RuleStatus s;
        if (auto it = status_.find(r->def.name); it != status_.end()) s = it->second;
        const RuleDefinition& d = r->def;
        s.name = d.name;
        s.file = d.file;
        s.line = d.line;
        s.trigger = TriggerName(d.trigger);
        s.every = d.every;
        s.window = d.trigger == Trigger::kEvery ? Duration(0) : d.window;
        s.for_duration = d.for_duration;
        s.keep_firing_for = d.keep_firing_for;
        s.labels = d.labels;
        status[d.name] = std::move(s);
        status_order_.push_back(d.name);
        ++count;
      }
    }
    status_ = std::move(status);
  }
  has_log_rules_ = logs;
  has_anomaly_rules_ = anomalies;
  metrics_.loaded.Get().Set(static_cast<double>(count));
  metrics_.files_failed.Get().Set(static_cast<double>(std::count_if(
      report.files.begin(), report.files.end(), [](const auto& f) { return !f.error.empty(); })));
  metrics_.reloads.With({report.ok() ? "ok" : "error"}).Inc();
  log::Info(kComponent, "rules loaded",
            {{"rules", static_cast<uint64_t>(count)},
             {"files", static_cast<uint64_t>(report.files.size())},
             {"failed", !report.ok()}});
  Announce();
  return report;
}

void RulesEngine::Announce() {
  if (sink_ == nullptr) return;
  std::vector<alerting::RuleSpec> specs;
  for (auto& [name, f] : files_) {
    for (auto& r : f->rules) specs.push_back(r->spec);
  }
  sink_->SetRules(specs);
}

std::vector<alerting::RuleSpec> RulesEngine::Specs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<alerting::RuleSpec> specs;
  for (auto& [name, f] : files_) {
    for (auto& r : f->rules) specs.push_back(r->spec);
  }
  return specs;
}

void RulesEngine::OnLogsCommitted(const LogBatch& batch, std::span<const int64_t> ids) {
  if (!has_log_rules_ || batch.logs.empty()) return;
  size_t n = batch.logs.size();
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    if (queued_records_ + n > Config().queue_max_records) {
      dropped_ += static_cast<int64_t>(n);
      metrics_.dropped.With({"queue_full"}).Inc(static_cast<double>(n));
      return;
    }
    queued_records_ += n;
    metrics_.queue_records.Get().Set(static_cast<double>(queued_records_));
    queue_.emplace_back(std::in_place_index<0>, batch,
                        std::vector<int64_t>(ids.begin(), ids.end()));
  }
  queue_changed_.notify_all();
}

void RulesEngine::OnAnomaly(const Anomaly& anomaly) {
  if (!has_anomaly_rules_) return;
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    if (queued_records_ + 1 > Config().queue_max_records) {
      ++dropped_;
      metrics_.dropped.With({"queue_full"}).Inc();
      return;
    }
    queued_records_ += 1;
    queue_.emplace_back(std::in_place_index<1>, anomaly);
  }
  queue_changed_.notify_all();
}

void RulesEngine::ProcessQueued() {
  for (;;) {
    std::optional<QueueItem> item;
    {
      std::lock_guard<std::mutex> lock(queue_mutex_);
      if (queue_.empty()) break;
      item.emplace(std::move(queue_.front()));
      queue_.pop_front();
      ++busy_;
    }
    size_t n = 1;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (auto* logs = std::get_if<0>(&*item)) {
        n = logs->first.logs.size();
        ProcessLogs(logs->first, logs->second);
      } else {
        ProcessAnomaly(std::get<1>(*item));
      }
    }
    {
      std::lock_guard<std::mutex> lock(queue_mutex_);
      --busy_;
      queued_records_ -= n;
      metrics_.queue_records.Get().Set(static_cast<double>(queued_records_));
    }
    queue_changed_.notify_all();
  }
}

void RulesEngine::Match(Rule& rule, const alerting::Labels& key, std::optional<double> value,
                        int64_t time, int64_t now, std::map<alerting::Labels, double>* touched) {
  metrics_.matches.With({rule.def.name}).Inc();
  int64_t before = rule.window->dropped();
  if (rule.window->Add(key, time, now, value) != nullptr) {
    (*touched)[key] = 0;
  } else if (rule.window->dropped() > before) {
    metrics_.dropped.With({"label_limit"}).Inc();
  }
}

void RulesEngine::ProcessLogs(const LogBatch& batch, const std::vector<int64_t>& ids) {
  int64_t now = options_.clock->NowUnixNanos();
  for (auto& [name, f] : files_) {
    std::vector<Rule*> rules;
    for (auto& r : f->rules) {
      if (r->def.trigger == Trigger::kLog) rules.push_back(r.get());
    }
    if (rules.empty()) continue;
    LuaSandbox& sandbox = f->code->sandbox();
    std::vector<std::map<alerting::Labels, double>> touched(rules.size());
    std::vector<std::string> errors(rules.size());
    std::vector<double> seconds(rules.size(), 0);
    std::vector<int64_t> matches(rules.size(), 0);
    sandbox.set_call_state(&f->call);
    for (size_t i = 0; i < batch.logs.size(); ++i) {
      const LogRow& row = batch.logs[i];
      f->call = CallState{&row, &batch.streams[row.stream], nullptr, nullptr, nullptr};
      int64_t id = i < ids.size() ? ids[i] : 0;
      Status built = sandbox.Protected([&](lua_State* L) {
        PushRecord(L, row, *f->call.stream, id);
        f->call.table = lua_topointer(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, kRecordKey);
      });
      for (size_t k = 0; k < rules.size(); ++k) {
        Rule& rule = *rules[k];
        if (!built.ok()) {
          if (errors[k].empty()) errors[k] = built.message();
          continue;
        }
        MatchResult m;
        auto start = std::chrono::steady_clock::now();
        Status st = sandbox.Call(
            rule.def.function_ref, 1,
            [](lua_State* L) { lua_getfield(L, LUA_REGISTRYINDEX, kRecordKey); },
            [&](lua_State* L) {
              std::string problem = ReadMatch(L, &m);
              return problem.empty() ? problem : Located(rule.def, "on_log " + problem);
            });
        seconds[k] += SecondsSince(start);
        if (!st.ok()) {
          if (errors[k].empty()) errors[k] = st.message();
          continue;
        }
        if (!m.matched) continue;
        ++matches[k];
        Match(rule, m.labels, m.value, row.time_key_ms * 1'000'000, now, &touched[k]);
      }
    }
    f->call = CallState{};
    sandbox.set_call_state(nullptr);
    (void)sandbox.Protected([](lua_State* L) {
      lua_pushnil(L);
      lua_setfield(L, LUA_REGISTRYINDEX, kRecordKey);
    });
    for (size_t k = 0; k < rules.size(); ++k) {
      Rule& rule = *rules[k];
      {
        std::lock_guard<std::mutex> lock(status_mutex_);
        status_[rule.def.name].matches += matches[k];
      }
      if (!errors[k].empty()) {
        alerting::RuleEvaluation ev;
        ev.rule = rule.def.name;
        ev.time_unix_nano = now;
        ev.complete = false;
        ev.error = errors[k];
        Apply(rule, std::move(ev), seconds[k]);
      }
      if (!touched[k].empty()) {
        metrics_.duration.With({"on_log"}).Observe(seconds[k]);
        SendWindow(rule, now, &touched[k]);
      }
    }
  }
}

void RulesEngine::ProcessAnomaly(const Anomaly& anomaly) {
  int64_t now = options_.clock->NowUnixNanos();
  for (auto& [name, f] : files_) {
    LuaSandbox& sandbox = f->code->sandbox();
    for (auto& r : f->rules) {
      Rule& rule = *r;
      if (rule.def.trigger != Trigger::kAnomaly) continue;
      f->call = CallState{nullptr, nullptr, &anomaly, nullptr, nullptr};
      sandbox.set_call_state(&f->call);
      MatchResult m;
      auto start = std::chrono::steady_clock::now();
      Status st = sandbox.Call(
          rule.def.function_ref, 1, [&](lua_State* L) { PushAnomaly(L, anomaly); },
          [&](lua_State* L) {
            std::string problem = ReadMatch(L, &m);
            return problem.empty() ? problem : Located(rule.def, "on_anomaly " + problem);
          });
      double seconds = SecondsSince(start);
      f->call = CallState{};
      sandbox.set_call_state(nullptr);
      metrics_.duration.With({"on_anomaly"}).Observe(seconds);
      if (!st.ok()) {
        alerting::RuleEvaluation ev;
        ev.rule = rule.def.name;
        ev.time_unix_nano = now;
        ev.complete = false;
        ev.error = st.message();
        Apply(rule, std::move(ev), seconds);
        continue;
      }
      if (!m.matched) continue;
      {
        std::lock_guard<std::mutex> lock(status_mutex_);
        status_[rule.def.name].matches += 1;
      }
      std::map<alerting::Labels, double> touched;
      // An anomaly counts at its point's time, like a record at its indexed time.
      Match(rule, m.labels, m.value, static_cast<int64_t>(anomaly.time_unix_nano), now, &touched);
      if (!touched.empty()) SendWindow(rule, now, &touched);
    }
  }
}

AlertSample RulesEngine::MakeSample(const Rule& rule, const alerting::Labels& labels, double value,
                                    Condition condition) {
  AlertSample s;
  // The rule's own labels win over what its code returned, and alertname over both, as in
  // Prometheus: the rule author decides what routing sees.
  s.labels = rule.def.labels;
  s.labels.emplace_back("alertname", rule.def.name);
  for (const auto& l : labels) s.labels.push_back(l);
  SortLabels(&s.labels);
  s.value = value;
  s.condition = condition;
  for (const auto& [name, tmpl] : rule.def.annotations) {
    s.annotations.emplace_back(name, tmpl.Render(s.labels, value));
  }
  SortLabels(&s.annotations);
  return s;
}

void RulesEngine::SendWindow(Rule& rule, int64_t now,
                             const std::map<alerting::Labels, double>* touched) {
  alerting::RuleEvaluation ev;
  ev.rule = rule.def.name;
  ev.time_unix_nano = now;
  ev.complete = touched == nullptr;
  auto add = [&](const alerting::Labels& labels, const SlidingWindow::Entry& e) {
    double count = static_cast<double>(e.count);
    Condition c = rule.def.thresholds.Evaluate(count);
    // Clear samples say nothing an absent one does not (complete) or could change (counts
    // only grow between ticks).
    if (c == Condition::kClear) return;
    ev.samples.push_back(MakeSample(rule, labels, e.last_value.value_or(count), c));
  };
  const auto& entries = rule.window->entries();
  if (touched != nullptr) {
    for (const auto& [labels, unused] : *touched) {
      if (auto it = entries.find(labels); it != entries.end()) add(labels, it->second);
    }
    if (ev.samples.empty()) return;
  } else {
    for (const auto& [labels, e] : entries) add(labels, e);
  }
  Apply(rule, std::move(ev), 0);
}

void RulesEngine::RunEvery(Rule& rule, int64_t now) {
  File& f = *rule.file;
  LuaSandbox& sandbox = f.code->sandbox();
  QueryState qs;
  qs.store = options_.store;
  qs.now_unix_nano = now;
  qs.timeout = Config().query_timeout;
  f.call = CallState{nullptr, nullptr, nullptr, nullptr, &qs};
  sandbox.set_call_state(&f.call);
  std::vector<RawSample> raw;
  auto start = std::chrono::steady_clock::now();
  Status st = sandbox.Call(
      rule.def.function_ref, 1, [&](lua_State* L) { PushQueryObject(L, qs); },
      [&](lua_State* L) {
        std::string problem = ReadSamples(L, rule.def.thresholds, &raw);
        return problem.empty() ? problem : Located(rule.def, problem);
      });
  double seconds = SecondsSince(start);
  f.call = CallState{};
  sandbox.set_call_state(nullptr);
  metrics_.duration.With({"every"}).Observe(seconds);
  rule.next_due = now + rule.def.every.count();

  alerting::RuleEvaluation ev;
  ev.rule = rule.def.name;
  ev.time_unix_nano = now;
  ev.complete = true;
  if (!st.ok()) {
    ev.error = st.message();
  } else {
    size_t limit = Config().max_alerts_per_rule;
    if (raw.size() > limit) {
      metrics_.dropped.With({"label_limit"}).Inc(static_cast<double>(raw.size() - limit));
      raw.resize(limit);
    }
    for (const RawSample& r : raw) {
      ev.samples.push_back(MakeSample(rule, r.labels, r.value, r.condition));
    }
  }
  Apply(rule, std::move(ev), seconds);
}

void RulesEngine::Apply(Rule& rule, alerting::RuleEvaluation ev, double seconds) {
  metrics_.evaluations.With({rule.def.name, TriggerName(rule.def.trigger)}).Inc();
  if (!ev.error.empty()) metrics_.errors.With({rule.def.name}).Inc();
  {
    std::lock_guard<std::mutex> lock(status_mutex_);
    RuleStatus& s = status_[rule.def.name];
    s.last_evaluation_unix_nano = ev.time_unix_nano;
    s.last_duration_seconds = seconds;
    ++s.evaluations;
    if (!ev.error.empty()) {
      ++s.errors;
      s.state = "error";
      s.last_error = ev.error;
      s.last_error_unix_nano = ev.time_unix_nano;
    } else {
      s.state = "ok";
      if (ev.complete) {
        s.alerts = static_cast<int64_t>(
            std::count_if(ev.samples.begin(), ev.samples.end(),
                          [](const auto& x) { return x.condition != Condition::kClear; }));
      }
    }
  }
  if (!ev.error.empty()) {
    log::Warning(kComponent, "rule evaluation failed",
                 {{"rule", rule.def.name}, {"error", ev.error}});
  }
  if (sink_ != nullptr) sink_->Apply(ev);
}

void RulesEngine::EvaluateDue(int64_t now) {
  ProcessQueued();
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [name, f] : files_) {
    for (auto& r : f->rules) {
      if (r->window) {
        r->window->Expire(now);
        SendWindow(*r, now, nullptr);
      } else if (now >= r->next_due) {
        RunEvery(*r, now);
      }
    }
  }
}

int64_t RulesEngine::NextWake() {
  std::lock_guard<std::mutex> lock(mutex_);
  int64_t next = options_.clock->NowUnixNanos() + Config().evaluation_interval.count();
  for (auto& [name, f] : files_) {
    for (auto& r : f->rules) {
      if (r->def.trigger == Trigger::kEvery) next = std::min(next, r->next_due);
    }
  }
  return next;
}

bool RulesEngine::WaitIdle(Duration timeout) {
  std::unique_lock<std::mutex> lock(queue_mutex_);
  return queue_changed_.wait_for(lock, timeout, [this] { return queue_.empty() && busy_ == 0; });
}

void RulesEngine::Start() {
  std::lock_guard<std::mutex> lock(queue_mutex_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void RulesEngine::Stop() {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    stop_ = true;
  }
  queue_changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RulesEngine::Run() {
  int64_t next = 0;  // evaluate at once: `every` rules report right after a start
  std::unique_lock<std::mutex> lock(queue_mutex_);
  while (!stop_) {
    if (!queue_.empty()) {
      lock.unlock();
      ProcessQueued();
      lock.lock();
      continue;
    }
    int64_t now = options_.clock->NowUnixNanos();
    if (now >= next) {
      lock.unlock();
      EvaluateDue(now);
      next = NextWake();
      lock.lock();
      continue;
    }
    Duration wait = std::min<Duration>(options_.poll_interval, Duration(next - now));
    queue_changed_.wait_for(lock, wait, [this] { return stop_ || !queue_.empty(); });
  }
}

RulesSnapshot RulesEngine::Snapshot() const {
  RulesSnapshot s;
  s.dir = Config().dir;
  s.dropped_records = dropped_.load();
  std::lock_guard<std::mutex> lock(status_mutex_);
  s.files = file_status_;
  s.last_load_unix_nano = last_load_;
  for (const std::string& rule : status_order_) {
    if (auto it = status_.find(rule); it != status_.end()) s.rules.push_back(it->second);
  }
  return s;
}

}  // namespace nightjar::collector::rules
