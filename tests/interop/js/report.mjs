// What the export scripts tell the C++ test: every export's result code and every warning or
// error the SDK logged (a partial success, for one, is only ever reported as a warning).
//
// The summary is one JSON line on stdout; the SDK's own diagnostics also go to stderr for humans.

import { diag, DiagLogLevel } from '@opentelemetry/api';

// Collects the SDK's warnings and errors and wraps exporters so their results are recorded.
export class Report {
  constructor() {
    this.exports = [];
    this.diagnostics = [];
    const record = level => (message, ...args) => {
      const text = [message, ...args].map(String).join(' ');
      this.diagnostics.push({ level, text });
      process.stderr.write(`${level}: ${text}\n`);
    };
    diag.setLogger(
      {
        error: record('error'),
        warn: record('warn'),
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
  }

  // Returns `exporter` wrapped so that the result of each export() is recorded under `name`.
  // The SDK's processors and readers only log a failed export; recording it here is what lets
  // the script exit non-zero.
  wrap(name, exporter) {
    const exports = this.exports;
    return {
      export(items, resultCallback) {
        exporter.export(items, result => {
          const error = result.error ? String(result.error) : null;
          exports.push({ name, code: result.code, error });
          resultCallback(result);
        });
      },
      forceFlush: () => exporter.forceFlush(),
      shutdown: () => exporter.shutdown(),
    };
  }

  // Prints the summary and sets the exit code: 1 when any export failed or none happened.
  finish() {
    const failed = this.exports.length === 0 || this.exports.some(e => e.code !== 0);
    const summary = { exports: this.exports, diagnostics: this.diagnostics };
    process.stdout.write(JSON.stringify(summary) + '\n');
    process.exitCode = failed ? 1 : 0;
  }
}

// Runs `main`, turning an exception into exit code 2 with the error on stderr.
export function run(main) {
  main().catch(error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exitCode = 2;
  });
}
