-- More than 5% of a service's records over 5 minutes are errors (and at least 10 of them, so
-- that a quiet service's single error does not page anyone).
rule {
  name = "HighErrorRatio",
  labels = { severity = "ticket" },
  annotations = {
    summary = "{{ $labels.service }}: {{ $value | humanizePercentage }} of records are errors",
  },
  every = "30s",
  ["for"] = "1m",
  above = 0.05,
  evaluate = function(q)
    local totals = {}
    for _, s in ipairs(q:log_count{ window = "5m", by = "service" }) do
      totals[s.labels.service] = s.value
    end
    local out = {}
    for _, e in ipairs(q:log_count{ window = "5m", by = "service", severity_min = "error" }) do
      local total = totals[e.labels.service] or 0
      if total > 0 and e.value >= 10 then
        out[#out + 1] = { labels = { service = e.labels.service }, value = e.value / total }
      end
    end
    return out
  end,
}
