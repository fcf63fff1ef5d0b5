// Reads Export*ServiceResponse bodies with the deserializers that OpenTelemetry's JavaScript
// exporters use on every answer they get (@opentelemetry/otlp-transformer), so a test can check
// that the SDK understands the responses Nightjar writes.
//
// Usage: node decode_response.mjs <logs|metrics>:<proto|json>:<file>...
// Prints one JSON array with the deserialized response of each file, in order.

import { readFileSync } from 'node:fs';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
} from '@opentelemetry/otlp-transformer';

const SERIALIZERS = {
  'logs:proto': ProtobufLogsSerializer,
  'logs:json': JsonLogsSerializer,
  'metrics:proto': ProtobufMetricsSerializer,
  'metrics:json': JsonMetricsSerializer,
};

const results = process.argv.slice(2).map(arg => {
  const [signal, encoding, ...rest] = arg.split(':');
  const serializer = SERIALIZERS[`${signal}:${encoding}`];
  if (!serializer) throw new Error(`bad argument ${arg}`);
  return serializer.deserializeResponse(new Uint8Array(readFileSync(rest.join(':'))));
});
// BigInt cannot go through JSON.stringify; none is expected, but if a deserializer ever
// returned one the test should see its digits rather than a crash.
process.stdout.write(
  JSON.stringify(results, (_, v) => (typeof v === 'bigint' ? `bigint:${v}` : v)) + '\n',
);
