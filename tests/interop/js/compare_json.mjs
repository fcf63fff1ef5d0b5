// Compares OTLP/JSON written by Nightjar with OTLP/JSON written by OpenTelemetry's JavaScript SDK
// for the same data, allowing only the differences the OTLP/JSON encoding permits.
//
// Usage: node compare_json.mjs <sdk.json> <nightjar.json>...
// Exits 0 when every Nightjar file equals the SDK file after normalization; otherwise prints
// the differing paths and exits 1.
//
// Normalization (applied to both sides):
//  - 64-bit integer fields may be JSON numbers or decimal strings (the spec says strings; the
//    SDK writes numbers): both become decimal strings.
//  - Fields holding their default value (0, false, "", [], {} or null) may be present or absent:
//    they are removed, after normalizing what is inside them. Not removed are the members of a
//    oneof (AnyValue's *Value, a data point's asInt/asDouble) and the optional sum/min/max of
//    histogram points, because there presence is information: {"intValue": 0} is not {}.
//  - Object key order is irrelevant. Array order is kept: it is significant everywhere in OTLP.
//  - Unknown fields, which OTLP receivers must ignore, are removed. The SDK writes one: a
//    schemaUrl inside "resource" (Resource has no such field; the URL belongs to
//    ResourceLogs/ResourceMetrics, where the SDK writes it as well and where it is compared).

import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

// OTLP fields of type int64, uint64, fixed64 or sfixed64.
const INT64_FIELDS = new Set([
  'timeUnixNano', 'observedTimeUnixNano', 'startTimeUnixNano', 'intValue', 'asInt', 'count',
  'zeroCount', 'bucketCounts', 'rejectedLogRecords', 'rejectedDataPoints', 'rejectedSpans',
]);

// Fields whose presence carries meaning even when they hold a default value.
const PRESENCE_FIELDS = new Set([
  'stringValue', 'boolValue', 'intValue', 'doubleValue', 'bytesValue', 'arrayValue',
  'kvlistValue', 'asInt', 'asDouble', 'sum', 'min', 'max',
]);

// Fields that are not in the OTLP messages, as "<parent key>.<key>".
const UNKNOWN_FIELDS = new Set(['resource.schemaUrl']);

function toInt64String(value, path) {
  if (typeof value === 'string' && /^-?[0-9]+$/.test(value)) return BigInt(value).toString();
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value).toString();
  throw new Error(`${path}: not a 64-bit integer: ${JSON.stringify(value)}`);
}

function isDefault(value) {
  if (value === null || value === 0 || value === '0' || value === false || value === '') {
    return true;
  }
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

// Returns the normalized copy of an OTLP/JSON value found under `key`.
function normalize(value, key, path) {
  if (INT64_FIELDS.has(key) && value !== null) {
    return Array.isArray(value)
      ? value.map((v, i) => toInt64String(v, `${path}[${i}]`))
      : toInt64String(value, path);
  }
  if (Array.isArray(value)) return value.map((v, i) => normalize(v, '', `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (UNKNOWN_FIELDS.has(`${key}.${k}`)) continue;
      const n = normalize(v, k, `${path}.${k}`);
      if (!PRESENCE_FIELDS.has(k) && isDefault(n)) continue;
      out[k] = n;
    }
    return out;
  }
  return value;
}

// Appends to `out` the paths at which `a` and `b` differ.
function diff(a, b, path, out) {
  if (out.length >= 20 || isDeepStrictEqual(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: ${a.length} elements vs ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) diff(a[i], b[i], `${path}[${i}]`, out);
    return;
  }
  const isObject = x => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(k in a)) out.push(`${path}.${k}: absent vs ${JSON.stringify(b[k])}`);
      else if (!(k in b)) out.push(`${path}.${k}: ${JSON.stringify(a[k])} vs absent`);
      else diff(a[k], b[k], `${path}.${k}`, out);
    }
    return;
  }
  out.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
}

const [sdkFile, ...nightjarFiles] = process.argv.slice(2);
if (!sdkFile || nightjarFiles.length === 0) {
  process.stderr.write('usage: compare_json.mjs <sdk.json> <nightjar.json>...\n');
  process.exit(2);
}
const sdk = normalize(JSON.parse(readFileSync(sdkFile, 'utf8')), '', '$');
let failed = false;
for (const file of nightjarFiles) {
  const ours = normalize(JSON.parse(readFileSync(file, 'utf8')), '', '$');
  const differences = [];
  diff(sdk, ours, '$', differences);
  if (differences.length > 0) {
    failed = true;
    process.stdout.write(
      `${file} differs from ${sdkFile} (SDK value first):\n  ${differences.join('\n  ')}\n`,
    );
  }
}
process.exitCode = failed ? 1 : 0;
