// Records metrics with OpenTelemetry's JavaScript SDK and exports them over OTLP/HTTP with the
// SDK's own exporters: a counter, an up-down counter, a synchronous and an observable gauge, an
// explicit-bucket histogram and an exponential histogram, each with attributes, collected in
// cumulative and in delta temporality, in two rounds so that the two temporalities differ.
//
// Usage: node export_metrics.mjs <base-url> <proto|json>:<gzip|none>...
// Round R of temporality T goes to <base-url>/<T>/<R>/<protocol>/<compression>/v1/metrics.
// Each round is collected once per temporality and that one collection is exported through every
// variant, so all variants carry identical data, timestamps included. Prints the summary of
// report.mjs; exits non-zero when an export fails.
//
// The measurements below are mirrored as expected values in otlp_js_metrics_test.cpp; change
// both together.

import { ValueType } from '@opentelemetry/api';
import {
  OTLPMetricExporter as ProtoMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-proto';
import {
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';

import { parseArgs } from './fixture.mjs';
import { Report, run } from './report.mjs';

// A reader that collects only when asked. The SDK's PeriodicExportingMetricReader collects once
// per exporter, at slightly different times; collecting once and handing the same data to every
// exporter is what makes the protobuf and JSON bodies comparable value for value.
class OnDemandReader extends MetricReader {
  constructor(temporality) {
    super({ aggregationTemporalitySelector: () => temporality });
  }
  async onForceFlush() {}
  async onShutdown() {}
}

run(async () => {
  const { baseUrl, variants } = parseArgs(process.argv, { withFixture: false });
  const report = new Report();

  const readers = {
    cumulative: new OnDemandReader(AggregationTemporality.CUMULATIVE),
    delta: new OnDemandReader(AggregationTemporality.DELTA),
  };
  const provider = new MeterProvider({
    resource: resourceFromAttributes(
      { 'service.name': 'nightjar-interop-metrics', 'host.cpu.count': 8 },
      { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' },
    ),
    // The exponential histogram is an aggregation chosen by a view; maxSize 8 forces the SDK to
    // scale down to scale 1 for the values 1..8 recorded below.
    views: [
      {
        instrumentName: 'nightjar.interop.payload.size',
        aggregation: {
          type: AggregationType.EXPONENTIAL_HISTOGRAM,
          options: { maxSize: 8, recordMinMax: true },
        },
      },
    ],
    readers: Object.values(readers),
  });
  const meter = provider.getMeter('nightjar.interop/metrics', '2.12.1-test', {
    schemaUrl: 'https://opentelemetry.io/schemas/1.27.0',
  });

  const requests = meter.createCounter('nightjar.interop.requests', {
    description: 'Requests handled',
    unit: '{request}',
    valueType: ValueType.INT,
  });
  const queueDepth = meter.createUpDownCounter('nightjar.interop.queue.depth', {
    description: 'Items waiting',
    unit: '{item}',
    valueType: ValueType.INT,
  });
  const temperature = meter.createGauge('nightjar.interop.temperature', {
    description: 'Temperature',
    unit: 'Cel',
    valueType: ValueType.DOUBLE,
  });
  let memory = 0;
  meter
    .createObservableGauge('nightjar.interop.memory', {
      description: 'Resident memory',
      unit: 'By',
      valueType: ValueType.INT,
    })
    .addCallback(result => result.observe(memory, { pool: 'heap' }));
  const duration = meter.createHistogram('nightjar.interop.request.duration', {
    description: 'Request duration',
    unit: 's',
    valueType: ValueType.DOUBLE,
    advice: { explicitBucketBoundaries: [0.25, 0.5, 1, 2.5] },
  });
  const payload = meter.createHistogram('nightjar.interop.payload.size', {
    description: 'Payload size',
    unit: 'By',
    valueType: ValueType.DOUBLE,
  });

  // Round 1.
  requests.add(3, { route: '/a' });
  requests.add(4, { route: '/b' });
  requests.add(2, { route: '/a' });
  queueDepth.add(10, { queue: 'in' });
  queueDepth.add(-25, { queue: 'in' });
  temperature.record(21.5, { sensor: 'cpu' });
  temperature.record(22.75, { sensor: 'cpu' });
  memory = 1048576;
  for (const v of [0.125, 0.25, 0.75, 3]) duration.record(v, { route: '/a' });
  for (const v of [1, 2, 4, 8]) payload.record(v, { series: 'powers_of_two' });
  // Histograms take no negative values (the SDK drops them with a warning), so negative buckets
  // stay empty; zeros go to zero_count.
  for (const v of [0, 0, 0.5]) payload.record(v, { series: 'with_zeros' });
  await collectAndExport(1);

  // Round 2: cumulative points now differ from delta points.
  requests.add(5, { route: '/a' });
  queueDepth.add(7, { queue: 'in' });
  temperature.record(-3.25, { sensor: 'cpu' });
  memory = 9007199254740991;
  duration.record(0.5, { route: '/a' });
  payload.record(4, { series: 'powers_of_two' });
  await collectAndExport(2);

  await provider.shutdown();
  report.finish();

  async function collectAndExport(round) {
    for (const [temporality, reader] of Object.entries(readers)) {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new Error(`collection failed: ${errors.join('; ')}`);
      for (const { protocol, compression } of variants) {
        const options = {
          url: `${baseUrl}/${temporality}/${round}/${protocol}/${compression}/v1/metrics`,
          compression,
        };
        const exporter = report.wrap(
          `${temporality}/${round}/${protocol}:${compression}`,
          protocol === 'proto' ? new ProtoMetricExporter(options) : new JsonMetricExporter(options),
        );
        await new Promise(resolve => exporter.export(resourceMetrics, resolve));
        await exporter.shutdown();
      }
    }
  }
});
