-- A disk more than 90% full pages; it resolves only once below 80%, so a disk hovering around
-- 90% does not page again and again (hysteresis).
rule {
  name = "DiskAlmostFull",
  labels = { severity = "page" },
  annotations = {
    summary = "{{ $labels.mountpoint }} on {{ $labels[\"host.name\"] }} is "
        .. "{{ $value | humanizePercentage }} full",
  },
  every = "1m",
  ["for"] = "2m",
  above = 0.90,
  resolve_below = 0.80,
  evaluate = function(q)
    return q:latest{ metric = "disk.used.ratio", window = "5m", by = { "host.name", "mountpoint" } }
  end,
}
