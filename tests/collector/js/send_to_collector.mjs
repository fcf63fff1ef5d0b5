// Sends log records and metrics to a running nightjar-collector with OpenTelemetry's JavaScript
// SDK and its own OTLP/HTTP exporters, once per variant (protobuf or JSON, gzip or none).
//
// Usage: node send_to_collector.mjs <interop-dir> <base-url> <proto|json>:<gzip|none>...
// The SDK packages are those pinned by tests/interop/package.json (<interop-dir>), installed by
// its `npm ci` fixture. Prints one JSON line {"exports": [{name, code, error}]}; exits non-zero
// when an export failed. The records mirror what e2e_js_test.cpp expects; change both together.

import { createRequire } from 'node:module';
import { join } from 'node:path';

const [interopDir, baseUrl, ...variants] = process.argv.slice(2);
if (!interopDir || !baseUrl || variants.length === 0) {
  console.error('usage: send_to_collector.mjs <interop-dir> <base-url> <proto|json>:<gzip|none>...');
  process.exit(2);
}
const require = createRequire(join(interopDir, 'package.json'));
const { ROOT_CONTEXT, trace } = require('@opentelemetry/api');
const { OTLPLogExporter: ProtoLogs } = require('@opentelemetry/exporter-logs-otlp-proto');
const { OTLPLogExporter: JsonLogs } = require('@opentelemetry/exporter-logs-otlp-http');
const { OTLPMetricExporter: ProtoMetrics } = require('@opentelemetry/exporter-metrics-otlp-proto');
const { OTLPMetricExporter: JsonMetrics } = require('@opentelemetry/exporter-metrics-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { BatchLogRecordProcessor, LoggerProvider } = require('@opentelemetry/sdk-logs');
const { AggregationTemporality, MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');

class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  async onForceFlush() {}
  async onShutdown() {}
}

const exports = [];
function wrap(name, exporter) {
  return {
    export(items, done) {
      exporter.export(items, result => {
        exports.push({ name, code: result.code, error: result.error ? String(result.error) : null });
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => (exporter.forceFlush ? exporter.forceFlush() : Promise.resolve()),
  };
}

const RECORDS = 20;
for (const variant of variants) {
  const [protocol, compression] = variant.split(':');
  const name = `${protocol}:${compression}`;
  const resource = resourceFromAttributes({ 'service.name': 'js-e2e', 'variant': name });

  const logOptions = { url: `${baseUrl}/v1/logs`, compression };
  const logExporter = protocol === 'proto' ? new ProtoLogs(logOptions) : new JsonLogs(logOptions);
  const provider = new LoggerProvider({
    resource,
    processors: [new BatchLogRecordProcessor({
      exporter: wrap(`logs ${name}`, logExporter),
      maxExportBatchSize: 1000,
      scheduledDelayMillis: 3600000,
    })],
  });
  const logger = provider.getLogger('e2e-scope', '1.2.3');
  for (let i = 0; i < RECORDS; i++) {
    const record = {
      timestamp: [1700000000 + i, 123],
      observedTimestamp: [1700000000 + i, 456],
      severityNumber: 9 + (i % 3) * 4,
      severityText: ['INFO', 'WARN', 'ERROR'][i % 3],
      body: `js ${name} record ${i}`,
      attributes: { i, ratio: i + 0.5, even: i % 2 === 0, tags: ['a', 'b'], variant: name },
    };
    if (i % 2 === 0) {
      record.context = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        traceFlags: 1,
        isRemote: true,
      });
    }
    logger.emit(record);
  }
  await provider.forceFlush();
  await provider.shutdown();

  const metricOptions = { url: `${baseUrl}/v1/metrics`, compression };
  const metricExporter =
    protocol === 'proto' ? new ProtoMetrics(metricOptions) : new JsonMetrics(metricOptions);
  const reader = new OnDemandReader();
  const meters = new MeterProvider({ resource, readers: [reader] });
  const meter = meters.getMeter('e2e-meter', '1.0.0');
  const requests = meter.createCounter('js.requests', { unit: '1' });
  requests.add(5, { route: '/a' });
  requests.add(7, { route: '/b' });
  const latency = meter.createHistogram('js.latency', { unit: 'ms' });
  for (const v of [3, 30, 300]) latency.record(v, { route: '/a' });
  const { resourceMetrics } = await reader.collect();
  await new Promise(resolve => wrap(`metrics ${name}`, metricExporter).export(resourceMetrics, resolve));
  await meters.shutdown();
}

console.log(JSON.stringify({ exports }));
process.exit(exports.every(e => e.code === 0) ? 0 : 1);
