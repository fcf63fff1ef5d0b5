-- Forwards what the anomaly detectors find, one alert per metric and service, when the score
-- is high enough to be worth a look. An alert stays for 10 minutes after the last anomaly.
rule {
  name = "MetricAnomaly",
  labels = { severity = "info" },
  annotations = {
    summary = "{{ $labels.metric }} on {{ $labels.service }} looks anomalous "
        .. "(score {{ $value | printf \"%.1f\" }})",
  },
  window = "10m",
  on_anomaly = function(a)
    if a.score < 3 then return nil end
    return { labels = { metric = a.metric, service = a.service }, value = a.score }
  end,
}
