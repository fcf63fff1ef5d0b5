-- The `nightjar` rule library: the Lua half of what every rule file gets as the global
-- `nightjar` (also `require("nightjar")`). The collector adds `nightjar.rule` (also the global
-- `rule`) and `nightjar.duration`; this file adds the helpers below. It runs inside each rule
-- file's sandbox, with the same restrictions as the rules.
local nj = ...

-- OpenTelemetry severity numbers: the first number of each level.
nj.severity = { TRACE = 1, DEBUG = 5, INFO = 9, WARN = 13, ERROR = 17, FATAL = 21 }

local level_names = { "trace", "debug", "info", "warn", "error", "fatal" }

-- Returns the level name of a severity number ("error" for 17..20), "unspecified" for 0.
function nj.level(number)
  if type(number) ~= "number" or number < 1 or number > 24 then return "unspecified" end
  return level_names[(number - 1) // 4 + 1]
end

-- Returns the severity number a level name starts at (nj.severity_of("warn") == 13).
function nj.severity_of(name)
  local n = nj.severity[string.upper(tostring(name))]
  if n == nil then error("unknown severity level '" .. tostring(name) .. "'", 2) end
  return n
end

-- Returns true when `text` contains any of the given words, ignoring case. Words are plain
-- text, not patterns.
function nj.contains(text, ...)
  if type(text) ~= "string" then return false end
  local lower = string.lower(text)
  for i = 1, select("#", ...) do
    local word = select(i, ...)
    if string.find(lower, string.lower(word), 1, true) then return true end
  end
  return false
end

-- Returns a label table with the given keys of `t` (keys that are absent are left out), e.g.
-- nightjar.pick(record.attributes, "http.route", "http.method").
function nj.pick(t, ...)
  local out = {}
  if type(t) ~= "table" then return out end
  for i = 1, select("#", ...) do
    local key = select(i, ...)
    local v = t[key]
    if v ~= nil then out[key] = tostring(v) end
  end
  return out
end

-- Returns a new table with the entries of every given table, later ones winning.
function nj.merge(...)
  local out = {}
  for i = 1, select("#", ...) do
    local t = select(i, ...)
    if t ~= nil then
      for k, v in pairs(t) do out[k] = v end
    end
  end
  return out
end

-- Returns the samples (as query functions return them) whose value passes `keep(value,
-- labels)`.
function nj.filter(samples, keep)
  local out = {}
  for _, s in ipairs(samples or {}) do
    if keep(s.value, s.labels) then out[#out + 1] = s end
  end
  return out
end
