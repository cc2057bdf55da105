import { Writable } from 'node:stream';

/** Log lines written to a {@link captureLogs} stream, parsed. */
export interface CapturedLogs {
  /** The destination to give `createLogger`. */
  stream: Writable;
  /** Every line so far, parsed from JSON. */
  lines: Array<Record<string, unknown>>;
}

/** A destination for `createLogger` that keeps each JSON line, for tests to read. */
export function captureLogs(): CapturedLogs {
  const lines: Array<Record<string, unknown>> = [];
  let buffer = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      buffer += chunk.toString();
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        newline = buffer.indexOf('\n');
      }
      done();
    },
  });
  return { stream, lines };
}
