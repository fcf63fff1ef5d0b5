// Turns the tagged values of tests/interop/fixtures/*.json into the JavaScript values that
// OpenTelemetry's JavaScript API takes, and parses the command line shared by the export scripts.
//
// The fixtures tag every value with its OTLP kind (see the description in fixtures/logs.json) so
// that the C++ test can build the same values without guessing. Two extra tags exist only to
// probe what the SDK does with values it cannot send unchanged (fixtures/logs_quirks.json):
// "js_number" (any JavaScript number, written as text: "NaN", "-0", "1e21", ...) and "bigint".

import { readFileSync } from 'node:fs';

// Returns the fixture file at `path`, parsed.
export function readFixture(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

// Returns the JavaScript value for a tagged fixture value.
export function toJsValue(tagged) {
  const tags = Object.keys(tagged);
  if (tags.length !== 1) {
    throw new Error(`fixture value needs exactly one tag: ${JSON.stringify(tagged)}`);
  }
  const [tag] = tags;
  const v = tagged[tag];
  switch (tag) {
    case 'string':
    case 'bool':
    case 'double':
      return v;
    case 'int': {
      // JavaScript numbers are doubles: an int the fixture names must survive the trip exactly,
      // or the test would expect a value the SDK never had.
      const n = Number(v);
      if (!Number.isInteger(n) || BigInt(n) !== BigInt(v) || String(n) !== v) {
        throw new Error(`fixture int ${v} does not round-trip through a JavaScript number`);
      }
      return n;
    }
    case 'bytes':
      return Uint8Array.from(Buffer.from(v, 'hex'));
    case 'array':
      return v.map(toJsValue);
    case 'map':
      return toJsObject(v);
    case 'null':
      return null;
    case 'js_number':
      return Number(v);
    case 'bigint':
      return BigInt(v);
    default:
      throw new Error(`unknown fixture tag ${tag}`);
  }
}

// Returns a plain object with the converted values of a fixture map, in the fixture's order.
export function toJsObject(map) {
  const out = {};
  for (const [key, value] of Object.entries(map ?? {})) {
    // JavaScript enumerates integer-like keys first, in numeric order, whatever the insertion
    // order; such keys would make the expected order a lie.
    if (/^(0|[1-9][0-9]*)$/.test(key)) {
      throw new Error(`fixture map key ${key} looks like an index`);
    }
    out[key] = toJsValue(value);
  }
  return out;
}

// Returns the SDK's HrTime ([seconds, nanoseconds]) for nanoseconds given as a decimal string;
// HrTime is the only time input that the SDK keeps to the nanosecond.
export function toHrTime(nanos) {
  const ns = BigInt(nanos);
  return [Number(ns / 1000000000n), Number(ns % 1000000000n)];
}

// Parses "<base-url> [<fixture>] <protocol>:<compression>..." into {baseUrl, fixture, variants}.
// A variant is {protocol: 'proto' | 'json', compression: 'gzip' | 'none'}.
export function parseArgs(argv, { withFixture }) {
  const args = argv.slice(2);
  const baseUrl = args.shift();
  const fixture = withFixture ? args.shift() : undefined;
  if (!baseUrl || (withFixture && !fixture) || args.length === 0) {
    throw new Error('usage: <base-url>' + (withFixture ? ' <fixture.json>' : '') +
                    ' <proto|json>:<gzip|none>...');
  }
  const variants = args.map(arg => {
    const [protocol, compression] = arg.split(':');
    if (!['proto', 'json'].includes(protocol) || !['gzip', 'none'].includes(compression)) {
      throw new Error(`bad variant ${arg}`);
    }
    return { protocol, compression };
  });
  return { baseUrl: baseUrl.replace(/\/$/, ''), fixture, variants };
}
