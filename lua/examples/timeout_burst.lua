-- More than 20 timeout errors from one service within 5 minutes pages the on-call engineer.
-- Each service is its own alert; the alert clears once the burst has left the window.
rule {
  name = "TimeoutBurst",
  labels = { severity = "page" },
  annotations = {
    summary = "{{ $labels.service }} logged {{ $value }} timeouts in 5 minutes",
  },
  ["for"] = "1m",
  window = "5m",
  above = 20,
  on_log = function(rec)
    if rec.severity >= nightjar.severity.ERROR
        and nightjar.contains(rec.body, "timeout", "timed out") then
      return { service = rec.service }
    end
  end,
}
