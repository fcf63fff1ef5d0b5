// Emits the log records of a fixture file (see fixtures/logs.json) with OpenTelemetry's
// JavaScript SDK and exports them over OTLP/HTTP with the SDK's own exporters, once per variant.
//
// Usage: node export_logs.mjs <base-url> <fixture.json> <proto|json>:<gzip|none>...
// The exporter of variant proto:gzip posts to <base-url>/proto/gzip/v1/logs, and so on, so the
// receiving test knows which exporter sent each request. Every record goes to every variant,
// all in one request per variant. Prints the summary of report.mjs; exits non-zero when an
// export fails.

import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';

import { parseArgs, readFixture, toHrTime, toJsObject, toJsValue } from './fixture.mjs';
import { Report, run } from './report.mjs';

run(async () => {
  const { baseUrl, fixture: fixturePath, variants } = parseArgs(process.argv, {
    withFixture: true,
  });
  const fixture = readFixture(fixturePath);
  const report = new Report();

  const processors = variants.map(({ protocol, compression }) => {
    const name = `${protocol}:${compression}`;
    const options = { url: `${baseUrl}/${protocol}/${compression}/v1/logs`, compression };
    const exporter =
      protocol === 'proto' ? new ProtoLogExporter(options) : new JsonLogExporter(options);
    // A batch large enough for the whole fixture and a delay long enough never to fire: the
    // records leave in exactly one request per variant, on forceFlush().
    return new BatchLogRecordProcessor({
      exporter: report.wrap(name, exporter),
      maxQueueSize: 4096,
      maxExportBatchSize: 4096,
      scheduledDelayMillis: 3600000,
    });
  });

  const provider = new LoggerProvider({
    resource: resourceFromAttributes(toJsObject(fixture.resource.attributes), {
      schemaUrl: fixture.resource.schema_url,
    }),
    processors,
  });

  for (const scope of fixture.scopes) {
    const logger = provider.getLogger(scope.name, scope.version, {
      schemaUrl: scope.schema_url,
      attributes: scope.attributes ? toJsObject(scope.attributes) : undefined,
    });
    for (const record of scope.records) logger.emit(toLogRecord(record));
  }

  await provider.forceFlush();
  await provider.shutdown();
  report.finish();
});

// Returns the API's LogRecord for a fixture record. Fields the fixture leaves out stay undefined,
// except times, which the fixture always gives (the SDK would otherwise use the clock).
function toLogRecord(record) {
  const out = {
    timestamp: toHrTime(record.time_unix_nano),
    observedTimestamp: toHrTime(record.observed_time_unix_nano),
    severityNumber: record.severity_number,
    severityText: record.severity_text,
    eventName: record.event_name,
    attributes: record.attributes ? toJsObject(record.attributes) : undefined,
  };
  if ('body' in record) out.body = toJsValue(record.body);
  if (record.trace_id) {
    // The SDK takes trace context only from a Context; a remote span context is the way to set
    // arbitrary ids and flags without creating spans.
    out.context = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: record.trace_id,
      spanId: record.span_id,
      traceFlags: record.trace_flags,
      isRemote: true,
    });
  }
  return out;
}
